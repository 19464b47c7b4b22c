"""libespeak-ng, from the espeakng-loader wheel (no system package, nothing downloaded),
driven through ctypes: the scratch voice reads text with it (audio/scratch.py), and the
listener asks it how a word the dictionary lacks is said (timing/listen.py).

The library keeps one voice and one callback for the whole process, so every call holds
one lock; it makes a second of speech in a few milliseconds, so threads seldom wait on it.
"""

from __future__ import annotations

import ctypes
import threading
from typing import ClassVar

import numpy as np

from pipeline.base.errors import RenderError

# speak_lib.h
_SYNCHRONOUS = 2  # AUDIO_OUTPUT_SYNCHRONOUS: espeak_Synth returns once all is said
_DONT_EXIT = 0x8000  # espeakINITIALIZE_DONT_EXIT: report a failure, do not end the process
_CHARS_UTF8, _POS_CHARACTER = 1, 1
_EVENT_END_OF_LIST, _EVENT_WORD = 0, 1
_RATE, _PITCH = 1, 3  # espeak_PARAMETER
_NOT_FOUND = 2  # EE_NOT_FOUND
_PHONEME_NAMES = ord(" ") << 8  # espeak_TextToPhonemes: ASCII names, a space between them


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


class UnknownVoice(ValueError):
    """espeak-ng has no voice of that name."""


class Espeak:
    """The process's one libespeak-ng, opened on first use (`Espeak.get()`); call it only
    under `Espeak.lock`."""

    lock = threading.Lock()
    _one: ClassVar[Espeak | None] = None

    @classmethod
    def get(cls) -> Espeak:
        """Under `lock`."""
        cls._one = cls._one or cls()
        return cls._one

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
        lib.espeak_TextToPhonemes.restype = ctypes.c_char_p
        lib.espeak_TextToPhonemes.argtypes = [
            ctypes.POINTER(ctypes.c_char_p), ctypes.c_int, ctypes.c_int
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

    def voice(self, name: str) -> None:
        if self.lib.espeak_SetVoiceByName(name.encode()) == _NOT_FOUND:
            raise UnknownVoice(name)

    def say(
        self, text: str, voice: str, rate: int, pitch: int
    ) -> tuple[np.ndarray, list[tuple[int, int, int]]]:
        """Samples at `self.rate` and (ms, position, length) of each word. Raises
        UnknownVoice."""
        self.voice(voice)
        self.lib.espeak_SetParameter(_RATE, rate, 0)
        self.lib.espeak_SetParameter(_PITCH, pitch, 0)
        self.chunks, self.words = [], []
        raw = text.encode()
        if self.lib.espeak_Synth(raw, len(raw) + 1, 0, _POS_CHARACTER, 0, _CHARS_UTF8, None, None):
            raise RenderError(f"libespeak-ng could not read the text '{text[:40]}'")
        samples = np.concatenate(self.chunks) if self.chunks else np.zeros(0, np.int16)
        return samples, self.words

    def phonemes(self, text: str, voice: str) -> list[str]:
        """How `voice` says `text`: espeak's ASCII phoneme names, stress marks kept. Raises
        UnknownVoice."""
        self.voice(voice)
        pointer = ctypes.c_char_p(text.encode())
        names: list[str] = []
        while pointer.value:  # a clause a call; it moves the pointer on
            at = ctypes.byref(pointer)
            said = self.lib.espeak_TextToPhonemes(at, _CHARS_UTF8, _PHONEME_NAMES)
            if said is None:
                break
            names += said.decode().split()
        return names
