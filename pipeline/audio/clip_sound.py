"""The clip bus: the sound of each film clip that speaks, decoded for its range only."""

from __future__ import annotations

import subprocess
from pathlib import Path

import numpy as np

from pipeline.base import ffmpeg
from pipeline.base.errors import RenderError, shown
from pipeline.timing.spans import SoundClip


def clip_samples(clip: SoundClip) -> np.ndarray:
    """The clip's sound, int16 stereo (n, 2) at 48 kHz, exactly `clip.length` samples from
    its `source_in`."""
    return range_samples(clip.source, clip.source_in, clip.source_out)


def range_samples(
    source: Path, start: float, end: float, channels: int = 2, rate: int = ffmpeg.SAMPLE_RATE
) -> np.ndarray:
    """[start, end) seconds of a film's sound, int16 (n, channels) at `rate`, exactly as
    long as the range: a stream that starts late in its file is padded at the start (as the
    picture's first frame is at `start`), one that ends early with silence."""
    args = [
        "-ss", f"{start:.6f}", *ffmpeg.source(source), "-vn",
        "-af", f"aresample={rate}:async=1:first_pts=0",
        "-t", f"{end - start:.6f}",
        "-ac", str(channels), "-f", "s16le", "pipe:1",
    ]  # fmt: skip
    proc = subprocess.run(ffmpeg.command(*args), capture_output=True)
    if proc.returncode != 0:
        raise RenderError(
            f"ffmpeg failed while decoding the sound of {shown(source)}: "
            f"{ffmpeg.last_line(proc.stderr)}"
        )
    samples = np.frombuffer(proc.stdout, dtype="<i2").reshape(-1, channels)
    length = round((end - start) * rate)
    out = np.zeros((length, channels), dtype=np.int16)
    n = min(len(samples), length)
    out[:n] = samples[:n]
    return out
