"""The clip bus: the sound of each film clip that speaks, decoded for its range only."""

from __future__ import annotations

import subprocess

import numpy as np

from pipeline.base import ffmpeg
from pipeline.base.errors import RenderError, shown
from pipeline.timing.spans import SoundClip


def clip_samples(clip: SoundClip) -> np.ndarray:
    """The clip's sound, int16 stereo (n, 2) at 48 kHz, exactly `clip.length` samples from
    its `source_in`: a stream that starts late in its file is padded at the start (as the
    picture's first frame is at `source_in`), one that ends early with silence."""
    args = [
        "-ss", f"{clip.source_in:.6f}", *ffmpeg.source(clip.source), "-vn",
        "-af", f"aresample={ffmpeg.SAMPLE_RATE}:async=1:first_pts=0",
        "-t", f"{clip.source_out - clip.source_in:.6f}",
        "-ac", "2", "-f", "s16le", "pipe:1",
    ]  # fmt: skip
    proc = subprocess.run(ffmpeg.command(*args), capture_output=True)
    if proc.returncode != 0:
        raise RenderError(
            f"ffmpeg failed while decoding the sound of {shown(clip.source)}: "
            f"{ffmpeg.last_line(proc.stderr)}"
        )
    samples = np.frombuffer(proc.stdout, dtype="<i2").reshape(-1, 2)
    out = np.zeros((clip.length, 2), dtype=np.int16)
    n = min(len(samples), clip.length)
    out[:n] = samples[:n]
    return out
