"""All ffmpeg plumbing: the binary moviepy brings (via imageio-ffmpeg), run and decode.

No system ffmpeg and no ffprobe are needed; set IMAGEIO_FFMPEG_EXE to use another build.
"""

from __future__ import annotations

import subprocess
from functools import cache
from pathlib import Path

import numpy as np

from pipeline.errors import RenderError

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


def decode_audio(path: Path, channels: int = 1, rate: int = SAMPLE_RATE) -> np.ndarray:
    """Decode any audio file to float32 samples, shape (n, channels), at `rate`.

    Raises DecodeError with ffmpeg's reason when the file is not audio.
    """
    proc = subprocess.run(
        command("-i", str(path), "-vn", "-ac", str(channels), "-ar", str(rate), "-f", "f32le", "-"),
        capture_output=True,
    )
    if proc.returncode != 0:
        raise DecodeError(last_line(proc.stderr))
    return np.frombuffer(proc.stdout, dtype="<f4").reshape(-1, channels)
