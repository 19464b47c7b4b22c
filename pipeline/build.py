"""The two things a user asks for: check an essay, and build its files."""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from pathlib import Path

from pipeline.audio.loudness import Loudness
from pipeline.audio.music import MusicTrack, load_music
from pipeline.audio.streams import AAC, MASTER, MP3, AudioStreams, audio_streams
from pipeline.audio.takes import Take, load_takes
from pipeline.errors import EssayError
from pipeline.publish.edition import cover_art, write_m4a, write_mp3
from pipeline.publish.outputs import publish
from pipeline.publish.subtitles import chapters_vtt, to_srt, to_vtt
from pipeline.render.assemble import assemble
from pipeline.render.cache import Cache
from pipeline.render.captions import captions_for
from pipeline.render.plan import plan_segments
from pipeline.render.profile import profile_for
from pipeline.render.segments import Progress, SegmentResult, render_segments
from pipeline.script.load import load_essay
from pipeline.script.model import Card, Essay
from pipeline.timing.timeline import Timeline, build_timeline
from pipeline.visuals.cards import rasterise


@dataclass(frozen=True)
class Checked:
    essay: Essay
    takes: dict[str, Take]
    music: list[MusicTrack]
    timeline: Timeline


@dataclass(frozen=True)
class Built:
    checked: Checked
    folder: Path
    files: tuple[Path, ...]
    segments: tuple[SegmentResult, ...]
    loudness: dict[str, Loudness]  # measured on the delivered files, by file name
    audio_reused: bool

    @property
    def frames_encoded(self) -> int:
        return sum(s.frames for s in self.segments if not s.reused)


def check(path: Path) -> Checked:
    """Validate everything a build would use. Raises EssayError listing every problem."""
    essay = load_essay(path)
    problems: list = []
    takes = _collect(load_takes, essay, problems)
    music = _collect(load_music, essay, problems)
    if problems:
        raise EssayError(problems)
    timeline = build_timeline(essay, takes)
    return Checked(essay, takes, music, timeline)


def _collect(load, essay: Essay, problems: list):
    """Run a loader; its problems join the others instead of stopping the check."""
    try:
        return load(essay)
    except EssayError as err:
        problems += err.problems
        return None


def output_folder(essay: Essay, profile: str) -> Path:
    name = essay.meta.slug if profile == "master" else f"{essay.meta.slug}-{profile}"
    return essay.root / "output" / name


def build(
    path: Path,
    profile: str = "master",
    workers: int | None = None,
    progress: Progress | None = None,
    burn_subtitles: bool = False,
) -> Built:
    """Render, mix and write every file, then move them into output/<slug>/ together."""
    progress = progress or Progress()
    progress.stage("checking")
    checked = check(path)
    essay, timeline = checked.essay, checked.timeline
    cache = Cache.for_project(essay.root)
    scratch = cache.scratch(essay.meta.slug)
    try:
        captions = captions_for(essay, timeline) if burn_subtitles else ()
        jobs = plan_segments(essay, timeline, profile_for(essay.settings.video, profile), captions)
        segments = render_segments(jobs, cache, workers, progress)
        progress.stage("mixing the sound")
        sound = audio_streams(essay, timeline, checked.takes, checked.music, cache.root)
        progress.stage("writing the files")
        staged = scratch / essay.meta.slug
        staged.mkdir()
        files = _write_files(checked, [s.path for s in segments], sound, staged, scratch)
        folder = output_folder(essay, profile)
        publish(staged, folder)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    files = sorted(folder / f.name for f in files)
    loudness = _delivered_loudness(essay, sound)
    return Built(checked, folder, tuple(files), tuple(segments), loudness, sound.reused)


def _write_files(
    checked: Checked, segments: list[Path], sound: AudioStreams, staged: Path, scratch: Path
) -> list[Path]:
    essay, timeline = checked.essay, checked.timeline
    slug, meta, chapters = essay.meta.slug, essay.meta, timeline.chapters
    named = {
        f"{slug}.srt": to_srt(timeline.cues),
        f"{slug}.vtt": to_vtt(timeline.cues),
        f"{slug}.chapters.vtt": chapters_vtt(timeline.chapters),
        f"{slug}.loudness.json": _loudness_report(essay, _delivered_loudness(essay, sound)),
    }
    for name, text in named.items():
        (staged / name).write_text(text, encoding="utf-8")
    video, mp3, m4a = (staged / f"{slug}.{ext}" for ext in ("mp4", "mp3", "m4a"))
    assemble(segments, sound.path(MASTER), chapters, meta, video, scratch)
    cover = _cover(essay)
    write_mp3(sound.path(MP3), mp3, meta, chapters, cover)
    write_m4a(sound.path(AAC), m4a, meta, chapters, cover, scratch)
    return [*(staged / n for n in named), video, mp3, m4a]


def _cover(essay: Essay) -> bytes:
    """Square cover art for the audio edition, from the episode's first card."""
    cards = [v for s in essay.sections for v in s.visuals if isinstance(v, Card)]
    return cover_art(rasterise(cards[0].svg, essay.settings.fonts, (1920, 1080))) if cards else b""


def _delivered_loudness(essay: Essay, sound: AudioStreams) -> dict[str, Loudness]:
    slug = essay.meta.slug
    return {f"{slug}.mp4": sound.loudness[MASTER], f"{slug}.mp3": sound.loudness[MP3]}


def _loudness_report(essay: Essay, measured: dict[str, Loudness]) -> str:
    audio = essay.settings.audio
    report = {
        "target": {"integrated": audio.loudness, "true_peak": audio.true_peak},
        "measured": {name: m.as_dict() for name, m in measured.items()},
        "meter": "ITU-R BS.1770-4 (ffmpeg ebur128, true peak 4x oversampled)",
    }
    return json.dumps(report, indent=2) + "\n"
