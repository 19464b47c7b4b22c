"""Narration takes: decoded once at 48 kHz, trimmed to a margin, faded, levelled.

A take is a pydub AudioSegment (mono, 16-bit, 48 kHz): slicing and fades are pydub's, in
milliseconds, so every duration is exact to the millisecond. The mix levels each take to
the loudness target, so quiet and hot recordings come out alike.
"""

from __future__ import annotations

import warnings
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from pipeline import ffmpeg
from pipeline.audio import envelope
from pipeline.errors import EssayError, Problem
from pipeline.ffmpeg import SAMPLE_RATE, DecodeError
from pipeline.script.model import Essay, Narration, Section
from pipeline.script.schema import Audio
from pipeline.timing.align import find_sections
from pipeline.timing.text import tokenize

with warnings.catch_warnings():  # pydub looks for a system ffmpeg on import; we give it ours
    warnings.simplefilter("ignore", RuntimeWarning)
    from pydub import AudioSegment

AudioSegment.converter = ffmpeg.ffmpeg_exe()
ROOM_TONE_SECONDS = 0.6
_DECODERS = 2


@dataclass(frozen=True)
class Take:
    audio: AudioSegment  # trimmed and faded
    speech: np.ndarray  # bool per envelope hop: where words are
    levels: np.ndarray  # dBFS per envelope hop, for alignment
    room_tone: AudioSegment | None  # its quietest stretch, to fill pauses

    @property
    def duration(self) -> float:
        return self.audio.frame_count() / SAMPLE_RATE

    @property
    def samples(self) -> np.ndarray:
        """int16 view of the audio, no copy."""
        return np.frombuffer(self.audio.raw_data, dtype=np.int16)


def load_takes(essay: Essay) -> dict[str, Take]:
    """One take per section id. Raises EssayError naming every take that cannot be used.

    Sections that share a file (one take of the whole episode) are cut from it at their
    `start`; where none is given, alignment finds it. Files are decoded two at a time, a
    little ahead of their use, and let go as soon as their sections are cut, so a long
    episode never holds every source at once.
    """
    by_file: dict[Path, list[Section]] = {}
    for section in essay.sections:
        by_file.setdefault(section.narration.audio, []).append(section)
    groups = list(by_file.values())
    takes, problems = {}, []
    with ThreadPoolExecutor(_DECODERS) as pool:
        ahead = [pool.submit(_decode, g[0].narration) for g in groups[:_DECODERS]]
        for k, sections in enumerate(groups):
            if k + _DECODERS < len(groups):
                ahead.append(pool.submit(_decode, groups[k + _DECODERS][0].narration))
            source = ahead[k].result()
            ahead[k] = None  # let it go once cut
            if isinstance(source, Problem):
                problems.append(source)
            else:
                _cut(source, sections, essay, takes, problems)
    if problems:
        raise EssayError(problems)
    return takes


def _cut(
    source: AudioSegment, sections: list[Section], essay: Essay, takes: dict, problems: list
) -> None:
    """Each section's take, from its file."""
    spans = _spans(source, sections, essay.settings.subtitles.max_line_chars)
    for section, (start, end) in zip(sections, spans, strict=True):
        narration = section.narration
        try:
            raw = _stretch(source, start, end, narration)
            takes[section.id] = prepare(raw, essay.settings.audio)
        except TakeProblem as err:
            origin = narration.offsets if err.about_offsets else narration.origin
            problems.append(origin.problem(str(err)))


def _spans(
    source: AudioSegment, sections: list[Section], longest: int
) -> list[tuple[float, float | None]]:
    """(start, end) of each section in a file; starts nobody gave are found by alignment."""
    starts = [s.narration.start for s in sections]
    if None in starts:
        samples = np.frombuffer(source.raw_data, dtype=np.int16).astype(np.float32) / 32768
        texts = [tokenize(s.narration.text, longest) for s in sections]
        found = find_sections(texts, envelope.levels(samples))
        starts = [
            given if given is not None else at for given, at in zip(starts, found, strict=True)
        ]
    ends = [s.narration.end for s in sections]
    ends = [
        end if end is not None else (starts[k + 1] if k + 1 < len(starts) else None)
        for k, end in enumerate(ends)
    ]
    return list(zip(starts, ends, strict=True))


class TakeProblem(ValueError):
    def __init__(self, message: str, about_offsets: bool = False):
        super().__init__(message)
        self.about_offsets = about_offsets


def decode(path: Path) -> AudioSegment:
    """Any audio file as 48 kHz mono 16-bit. Raises DecodeError."""
    pcm = ffmpeg.decode_audio(path, channels=1, sample_format="s16le")
    return AudioSegment(data=pcm.tobytes(), sample_width=2, frame_rate=SAMPLE_RATE, channels=1)


def _decode(narration: Narration) -> AudioSegment | Problem:
    try:
        audio = decode(narration.audio)
    except DecodeError as err:
        return narration.origin.problem(f"cannot decode audio: {err}; re-export it as WAV or MP3")
    if len(audio) == 0:
        return narration.origin.problem(
            "the audio has zero length; record or export the take again"
        )
    return audio


def _stretch(
    source: AudioSegment, start: float, end: float | None, narration: Narration
) -> AudioSegment:
    """The section's part of the file (all of it, unless start/end are given)."""
    length = len(source) / 1000
    if start >= length:
        raise TakeProblem(
            f"starts at {start:g} s, beyond the end of the take ({length:.2f} s); check the offset",
            about_offsets=True,
        )
    end = length if end is None else min(end, length)
    return source[round(start * 1000) : round(end * 1000)]


def prepare(raw: AudioSegment, settings: Audio) -> Take:
    """Trim silence to the margin, fade the edges, measure the loudness, find room tone."""
    samples = np.frombuffer(raw.raw_data, dtype=np.int16).astype(np.float32) / 32768
    level = envelope.levels(samples)
    if envelope.is_silent(level):
        raise TakeProblem(
            "the take is silent (no speech above -55 dBFS); check the recording or its gain"
        )
    speech = envelope.speech_mask(level)
    first, last = envelope.runs(speech)[0][0], envelope.runs(speech)[-1][1]
    hop_ms, margin = envelope.HOP * 1000, settings.trim_margin * 1000
    start = max(0, round(first * hop_ms - margin))
    end = min(len(raw), round(last * hop_ms + margin))
    fade = round(settings.fade * 1000)
    audio = raw[start:end].fade_in(fade).fade_out(fade)
    kept = slice(round(start / hop_ms), round(start / hop_ms) + round(len(audio) / hop_ms))
    return Take(
        audio=audio,
        speech=speech[kept],
        levels=level[kept],
        room_tone=_room_tone(raw, level) if settings.room_tone else None,
    )


def _room_tone(raw: AudioSegment, level: np.ndarray) -> AudioSegment:
    hops = round(ROOM_TONE_SECONDS / envelope.HOP)
    start_ms = envelope.quietest(level, hops) * envelope.HOP * 1000
    return raw[round(start_ms) : round(start_ms + hops * envelope.HOP * 1000)]
