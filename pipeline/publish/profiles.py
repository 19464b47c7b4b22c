"""Build profiles: for each, the video renditions it renders, what it asks of the sound, the
files it delivers and the folder they go to."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from pipeline.audio.encoded import SoundSpec
from pipeline.publish import (
    chapters_json,
    chapters_vtt,
    description,
    episode_json,
    loudness_report,
    m4a,
    mp3,
    mp4,
    newsletter,
    page,
    pictures,
    srt,
    transcript,
    transcript_json,
    vtt,
)
from pipeline.publish.product import Product
from pipeline.render import rendition
from pipeline.render.rendition import Rendition
from pipeline.script.settings import Video


@dataclass(frozen=True)
class BuildProfile:
    name: str
    renditions: Callable[[Video, tuple[int, ...]], tuple[Rendition, ...]]
    sound: SoundSpec
    products: tuple[Product, ...]  # besides a video file a rendition
    folder_suffix: str  # output/<slug><suffix>/
    scratch: bool = False  # may carry scratch narration (else only with allow_scratch)
    series_files: bool = False  # what it delivers is the series': its page, feed, manifest

    def folder(self, slug: str) -> str:
        return f"{slug}{self.folder_suffix}"

    def products_for(self, renditions: tuple[Rendition, ...]) -> tuple[Product, ...]:
        """Every file it delivers: the videos first, then the rest in order (the page, which
        names them all, and the episode's facts come last)."""
        return (*(mp4.video(r, k) for k, r in enumerate(renditions)), *self.products)


MASTER = BuildProfile(
    "master",
    rendition.master_and_web,
    SoundSpec(exact=True, aac_bitrate=None, mp3=True),
    (
        srt.SUBTITLES,
        vtt.CAPTIONS,
        chapters_vtt.CHAPTERS,
        chapters_json.CHAPTERS_JSON,
        loudness_report.REPORT,
        m4a.EDITION,
        mp3.EDITION,
        description.DESCRIPTION,
        pictures.POSTER,
        pictures.THUMB,
        pictures.COVER_ART,
        transcript.TRANSCRIPT,
        transcript_json.WORDS,
        newsletter.EMAIL_POSTER,
        newsletter.EMAIL_HTML,
        newsletter.EMAIL_TEXT,
        newsletter.EMAIL_EML,
        page.EPISODE_PAGE,
        episode_json.EPISODE_JSON,
    ),
    "",
    series_files=True,
)
DRAFT = BuildProfile(
    "draft",
    rendition.draft,
    SoundSpec(exact=False, aac_bitrate="128k", mp3=False),  # a look: no audio edition
    (
        srt.SUBTITLES,
        vtt.CAPTIONS,
        chapters_vtt.CHAPTERS,
        pictures.POSTER,
        page.EPISODE_PAGE,
    ),
    "-draft",
    scratch=True,  # a look before the takes exist
)
PROFILES = {p.name: p for p in (MASTER, DRAFT)}
