"""Scratch narration: a section without a recorded take, read by a synthetic voice, so the
author can judge timing, subtitles and pictures before recording.

The voice is espeak-ng, whose library and voice data come in the espeakng-loader wheel: no
system package, nothing downloaded when it runs (base/espeak.py drives it; the Python
bindings on PyPI run the espeak-ng program, a system package).

What it says (22050 Hz) is resampled to 48 kHz and kept in the cache by its text and voice
as a WAV, with espeak's own word events beside it. From there it is a take like any other:
measured, trimmed, levelled and aligned to the script by audio/takes.py and timing/.
"""

from __future__ import annotations

import json
import wave
from dataclasses import dataclass
from math import gcd
from pathlib import Path

import numpy as np

from pipeline.base.cache import VOICE, Cache, key
from pipeline.base.errors import Problem
from pipeline.base.espeak import Espeak, UnknownVoice
from pipeline.base.ffmpeg import SAMPLE_RATE
from pipeline.script.model import Essay
from pipeline.script.settings import Scratch

VERSION = 1  # bump when the same text and voice would now sound otherwise
# what a master build says of scratch sections: the fix, as the author would make it
FIX = "record their takes, or set allow_scratch: true"


@dataclass(frozen=True)
class Word:
    at: float  # seconds into the speech where espeak starts saying it
    position: int  # where it starts in the text, 0-based characters
    length: int  # characters


@dataclass(frozen=True)
class Speech:
    samples: np.ndarray  # int16 mono at SAMPLE_RATE
    words: tuple[Word, ...]


@dataclass(frozen=True)
class Voiced:
    """A scratch take in the cache."""

    wav: Path
    words: tuple[Word, ...]
    made: bool  # synthesised now; False: read from the cache


class VoiceError(ValueError):
    """espeak-ng cannot take the voice settings; the message says which and what to do."""


def speak(text: str, voice: Scratch) -> Speech:
    """`text` read by espeak-ng at 48 kHz, with the time it starts each word. Raises
    VoiceError."""
    with Espeak.lock:
        espeak = Espeak.get()
        try:
            samples, words = espeak.say(text, voice.voice, voice.rate, voice.pitch)
        except UnknownVoice:
            raise VoiceError(f"espeak-ng has no voice '{voice.voice}'; set scratch.voice to "
                             "one it has, e.g. en-us, en-gb, fr") from None  # fmt: skip
        rate = espeak.rate
    return Speech(_resampled(samples, rate), tuple(Word(ms / 1000, p, n) for ms, p, n in words))


def _resampled(samples: np.ndarray, rate: int) -> np.ndarray:
    """int16 at `rate` to int16 at SAMPLE_RATE, by polyphase filtering (22050 to 48000 is
    320/147), so nothing above espeak's own band folds back into it."""
    from scipy.signal import resample_poly

    common = gcd(SAMPLE_RATE, rate)
    up = resample_poly(samples.astype(np.float32), SAMPLE_RATE // common, rate // common)
    return np.clip(np.round(up), -32768, 32767).astype(np.int16)


def voiced(text: str, voice: Scratch, cache: Cache) -> Voiced:
    """The scratch take of `text` in `voice`, from the cache, or synthesised into it."""
    area = cache.area(VOICE)
    name = key(VERSION, text, voice.model_dump(), SAMPLE_RATE)
    wav, words = area.get(f"{name}.wav"), area.get(f"{name}.json")
    if wav and words:
        return Voiced(wav, _read_words(words), made=False)
    speech = speak(text, voice)
    written = area.put_files([f"{name}.wav", f"{name}.json"], lambda tmps: _write(speech, *tmps))
    return Voiced(written[0], speech.words, made=True)


def _write(speech: Speech, wav: Path, words: Path) -> None:
    with wave.open(str(wav), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(SAMPLE_RATE)
        w.writeframes(speech.samples.astype("<i2").tobytes())
    words.write_text(json.dumps([[w.at, w.position, w.length] for w in speech.words]))


def _read_words(path: Path) -> tuple[Word, ...]:
    return tuple(Word(float(at), int(p), int(n)) for at, p, n in json.loads(path.read_text()))


def refused_on_scratch(essay: Essay) -> Problem | None:
    """What a master build says of an episode still on scratch narration, unless it allows
    it: one line naming the file, the sections and the fix."""
    ids = essay.on_scratch
    if not ids or essay.allow_scratch:
        return None
    first = next(s for s in essay.sections if s.narration.scratch)
    return first.narration.origin.problem(
        f"{on_scratch_line(ids)}, which a master build does not deliver; {FIX}"
    )


def on_scratch_line(ids: tuple[str, ...]) -> str:
    """'3 sections on scratch narration: intro, growth, end'"""
    noun = "section" if len(ids) == 1 else "sections"
    return f"{len(ids)} {noun} on scratch narration: {', '.join(ids)}"
