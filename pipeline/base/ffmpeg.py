"""All ffmpeg plumbing: the binary moviepy brings (via imageio-ffmpeg), run and decode.

No system ffmpeg and no ffprobe are needed; set IMAGEIO_FFMPEG_EXE to use another build.
"""

from __future__ import annotations

import subprocess
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline.base.errors import RenderError

if TYPE_CHECKING:
    import numpy as np

SAMPLE_RATE = 48_000  # every sound in the pipeline is resampled to this once, on decode
MAX_SECONDS = 2 * 3600  # of an author's sound file: an episode of the series is under an hour
# What ffmpeg may take an author's file for: sound in the containers the format reads, and
# the pictures and videos a wrong file may be (so that it can say what the file holds). Never
# a playlist or a script (concat, hls, an image sequence), which names other files to read.
DEMUXERS = ("wav", "w64", "mp3", "mov", "flac", "ogg", "aac", "matroska", "avi", "png_pipe",
            "jpeg_pipe", "webp_pipe", "gif", "bmp_pipe", "tiff_pipe")  # fmt: skip


@cache
def ffmpeg_exe() -> str:
    import imageio_ffmpeg

    return imageio_ffmpeg.get_ffmpeg_exe()


def command(*args: str) -> list[str]:
    return [ffmpeg_exe(), "-hide_banner", "-nostdin", "-loglevel", "error", *args]


def source(path: Path) -> tuple[str, ...]:
    """The input options of a file the author gave (a take, music) or a file made of them:
    the one way such a file is given to ffmpeg. Read as a plain file only (no protocol but
    `file:`, so a name is never taken for an address), as one of DEMUXERS only, and no more
    than MAX_SECONDS of it, whatever its header claims."""
    return (
        *("-protocol_whitelist", "file", "-format_whitelist", ",".join(DEMUXERS)),
        *("-t", str(MAX_SECONDS), "-i", f"file:{Path(path).resolve()}"),
    )


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
    import numpy as np  # with the sound, not with every command (MAX_SECONDS is read early)

    args = (*source(path), "-vn", "-ac", str(channels), "-ar", str(rate))
    proc = subprocess.run(command(*args, "-f", sample_format, "-"), capture_output=True)
    if proc.returncode != 0:
        raise DecodeError(last_line(proc.stderr))
    return np.frombuffer(proc.stdout, dtype=_DTYPES[sample_format]).reshape(-1, channels)
