"""The episode's sound: every take placed at its section's speech start on the video clock."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from pipeline.audio.takes import Take
from pipeline.ffmpeg import SAMPLE_RATE
from pipeline.timing.timeline import Timeline


def samples_for(timeline: Timeline) -> int:
    """Audio length in samples: exactly the video's frames (48000 is a multiple of each fps)."""
    return timeline.frames * SAMPLE_RATE // timeline.fps


def mix(timeline: Timeline, takes: Mapping[str, Take]) -> np.ndarray:
    """Stereo float32, shape (n, 2), as long as the video to the sample."""
    out = np.zeros((samples_for(timeline), 2), dtype=np.float32)
    for span in timeline.sections:
        take = takes[span.id].samples
        at = round(span.speech_start * SAMPLE_RATE)
        n = min(len(take), len(out) - at)
        out[at : at + n] += take[:n]  # mono into both channels
    return out
