"""Encode one segment: frames piped to x264 as raw yuv420p while the next are being made.

The frames are drawn on the calling thread straight into a small ring of buffers and written
by another, so drawing a frame never waits for the encoder to take the last one.
"""

from __future__ import annotations

import contextlib
import fcntl
import queue
import subprocess
import threading
from collections.abc import Callable, Sequence
from pathlib import Path

from pipeline.base import ffmpeg
from pipeline.base.errors import RenderError
from pipeline.render.compose import Segment
from pipeline.render.plan import SegmentJob
from pipeline.render.rendition import Rendition
from pipeline.visuals.yuv import FrameBuffer

_F_SETPIPE_SZ = 1031  # Linux: a bigger pipe lets frame making and encoding overlap
_RING = 4  # frames made ahead of the encoder


def encode_segment(
    job: SegmentJob,
    outs: Sequence[tuple[Rendition, Path]],
    threads: int,
    on_frame: Callable[[], None] = lambda: None,
) -> None:
    """Write the segment at each rendition to its path (.mp4 files without audio): one
    ffmpeg reads the frames once, scales them for the smaller renditions, and encodes all."""
    width, height = job.size
    raw = ("-f", "rawvideo", "-pix_fmt", "yuv420p", "-s", f"{width}x{height}")
    cmd = ffmpeg.command(
        *raw, "-framerate", str(job.fps), "-i", "pipe:0", *output_args(job.size, outs, threads)
    )
    proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdin is not None and proc.stderr is not None
    _widen_pipe(proc.stdin.fileno())
    errors: list[bytes] = []
    reader = threading.Thread(target=lambda: errors.append(proc.stderr.read()), daemon=True)
    reader.start()
    try:
        _pump(job, proc.stdin, on_frame)
    except BaseException:
        proc.kill()
        proc.wait()
        raise
    reader.join()
    if proc.wait() != 0:
        reason = ffmpeg.last_line(b"".join(errors))
        where = f"{job.name} (section '{job.section}')"
        raise RenderError(f"ffmpeg failed while encoding {where}: {reason}")


def _pump(job: SegmentJob, sink, on_frame: Callable[[], None]) -> None:
    """Draw frames here into a ring of buffers, write them on a second thread; stop both on
    any failure."""
    ring = [FrameBuffer(*job.size) for _ in range(_RING)]
    free: queue.Queue[int] = queue.Queue()
    full: queue.Queue[int | None] = queue.Queue()
    for k in range(_RING):
        free.put(k)
    broken = threading.Event()

    def write() -> None:
        try:
            while (k := full.get()) is not None:
                sink.write(ring[k].data.data)
                free.put(k)
            sink.close()
        except OSError:  # ffmpeg stopped early; its own message says why
            broken.set()
            free.put(-1)

    writer = threading.Thread(target=write, daemon=True)
    writer.start()
    segment = Segment(job)
    try:
        for f in range(job.frames):
            k = free.get()
            if broken.is_set() or k < 0:
                break
            segment.draw(f, ring[k])
            full.put(k)
            on_frame()
    finally:
        segment.close()
        full.put(None)
        writer.join()


def output_args(
    size: tuple[int, int], outs: Sequence[tuple[Rendition, Path]], threads: int
) -> list[str]:
    """ffmpeg's output options for frames of `size`: a rendition of that size takes them as
    they are; the others take a copy of them, scaled (Lanczos)."""
    scaled = [(k, r) for k, (r, _) in enumerate(outs) if r.size != size]
    args: list[str] = []
    if scaled:
        copies = "".join(f"[v{k}]" for k in range(len(outs)))
        chains = [f"[0:v]split={len(outs)}{copies}"] + [
            f"[v{k}]scale={r.width}:{r.height}:flags=lanczos[s{k}]" for k, r in scaled
        ]
        args += ["-filter_complex", ";".join(chains)]
    for k, (rendition, path) in enumerate(outs):
        source = f"[s{k}]" if rendition.size != size else (f"[v{k}]" if scaled else "0:v")
        args += ["-map", source, *rendition.x264_args(), "-threads", str(threads)]
        args += ["-an", "-f", "mp4", "-y", str(path)]
    return args


def _widen_pipe(fd: int) -> None:
    try:
        limit = int(Path("/proc/sys/fs/pipe-max-size").read_text())
    except (OSError, ValueError):
        return
    with contextlib.suppress(OSError):
        fcntl.fcntl(fd, _F_SETPIPE_SZ, limit)
