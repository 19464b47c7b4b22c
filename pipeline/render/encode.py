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
from collections.abc import Callable
from pathlib import Path

from pipeline.base import ffmpeg
from pipeline.base.errors import RenderError
from pipeline.render.compose import Segment
from pipeline.render.plan import SegmentJob
from pipeline.visuals.yuv import FrameBuffer

_F_SETPIPE_SZ = 1031  # Linux: a bigger pipe lets frame making and encoding overlap
_RING = 4  # frames made ahead of the encoder


def encode_segment(
    job: SegmentJob, out: Path, threads: int, on_frame: Callable[[], None] = lambda: None
) -> None:
    """Write the segment to `out` (an .mp4 without audio)."""
    p = job.rendition
    cmd = ffmpeg.command(
        "-f",
        "rawvideo",
        "-pix_fmt",
        "yuv420p",
        "-s",
        f"{p.width}x{p.height}",
        "-framerate",
        str(p.fps),
        "-i",
        "pipe:0",
        *p.x264_args(),
        "-threads",
        str(threads),
        "-an",
        "-f",
        "mp4",
        "-y",
        str(out),
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
        raise RenderError(f"ffmpeg failed while encoding section '{job.section}': {reason}")


def _pump(job: SegmentJob, sink, on_frame: Callable[[], None]) -> None:
    """Draw frames here into a ring of buffers, write them on a second thread; stop both on
    any failure."""
    ring = [FrameBuffer(*job.rendition.size) for _ in range(_RING)]
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
        full.put(None)
        writer.join()


def _widen_pipe(fd: int) -> None:
    try:
        limit = int(Path("/proc/sys/fs/pipe-max-size").read_text())
    except (OSError, ValueError):
        return
    with contextlib.suppress(OSError):
        fcntl.fcntl(fd, _F_SETPIPE_SZ, limit)
