"""Render the segments a build needs, in parallel, reusing every one already in the cache."""

from __future__ import annotations

import os
import threading
from collections.abc import Sequence
from concurrent.futures import FIRST_EXCEPTION, ThreadPoolExecutor, wait
from dataclasses import dataclass
from pathlib import Path

from pipeline.render.cache import Cache
from pipeline.render.encode import encode_segment
from pipeline.render.plan import SegmentJob


@dataclass(frozen=True)
class SegmentResult:
    section: str
    path: Path
    frames: int
    reused: bool


class Progress:
    """What the renderer reports; the CLI decides how to show it."""

    def stage(self, name: str) -> None: ...
    def start(self, todo: Sequence[SegmentJob], reused: Sequence[SegmentJob]) -> None: ...
    def frame(self, job: SegmentJob) -> None: ...
    def done(self, job: SegmentJob) -> None: ...


def default_jobs(jobs: Sequence[SegmentJob]) -> int:
    """Sections at once, by measurement (benchmarks/render.py). At 1080p on 2 cores, two
    sections with one x264 thread each beat one with two by 2 to 8% (6 sections, three
    alternating rounds: 70.8-75.7 s against 76.0-80.0 s), for about 220 MB more (a second
    encoder): 820 against 600 MB. More than two would hold more encoders for little: x264
    scales well to about 4 threads a stream. A small draft is the other way round: making
    its frames is the slow part, so one section a core."""
    cores = os.cpu_count() or 1
    small = bool(jobs) and jobs[0].profile.width * jobs[0].profile.height < 1280 * 720
    return cores if small else min(2, cores)


def render_segments(
    jobs: Sequence[SegmentJob],
    cache: Cache,
    workers: int | None = None,
    progress: Progress | None = None,
) -> list[SegmentResult]:
    progress = progress or Progress()
    todo = [j for j in jobs if not cache.has_segment(j.key)]
    progress.start(todo, [j for j in jobs if j not in todo])
    workers = max(1, min(workers or default_jobs(jobs), len(todo) or 1))
    cores = os.cpu_count() or 1
    seen = set()
    unique = [j for j in todo if not (j.key in seen or seen.add(j.key))]
    # Longest first, so the section left to finish alone is the shortest; that last one
    # gets every core's thread, since it will end up with the machine to itself.
    unique.sort(key=lambda j: -j.frames)

    stop = threading.Event()

    def render(job: SegmentJob, threads: int) -> None:
        def on_frame() -> None:
            if stop.is_set():
                raise _Stopped
            progress.frame(job)

        tmp = cache.new_segment_path(job.key)
        try:
            encode_segment(job, tmp, threads, on_frame)
            tmp.replace(cache.segment(job.key))
        finally:
            tmp.unlink(missing_ok=True)
        progress.done(job)

    with ThreadPoolExecutor(workers) as pool:
        futures = [
            pool.submit(render, j, cores if j is unique[-1] else max(1, cores // workers))
            for j in unique
        ]
        try:
            wait(futures, return_when=FIRST_EXCEPTION)
            for future in futures:
                if future.done() and future.exception():
                    raise future.exception()
        except BaseException:
            stop.set()  # the other workers stop at their next frame
            raise
    return [SegmentResult(j.section, cache.segment(j.key), j.frames, j not in todo) for j in jobs]


class _Stopped(Exception):
    """Another segment failed or the user interrupted: stop encoding this one."""
