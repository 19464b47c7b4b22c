"""All ffmpeg plumbing: the binary moviepy brings (via imageio-ffmpeg), run and decode.

No system ffmpeg and no ffprobe are needed; set IMAGEIO_FFMPEG_EXE to use another build.
"""

from __future__ import annotations

import subprocess
from functools import cache
from pathlib import Path

import numpy as np

from pipeline.base.errors import RenderError

SAMPLE_RATE = 48_000  # every sound in the pipeline is resampled to this once, on decode


@cache
def ffmpeg_exe() -> str:
    import imageio_ffmpeg

    return imageio_ffmpeg.get_ffmpeg_exe()


def command(*args: str) -> list[str]:
    return [ffmpeg_exe(), "-hide_banner", "-nostdin", "-loglevel", "error", *args]


def run(*args: str, what: str) -> None:
    """Run ffmpeg; a failure becomes a RenderError naming `what` and ffmpeg's last words."""
    proc = subprocess.run(command(*args), capture_output=True)
    if proc.returncode != 0:
        raise RenderError(f"ffmpeg failed while {what}: {last_line(proc.stderr)}")


def last_line(stderr: bytes) -> str:
    lines = [line for line in stderr.decode(errors="replace").splitlines() if line.strip()]
    return lines[-1].strip() if lines else "no message"


class DecodeError(ValueError):
    pass


_DTYPES = {"f32le": "<f4", "s16le": "<i2"}


def decode_audio(
    path: Path, channels: int = 1, rate: int = SAMPLE_RATE, sample_format: str = "f32le"
) -> np.ndarray:
    """Decode any audio file to samples, shape (n, channels), at `rate`.

    Raises DecodeError with ffmpeg's reason when the file is not audio.
    """
    args = ("-i", str(path), "-vn", "-ac", str(channels), "-ar", str(rate))
    proc = subprocess.run(command(*args, "-f", sample_format, "-"), capture_output=True)
    if proc.returncode != 0:
        raise DecodeError(last_line(proc.stderr))
    return np.frombuffer(proc.stdout, dtype=_DTYPES[sample_format]).reshape(-1, channels)
