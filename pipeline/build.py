"""The two things a user asks for: check an essay, and build its files."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

from pipeline.audio.mix import mix
from pipeline.audio.takes import Take, load_takes
from pipeline.publish.outputs import publish
from pipeline.publish.subtitles import chapters_vtt, to_srt, to_vtt
from pipeline.render.assemble import assemble
from pipeline.render.cache import Cache
from pipeline.render.plan import plan_segments
from pipeline.render.profile import profile_for
from pipeline.render.segments import Progress, SegmentResult, render_segments
from pipeline.script.load import load_essay
from pipeline.script.model import Essay
from pipeline.timing.timeline import Timeline, build_timeline


@dataclass(frozen=True)
class Checked:
    essay: Essay
    takes: dict[str, Take]
    timeline: Timeline


@dataclass(frozen=True)
class Built:
    checked: Checked
    folder: Path
    files: tuple[Path, ...]
    segments: tuple[SegmentResult, ...]

    @property
    def frames_encoded(self) -> int:
        return sum(s.frames for s in self.segments if not s.reused)


def check(path: Path) -> Checked:
    """Validate everything a build would use. Raises EssayError listing every problem."""
    essay = load_essay(path)
    takes = load_takes(essay)
    timeline = build_timeline(essay, {k: t.duration for k, t in takes.items()})
    return Checked(essay, takes, timeline)


def output_folder(essay: Essay, profile: str) -> Path:
    name = essay.meta.slug if profile == "master" else f"{essay.meta.slug}-{profile}"
    return essay.root / "output" / name


def build(
    path: Path,
    profile: str = "master",
    workers: int | None = None,
    progress: Progress | None = None,
) -> Built:
    progress = progress or Progress()
    progress.stage("checking")
    checked = check(path)
    essay, timeline = checked.essay, checked.timeline
    settings = profile_for(essay.settings.video, profile)
    cache = Cache.for_project(essay.root)
    slug = essay.meta.slug
    scratch = cache.scratch(slug)
    try:
        jobs = plan_segments(essay, timeline, settings)
        segments = render_segments(jobs, cache, workers, progress)
        progress.stage("mixing and assembling")
        audio = scratch / "mix.f32"
        mix(timeline, checked.takes).tofile(audio)
        staged = scratch / slug
        staged.mkdir()
        files = {
            f"{slug}.srt": to_srt(timeline.cues),
            f"{slug}.vtt": to_vtt(timeline.cues),
            f"{slug}.chapters.vtt": chapters_vtt(timeline.chapters),
        }
        for name, text in files.items():
            (staged / name).write_text(text, encoding="utf-8")
        assemble(
            [s.path for s in segments],
            audio,
            timeline.chapters,
            essay.meta,
            essay.settings.audio.bitrate,
            staged / f"{slug}.mp4",
            scratch,
        )
        folder = output_folder(essay, profile)
        publish(staged, folder)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    names = sorted([f"{slug}.mp4", *files])
    return Built(checked, folder, tuple(folder / n for n in names), tuple(segments))
