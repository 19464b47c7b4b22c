"""Where there is speech: a level envelope and a voice mask, derived from the audio itself.

One envelope serves alignment, trimming, room tone and ducking: RMS level in dBFS per 10 ms
hop, and a mask that is True where someone is speaking. It lives with timing, the lowest
stage that reads it, so the sound stage looks down at it too.
"""

from __future__ import annotations

import numpy as np

from pipeline.base.ffmpeg import SAMPLE_RATE

HOP = 0.01  # seconds per envelope value
HOP_SAMPLES = int(SAMPLE_RATE * HOP)
SILENT_DBFS = -55.0  # a take whose loud parts stay below this holds no speech
_FLOOR_DB = -120.0


def levels(samples: np.ndarray) -> np.ndarray:
    """RMS level per hop in dBFS; `samples` is mono (n,) or (n, 1)."""
    x = np.asarray(samples, dtype=np.float32).reshape(-1)
    n = len(x) // HOP_SAMPLES
    if n == 0:
        return np.full(1, _FLOOR_DB)
    frames = x[: n * HOP_SAMPLES].reshape(n, HOP_SAMPLES)
    power = np.einsum("ij,ij->i", frames, frames) / HOP_SAMPLES
    return 10 * np.log10(np.maximum(power, 10 ** (_FLOOR_DB / 10)))


def is_silent(level: np.ndarray) -> bool:
    return float(np.percentile(level, 95)) < SILENT_DBFS


def speech_mask(level: np.ndarray, bridge: float = 0.15, shortest: float = 0.06) -> np.ndarray:
    """True where the level is well above the take's own noise floor.

    The threshold adapts to each take (quiet and hot recordings alike): about a third of the
    way from the noise floor to the loud parts, with hysteresis; gaps shorter than `bridge`
    (between syllables) are closed and blips shorter than `shortest` dropped.
    """
    floor = float(np.percentile(level, 10))
    loud = float(np.percentile(level, 95))
    spread = loud - floor
    # a take with no pauses at all has no floor to measure: then speech is all but the quiet
    high = floor + max(6.0, 0.35 * spread) if spread >= 12 else loud - 20
    low = high - 4.0
    mask = np.zeros(len(level), dtype=bool)
    on = False
    for i, v in enumerate(level):  # hysteresis: a simple loop over 100 values a second
        on = v > (low if on else high)
        mask[i] = on
    mask = close_gaps(mask, round(bridge / HOP))
    return ~close_gaps(~mask, round(shortest / HOP))


def close_gaps(mask: np.ndarray, longest: int) -> np.ndarray:
    """Set False runs no longer than `longest` (with True on both sides) to True."""
    out = mask.copy()
    for start, end in runs(~mask):
        if start > 0 and end < len(mask) and end - start <= longest:
            out[start:end] = True
    return out


def runs(mask: np.ndarray) -> list[tuple[int, int]]:
    """[start, end) of every run of True."""
    padded = np.concatenate(([False], mask, [False])).astype(np.int8)
    edges = np.flatnonzero(np.diff(padded))
    return list(zip(edges[::2].tolist(), edges[1::2].tolist(), strict=True))


def quietest(level: np.ndarray, length: int) -> int:
    """Start hop of the quietest stretch of `length` hops (the room tone)."""
    if len(level) <= length:
        return 0
    power = 10 ** (level / 10)
    window = np.convolve(power, np.ones(length), mode="valid")
    return int(np.argmin(window))
