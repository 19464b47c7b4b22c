"""Render the segments a build needs, in parallel, reusing every one already in the cache.

A segment is a shot's own frames or a crossfade: many short jobs, handed to the workers
longest first, so the cores stay busy to the end."""

from __future__ import annotations

import os
import shutil
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from pipeline.base.cache import SEGMENTS, Area, Cache
from pipeline.base.errors import RenderError, shown
from pipeline.base.progress import Progress
from pipeline.base.runner import Runner, worker_name
from pipeline.render.encode import encode_segment
from pipeline.render.plan import SegmentJob
from pipeline.render.rendition import Rendition


@dataclass(frozen=True)
class SegmentResult:
    name: str  # the job's: a shot or a crossfade
    section: str  # the id of the section it shows (a crossfade: the one it fades into)
    paths: tuple[Path, ...]  # one a rendition, in the job's order
    frames: int
    reused: bool  # nothing of it was encoded
    ran: Ran | None = None  # where it was encoded, if it was

    @property
    def path(self) -> Path:
        return self.paths[0]


def segments_at_once(jobs: Sequence[SegmentJob], cores: int) -> int:
    """Segments at once, by measurement (benchmarks/render.py). At 1080p on 2 cores, two
    segments with one x264 thread each beat one with two by 2 to 8% (6 of them, three
    alternating rounds: 70.8-75.7 s against 76.0-80.0 s), for about 220 MB more (a second
    encoder): 820 against 600 MB. More than two would hold more encoders for little: x264
    scales well to about 4 threads a stream. A small draft is the other way round: making
    its frames is the slow part, so one segment a core."""
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
    progress.start(todo, [j for j in jobs if not missing[j.keys]])
    workers = max(1, min(workers or segments_at_once(jobs, runner.cores), len(todo) or 1))
    unique = list({j.keys: j for j in todo}.values())
    # Longest first, so the segment left to finish alone is the shortest; that last one
    # gets every core's thread, since it will end up with the machine to itself.
    unique.sort(key=lambda j: -j.frames)
    watch = _Watch(progress)
    tasks = [
        Encode(j, area.folder, tuple(missing[j.keys]), _threads(j, unique, runner, workers), watch)
        for j in unique
    ]
    ran = runner.spread(
        encode, tasks, workers, on_failure=watch.stop.set,  # the others stop at their next frame
        on_done=lambda task, _: progress.done(task.job),
    )  # fmt: skip
    where = {t.job.keys: r for t, r in zip(tasks, ran, strict=True)}
    return [
        SegmentResult(
            j.name,
            j.section,
            tuple(area.path(_name(k)) for k in j.keys),
            j.frames,
            not missing[j.keys],
            where.get(j.keys),
        )
        for j in jobs
    ]


def _threads(job: SegmentJob, unique: list[SegmentJob], runner: Runner, workers: int) -> int:
    return runner.cores if job is unique[-1] else max(1, runner.cores // workers)


@dataclass(frozen=True)
class Ran:
    """Where a segment was encoded, and how long it took there."""

    worker: str
    seconds: float


@dataclass(frozen=True)
class Encode:
    """One segment to encode into the cache: plain values, so any worker sharing the project's
    folder can do it."""

    job: SegmentJob
    folder: Path  # the cache's segments area
    made: tuple[int, ...]  # the renditions it lacks, by index
    threads: int
    watch: _Watch


def encode(task: Encode) -> Ran:
    """Encode the renditions a segment lacks and put them in the cache, each whole or not at
    all."""
    job, area = task.job, Area(task.folder)
    names = [_name(job.keys[k]) for k in task.made]
    outs = lambda tmps: [(job.renditions[k], t) for k, t in zip(task.made, tmps, strict=True)]  # noqa: E731
    on_frame = partial(task.watch.frame, job)
    started = time.perf_counter()
    area.put_files(names, lambda tmps: encode_segment(job, outs(tmps), task.threads, on_frame))
    return Ran(worker_name(), round(time.perf_counter() - started, 3))


class _Watch:
    """The build's progress and its stop signal, for segments encoded in this process. A copy
    sent to another process carries neither (neither can travel): there a segment runs to its
    end, and is reported when it is done."""

    def __init__(self, progress: Progress | None = None):
        self.progress = progress
        self.stop = threading.Event()

    def __reduce__(self):
        return (_Watch, ())

    def frame(self, job: SegmentJob) -> None:
        if self.stop.is_set():
            raise _Stopped
        if self.progress is not None:
            self.progress.frame(job)


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
    needs = {cache.root: segments + videos}  # the joined videos are made in its work folder
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
