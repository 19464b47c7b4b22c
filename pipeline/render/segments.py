"""Render the segments a build needs, in parallel, reusing every one already in the cache.

A segment is a shot's own frames or a crossfade: many short jobs, handed to the workers
longest first, so the cores stay busy to the end."""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from pipeline.base.cache import SEGMENTS, Cache
from pipeline.base.errors import RenderError, shown
from pipeline.base.progress import Progress
from pipeline.base.runner import Runner
from pipeline.render.encode import encode_segment
from pipeline.render.plan import SegmentJob
from pipeline.render.rendition import Rendition


@dataclass(frozen=True)
class SegmentResult:
    name: str  # the job's: a shot or a crossfade
    section: str
    paths: tuple[Path, ...]  # one a rendition, in the job's order
    frames: int
    reused: bool  # nothing of it was encoded

    @property
    def path(self) -> Path:
        return self.paths[0]


def segments_at_once(jobs: Sequence[SegmentJob], cores: int) -> int:
    """Segments at once, by measurement (benchmarks/render.py). At 1080p on 2 cores, two
    sections with one x264 thread each beat one with two by 2 to 8% (6 sections, three
    alternating rounds: 70.8-75.7 s against 76.0-80.0 s), for about 220 MB more (a second
    encoder): 820 against 600 MB. More than two would hold more encoders for little: x264
    scales well to about 4 threads a stream. A small draft is the other way round: making
    its frames is the slow part, so one section a core."""
    small = bool(jobs) and jobs[0].size[0] * jobs[0].size[1] < 1280 * 720
    return cores if small else min(2, cores)


def render_segments(
    jobs: Sequence[SegmentJob],
    cache: Cache,
    runner: Runner,
    workers: int | None = None,
    progress: Progress | None = None,
) -> list[SegmentResult]:
    """Each job's frames drawn once and encoded at every rendition the cache lacks."""
    progress = progress or Progress()
    area = cache.area(SEGMENTS)
    missing = {
        j.keys: [k for k, key in enumerate(j.keys) if not area.get(_name(key))] for j in jobs
    }
    todo = [j for j in jobs if missing[j.keys]]
    progress.start(todo, [j for j in jobs if j not in todo])
    workers = max(1, min(workers or segments_at_once(jobs, runner.cores), len(todo) or 1))
    unique = list({j.keys: j for j in todo}.values())
    # Longest first, so the segment left to finish alone is the shortest; that last one
    # gets every core's thread, since it will end up with the machine to itself.
    unique.sort(key=lambda j: -j.frames)
    stop = threading.Event()

    def render(job: SegmentJob) -> None:
        def on_frame() -> None:
            if stop.is_set():
                raise _Stopped
            progress.frame(job)

        threads = runner.cores if job is unique[-1] else max(1, runner.cores // workers)
        made = missing[job.keys]
        names = [_name(job.keys[k]) for k in made]
        outs = lambda tmps: [(job.renditions[k], t) for k, t in zip(made, tmps, strict=True)]  # noqa: E731
        area.put_files(names, lambda tmps: encode_segment(job, outs(tmps), threads, on_frame))
        progress.done(job)

    runner.map(render, unique, workers, on_failure=stop.set)  # the others stop at their next frame
    return [
        SegmentResult(
            j.name, j.section, tuple(area.path(_name(k)) for k in j.keys), j.frames, j not in todo
        )
        for j in jobs
    ]


def room_for(jobs: Sequence[SegmentJob], cache: Cache, output: Path) -> None:
    """Refuse to start a build the disk cannot hold, roughly: the segments the cache lacks,
    and the videos joined from them, at each rendition's bitrate (a cap, or 8 Mb/s at 1080p
    in proportion), twice over for the margin."""
    area = cache.area(SEGMENTS)
    segments = videos = 0.0
    for job in jobs:
        for rendition, name in zip(job.renditions, job.keys, strict=True):
            size = 2 * _rate(rendition) / 8 * job.frames / job.fps
            videos += size
            segments += 0 if area.path(_name(name)).exists() else size
    needs = {cache.root: segments + videos}  # the joined videos are made in its scratch
    output.mkdir(parents=True, exist_ok=True)
    if os.stat(output).st_dev != os.stat(cache.root).st_dev:
        needs[output] = videos
    for folder, wanted in needs.items():
        free = shutil.disk_usage(folder).free
        if free < wanted:
            raise RenderError(
                f"not enough free space in {shown(folder)}: this build writes about "
                f"{wanted / 1e6:,.0f} MB there and {free / 1e6:,.0f} MB are free; free some "
                "space, or remove old cache entries with `essay prune`"
            )


def _rate(rendition: Rendition) -> float:
    pixels = rendition.width * rendition.height / (1920 * 1080)
    return rendition.maxrate or 8e6 * pixels**0.75 * rendition.fps / 30


def _name(key: str) -> str:
    return f"{key}.mp4"


class _Stopped(Exception):
    """Another segment failed or the user interrupted: stop encoding this one."""
