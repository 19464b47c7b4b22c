"""Scratch narration: a section without a recorded take, read by a synthetic voice, so the
author can judge timing, subtitles and pictures before recording.

The voice is espeak-ng, whose library and voice data come in the espeakng-loader wheel: no
system package, nothing downloaded when it runs. It is driven here through ctypes (the
Python bindings on PyPI run the espeak-ng program, a system package). The library keeps
one voice and one callback for the whole process, so every synthesis holds one lock; it
makes a second of speech in a few milliseconds, so threads seldom wait on it.

What it says (22050 Hz) is resampled to 48 kHz and kept in the cache by its text and voice
as a WAV, with espeak's own word events beside it. From there it is a take like any other:
measured, trimmed, levelled and aligned to the script by audio/takes.py and timing/.
"""

from __future__ import annotations

import ctypes
import json
import threading
import wave
from dataclasses import dataclass
from math import gcd
from pathlib import Path
from typing import ClassVar

import numpy as np

from pipeline.base.cache import VOICE, Cache, key
from pipeline.base.errors import Problem, RenderError
from pipeline.base.ffmpeg import SAMPLE_RATE
from pipeline.script.model import Essay
from pipeline.script.settings import Scratch

VERSION = 1  # bump when the same text and voice would now sound otherwise
# what a master build says of scratch sections: the fix, as the author would make it
FIX = "record their takes, or set allow_scratch: true"

# speak_lib.h
_SYNCHRONOUS = 2  # AUDIO_OUTPUT_SYNCHRONOUS: espeak_Synth returns once all is said
_DONT_EXIT = 0x8000  # espeakINITIALIZE_DONT_EXIT: report a failure, do not end the process
_CHARS_UTF8, _POS_CHARACTER = 1, 1
_EVENT_END_OF_LIST, _EVENT_WORD = 0, 1
_RATE, _PITCH = 1, 3  # espeak_PARAMETER
_NOT_FOUND = 2  # EE_NOT_FOUND


class _Event(ctypes.Structure):
    _fields_: ClassVar = [
        ("type", ctypes.c_int),
        ("unique_identifier", ctypes.c_uint),
        ("text_position", ctypes.c_int),  # 1-based, in characters
        ("length", ctypes.c_int),
        ("audio_position", ctypes.c_int),  # milliseconds into the speech
        ("sample", ctypes.c_int),
        ("user_data", ctypes.c_void_p),
        ("id", ctypes.c_char * 8),
    ]


_Callback = ctypes.CFUNCTYPE(
    ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int, ctypes.POINTER(_Event)
)


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


class _Espeak:
    """The process's one libespeak-ng, opened on first use; use it only under `lock`."""

    lock = threading.Lock()

    def __init__(self) -> None:
        import espeakng_loader

        lib = ctypes.CDLL(espeakng_loader.get_library_path())
        lib.espeak_Initialize.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_char_p, ctypes.c_int]
        lib.espeak_SetVoiceByName.argtypes = [ctypes.c_char_p]
        lib.espeak_SetParameter.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_int]
        lib.espeak_Synth.argtypes = [
            ctypes.c_char_p, ctypes.c_size_t, ctypes.c_uint, ctypes.c_int, ctypes.c_uint,
            ctypes.c_uint, ctypes.c_void_p, ctypes.c_void_p,
        ]  # fmt: skip
        data = espeakng_loader.get_data_path().encode()
        self.rate = lib.espeak_Initialize(_SYNCHRONOUS, 0, data, _DONT_EXIT)
        if self.rate <= 0:
            raise RenderError(f"libespeak-ng could not start with its voice data at {data!r}")
        self.lib = lib
        self.chunks: list[np.ndarray] = []
        self.words: list[tuple[int, int, int]] = []
        self.callback = _Callback(self._heard)  # kept: the library holds only its address
        lib.espeak_SetSynthCallback(self.callback)

    def _heard(self, wav, count: int, events) -> int:
        if wav and count > 0:
            self.chunks.append(np.ctypeslib.as_array(wav, shape=(count,)).copy())
        k = 0
        while events[k].type != _EVENT_END_OF_LIST:
            e = events[k]
            if e.type == _EVENT_WORD:
                self.words.append((e.audio_position, e.text_position - 1, e.length))
            k += 1
        return 0  # go on

    def say(self, text: str, voice: Scratch) -> tuple[np.ndarray, list[tuple[int, int, int]]]:
        """Samples at `self.rate` and (ms, position, length) of each word."""
        if self.lib.espeak_SetVoiceByName(voice.voice.encode()) == _NOT_FOUND:
            raise VoiceError(f"espeak-ng has no voice '{voice.voice}'; set scratch.voice to "
                             "one it has, e.g. en-us, en-gb, fr")  # fmt: skip
        self.lib.espeak_SetParameter(_RATE, voice.rate, 0)
        self.lib.espeak_SetParameter(_PITCH, voice.pitch, 0)
        self.chunks, self.words = [], []
        raw = text.encode()
        flags = _CHARS_UTF8
        if self.lib.espeak_Synth(raw, len(raw) + 1, 0, _POS_CHARACTER, 0, flags, None, None):
            raise RenderError(f"libespeak-ng could not read the text '{text[:40]}'")
        samples = np.concatenate(self.chunks) if self.chunks else np.zeros(0, np.int16)
        return samples, self.words


_espeak: _Espeak | None = None


def speak(text: str, voice: Scratch) -> Speech:
    """`text` read by espeak-ng at 48 kHz, with the time it starts each word. Raises
    VoiceError."""
    global _espeak
    with _Espeak.lock:
        _espeak = _espeak or _Espeak()
        samples, words = _espeak.say(text, voice)
        rate = _espeak.rate
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
