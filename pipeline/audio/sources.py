"""What an audio file holds, as ffmpeg hears it: its samples, and what its header promises.

ffmpeg decodes what it can and says why it could not in its own terms ("Invalid argument"
when a .wav holds a picture). Here a file that will not decode is told in the author's
terms, with what to do, and one that decodes to less than its header promises (a copy cut
short) is noticed, so a take is not quietly shorter than the one recorded.
"""

from __future__ import annotations

import re
import struct
import subprocess
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from pipeline.base import ffmpeg
from pipeline.base.ffmpeg import SAMPLE_RATE

# ffmpeg tags each line with its level, so its errors can be told from its description
_LEVELS = ("-nostats", "-loglevel", "level+info")
_DURATION = re.compile(r"Duration: (\d+):(\d\d):(\d\d(?:\.\d+)?)")
_STREAM = re.compile(r"Stream #\d+:\d+\S*: (\w+): (.*)")
_INPUT = re.compile(r"Input #0, ([^ ]+), from")
_ERROR = re.compile(r"\[(?:error|fatal)\] (.*)")
# a header whose length ffmpeg only guesses from the bitrate promises nothing
_GUESSED = "Estimating duration from bitrate"
_EXPORT = "export it again as WAV or MP3"
_HINTS = {  # what ffmpeg's words mean for a file an author made
    "moov atom not found": "it is cut short (its index is missing, as when a copy stops "
    "or a recorder is stopped before it finishes the file)",
    "Failed to find two consecutive MPEG audio frames": "it is not an MP3, whatever its name",
    "Invalid data found when processing input": "it is not a sound file ffmpeg knows",
    # a kind of file refused for what it can do (ffmpeg.DEMUXERS): a playlist, a script
    "Format not on whitelist": "it is not a recording but a kind of file that names other "
    "files for ffmpeg to read (a playlist, a concat script), which the project does not read",
}


class Unheard(ValueError):
    """The file holds no sound that can be used; the message says why and what to do."""


@dataclass(frozen=True)
class Heard:
    samples: np.ndarray  # int16 (n, channels) at SAMPLE_RATE
    promised: float | None  # seconds its header says it lasts; None: it does not say

    @property
    def seconds(self) -> float:
        return len(self.samples) / SAMPLE_RATE

    def doubt(self, name: str) -> str | None:
        """What is worth saying of a file that decodes to another length than it promises."""
        if self.promised is None or abs(self.seconds - self.promised) <= _slack(self.promised):
            return None
        return (
            f"{name} decodes to {self.seconds:.1f} s but its header says {self.promised:.1f} s: "
            f"it is damaged or cut short, and the build uses the {self.seconds:.1f} s it holds; "
            f"{_EXPORT} if that is not the whole recording"
        )


def _slack(seconds: float) -> float:
    """Codecs pad and trim a few milliseconds at each end; a cut copy loses far more."""
    return max(0.1, 0.01 * seconds)


def hear(path: Path, channels: int) -> Heard:
    """Decode `path` as ffmpeg.decode_audio does (the same samples), once its header
    promises something a recording can be. Raises Unheard."""
    _plausible(path)
    args = (*ffmpeg.source(path), "-vn", "-ac", str(channels), "-ar", str(SAMPLE_RATE))
    cmd = [*ffmpeg.command(*_LEVELS, *args), "-f", "s16le", "-"]
    proc = subprocess.run(cmd, capture_output=True)
    said = proc.stderr.decode(errors="replace")
    if proc.returncode != 0:
        raise Unheard(_why(path.name, said))
    opened = _INPUT.search(said)  # what ffmpeg took it for: one of its permitted kinds
    if opened is None or opened.group(1).split(",")[0] not in ffmpeg.DEMUXERS:
        raise Unheard(f"cannot decode audio {path.name}: ffmpeg does not say what it holds; "
                      f"{_EXPORT}")  # fmt: skip
    samples = np.frombuffer(proc.stdout, dtype="<i2").reshape(-1, channels)
    if len(samples) == 0:
        raise Unheard(f"{path.name} has zero length: it holds no sound at all; {_EXPORT}")
    return Heard(samples, _promised(path, said))


# what a recording's header may say: beyond, it is damaged or not what its name says, and
# decoding it as it claims (a 96 kB WAV "at 1 Hz" is 13 hours at 48 kHz) takes gigabytes
LOWEST_RATE, HIGHEST_RATE, MOST_CHANNELS = 8_000, 384_000, 32
_RATE = re.compile(r", (\d+) Hz")
_CHANNELS = re.compile(r"(\d+) channels")


def _plausible(path: Path) -> None:
    """What ffmpeg reads of the file's header, before anything is decoded. Raises Unheard
    for a rate, a number of channels or a length that no recording has."""
    proc = subprocess.run(ffmpeg.command(*_LEVELS, *ffmpeg.source(path)), capture_output=True)
    said = proc.stderr.decode(errors="replace")
    audio = [desc for kind, desc in _STREAM.findall(said) if kind == "Audio"]
    name = path.name
    for desc in audio:
        rate, channels = _RATE.search(desc), _CHANNELS.search(desc)
        if rate and not LOWEST_RATE <= int(rate.group(1)) <= HIGHEST_RATE:
            raise Unheard(
                f"{name}'s header says its sound is sampled at {int(rate.group(1)):,} Hz, "
                f"where recordings are at {LOWEST_RATE:,} to {HIGHEST_RATE:,} Hz: it is "
                f"damaged or not what its name says; {_EXPORT}"
            )
        if channels and int(channels.group(1)) > MOST_CHANNELS:
            raise Unheard(
                f"{name}'s header says it has {int(channels.group(1))} channels, over the "
                f"{MOST_CHANNELS} any recording has; {_EXPORT}"
            )
    promised = _header_seconds(said)
    if audio and promised is not None and promised > ffmpeg.MAX_SECONDS:
        raise Unheard(
            f"{name} lasts {_hms(promised)} by its header, over the {_hms(ffmpeg.MAX_SECONDS)} "
            f"a take or a music file may last; cut it to what the episode uses, or {_EXPORT}"
        )


def _hms(seconds: float) -> str:
    h, rest = divmod(round(seconds), 3600)
    return f"{h}:{rest // 60:02d}:{rest % 60:02d}"


def _why(name: str, said: str) -> str:
    """ffmpeg's refusal, as the author would put it."""
    streams = _STREAM.findall(said)
    audio = [desc for kind, desc in streams if kind == "Audio"]
    if audio:
        return (
            f"{name} holds sound in a form ffmpeg cannot decode ({_codec(audio[0])}); "
            "convert it to 16-bit PCM WAV or to MP3 in the program that made it"
        )
    container = _INPUT.search(said)
    if container:
        return (
            f"{name} holds no sound: {_found(container.group(1), streams)}; give a sound "
            f"file, or {_EXPORT}"
        )
    errors = [e.rstrip(".") for e in _ERROR.findall(said)] or ["ffmpeg gives no reason"]
    hint = next((h for words, h in _HINTS.items() if any(words in e for e in errors)), None)
    told = f"{hint} ({errors[0]})" if hint and "whitelist" not in errors[0] else hint or errors[0]
    return f"cannot decode audio {name}: {told}; {_EXPORT}"


def _found(container: str, streams: list[tuple[str, str]]) -> str:
    """What a file without sound holds: 'it is a picture (png)', 'it holds only h264'."""
    codecs = ", ".join(desc.split()[0].rstrip(",") for _, desc in streams) or "no streams"
    picture = container.endswith("_pipe") or container == "image2"
    return f"it is a picture ({codecs})" if picture else f"it holds only {codecs}"


def _codec(stream: str) -> str:
    """'none (4[18][0][0] / 0x1234), 48000 Hz, ...' -> 'an unknown codec, tag 0x1234'"""
    codec = stream.split(",")[0]
    tag = re.search(r"0x[0-9a-fA-F]+", codec)
    return f"an unknown codec, tag {tag.group()}" if codec.startswith("none") and tag else codec


def _promised(path: Path, said: str) -> float | None:
    """The length the file's header gives. A WAV's is read from its own header: where the
    data is shorter than its chunk says, ffmpeg reports what it finds, not what was promised."""
    if path.suffix.lower() == ".wav":
        return _wav_seconds(path)
    return _header_seconds(said)


def _header_seconds(said: str) -> float | None:
    """The length ffmpeg read from a header, None if it has only guessed it."""
    found = _DURATION.search(said)
    if found is None or _GUESSED in said:
        return None
    hours, minutes, seconds = found.groups()
    return int(hours) * 3600 + int(minutes) * 60 + float(seconds)


def _wav_seconds(path: Path) -> float | None:
    """The data chunk's size over the bytes a second of the fmt chunk, or None (no header,
    or a size left open, as recorders do while they write)."""
    with path.open("rb") as f:
        head = f.read(12)
        if head[:4] != b"RIFF" or head[8:12] != b"WAVE":
            return None
        rate = block = None
        while chunk := f.read(8):
            if len(chunk) < 8:
                return None
            kind, size = chunk[:4], struct.unpack("<I", chunk[4:])[0]
            if kind == b"fmt ":
                fmt = f.read(min(size, 64))  # its fields are in the first 16 bytes
                if len(fmt) < 14:  # a header cut short or lying: it promises nothing
                    return None
                rate, block = struct.unpack("<I", fmt[4:8])[0], struct.unpack("<H", fmt[12:14])[0]
                f.seek(size + size % 2 - len(fmt), 1)
                continue
            if kind == b"data":
                open_ended = size in (0, 0xFFFFFFFF)
                return None if open_ended or not rate or not block else size / block / rate
            f.seek(size + size % 2, 1)
    return None
