"""Build profiles: for each, the video rendition it renders, what it asks of the sound, the
files it delivers and the folder they go to."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from pipeline.audio.encoded import SoundSpec
from pipeline.publish import chapters_vtt, description, loudness_report, m4a, mp3, mp4, srt, vtt
from pipeline.publish.product import Product
from pipeline.render import rendition
from pipeline.render.rendition import Rendition
from pipeline.script.schema import Video


@dataclass(frozen=True)
class BuildProfile:
    name: str
    rendition: Callable[[Video], Rendition]
    sound: SoundSpec
    products: tuple[Product, ...]
    folder_suffix: str  # output/<slug><suffix>/

    def folder(self, slug: str) -> str:
        return f"{slug}{self.folder_suffix}"


MASTER = BuildProfile(
    "master",
    rendition.delivery,
    SoundSpec(exact=True, aac_bitrate=None, mp3=True),
    (
        mp4.VIDEO,
        srt.SUBTITLES,
        vtt.CAPTIONS,
        chapters_vtt.CHAPTERS,
        loudness_report.REPORT,
        m4a.EDITION,
        mp3.EDITION,
        description.DESCRIPTION,
    ),
    "",
)
DRAFT = BuildProfile(
    "draft",
    rendition.draft,
    SoundSpec(exact=False, aac_bitrate="128k", mp3=False),  # a look: no audio edition
    (mp4.VIDEO, srt.SUBTITLES, vtt.CAPTIONS, chapters_vtt.CHAPTERS),
    "-draft",
)
PROFILES = {p.name: p for p in (MASTER, DRAFT)}
