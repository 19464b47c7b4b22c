"""Narration takes: decoded once to 48 kHz mono float samples."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from pipeline.errors import EssayError, Problem
from pipeline.ffmpeg import SAMPLE_RATE, DecodeError, decode_audio
from pipeline.script.model import Essay


@dataclass(frozen=True)
class Take:
    samples: np.ndarray  # float32, shape (n, 1), at SAMPLE_RATE

    @property
    def duration(self) -> float:
        return len(self.samples) / SAMPLE_RATE


def load_takes(essay: Essay) -> dict[str, Take]:
    """One take per section id. Raises EssayError naming every take that cannot be used."""
    takes, problems = {}, []
    for section in essay.sections:
        narration = section.narration
        try:
            samples = decode_audio(narration.audio)
        except DecodeError as err:
            problems.append(
                _problem(narration, f"cannot decode audio: {err}; re-export it as WAV or MP3")
            )
            continue
        if len(samples) == 0:
            problems.append(
                _problem(narration, "the audio has zero length; record or export the take again")
            )
            continue
        takes[section.id] = Take(np.ascontiguousarray(samples))
    if problems:
        raise EssayError(problems)
    return takes


def _problem(narration, message: str) -> Problem:
    return narration.origin.problem(message)
