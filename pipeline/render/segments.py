"""Render the segments a build needs, in parallel, reusing every one already in the cache."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from pipeline.base.cache import SEGMENTS, Cache
from pipeline.base.progress import Progress
from pipeline.base.runner import Runner
from pipeline.render.encode import encode_segment
from pipeline.render.plan import SegmentJob


@dataclass(frozen=True)
class SegmentResult:
    section: str
    path: Path
    frames: int
    reused: bool


def sections_at_once(jobs: Sequence[SegmentJob], cores: int) -> int:
    """Sections at once, by measurement (benchmarks/render.py). At 1080p on 2 cores, two
    sections with one x264 thread each beat one with two by 2 to 8% (6 sections, three
    alternating rounds: 70.8-75.7 s against 76.0-80.0 s), for about 220 MB more (a second
    encoder): 820 against 600 MB. More than two would hold more encoders for little: x264
    scales well to about 4 threads a stream. A small draft is the other way round: making
    its frames is the slow part, so one section a core."""
    small = bool(jobs) and jobs[0].rendition.width * jobs[0].rendition.height < 1280 * 720
    return cores if small else min(2, cores)


def render_segments(
    jobs: Sequence[SegmentJob],
    cache: Cache,
    runner: Runner,
    workers: int | None = None,
    progress: Progress | None = None,
) -> list[SegmentResult]:
    progress = progress or Progress()
    area = cache.area(SEGMENTS)
    todo = [j for j in jobs if not area.get(_name(j))]
    progress.start(todo, [j for j in jobs if j not in todo])
    workers = max(1, min(workers or sections_at_once(jobs, runner.cores), len(todo) or 1))
    seen = set()
    unique = [j for j in todo if not (j.key in seen or seen.add(j.key))]
    # Longest first, so the section left to finish alone is the shortest; that last one
    # gets every core's thread, since it will end up with the machine to itself.
    unique.sort(key=lambda j: -j.frames)
    stop = threading.Event()

    def render(job: SegmentJob) -> None:
        def on_frame() -> None:
            if stop.is_set():
                raise _Stopped
            progress.frame(job)

        threads = runner.cores if job is unique[-1] else max(1, runner.cores // workers)
        area.put_file(_name(job), lambda tmp: encode_segment(job, tmp, threads, on_frame))
        progress.done(job)

    runner.map(render, unique, workers, on_failure=stop.set)  # the others stop at their next frame
    return [SegmentResult(j.section, area.path(_name(j)), j.frames, j not in todo) for j in jobs]


def _name(job: SegmentJob) -> str:
    return f"{job.key}.mp4"


class _Stopped(Exception):
    """Another segment failed or the user interrupted: stop encoding this one."""
