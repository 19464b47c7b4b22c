"""Float samples to and from files: WAV for espeak-ng, MP3 through the project's ffmpeg."""

from __future__ import annotations

import tempfile
import wave
from pathlib import Path

import numpy as np

from pipeline.base import ffmpeg

AUDIO_RATE = 48000  # of every MP3 here: the rate the pipeline decodes to, so it resamples none

Array = np.ndarray


def write_wav(path: Path, samples: Array, rate: int) -> None:
    """Write float samples in [-1, 1], shape (n,) or (n, channels), as 16-bit PCM."""
    frames = samples if samples.ndim == 2 else samples[:, None]
    pcm = np.clip(np.round(frames * 32767), -32768, 32767).astype("<i2")
    with wave.open(str(path), "wb") as out:
        out.setnchannels(frames.shape[1])
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(pcm.tobytes())


def read_wav(path: Path) -> tuple[Array, int]:
    """Mono 16-bit WAV as float samples and the sample rate."""
    # not ffmpeg.decode_audio: that resamples to a rate it is told, and espeak picks its own
    with wave.open(str(path), "rb") as src:
        rate = src.getframerate()
        pcm = np.frombuffer(src.readframes(src.getnframes()), dtype="<i2")
    return pcm.astype(np.float64) / 32768.0, rate


def encode_mp3(
    samples: Array, rate: int, mp3: Path, *, channels: int, bitrate: str, filters: str = ""
) -> None:
    """Encode samples to a 48 kHz MP3 of ``channels`` at ``bitrate``, through 16-bit PCM."""
    mp3.parent.mkdir(parents=True, exist_ok=True)
    # the same options in the same order as when the committed files were made
    options = ["-af", filters] if filters else []
    options += ["-ac", str(channels), "-ar", str(AUDIO_RATE)]
    options += ["-c:a", "libmp3lame", "-b:a", bitrate]
    with tempfile.TemporaryDirectory() as tmp:
        wav = Path(tmp) / "pcm.wav"
        write_wav(wav, samples, rate)
        ffmpeg.run("-y", "-i", str(wav), *options, str(mp3), what=f"encoding {mp3.name}")


def duration(path: Path) -> float:
    """Length of an audio file in seconds, decoded in full."""
    return len(ffmpeg.decode_audio(path)) / ffmpeg.SAMPLE_RATE
