"""Is the sound in sync with the picture? Find the sync source's flashes and beeps in a file.

Works on the sync source itself and on any video that shows it somewhere inside (a render
with a `clip:` shot): flashes and beeps are found wherever they are, each flash paired with
the nearest beep. Times are presentation times (pts × time_base), as a player shows them.
"""

from __future__ import annotations

from pathlib import Path

import av
import numpy as np
from scipy.ndimage import uniform_filter1d
from scipy.signal import butter, hilbert, sosfiltfilt

# A quarter of full scale: a flash that fills a portrait clip pillarboxed in a 16:9 frame
# still covers a third of it, and a PQ-coded white (203 nits) is about half of full scale.
FLASH_LUMA = 64.0
BEEP_HZ = 1000
TONE_FLOOR = 0.01  # -40 dBFS: a beep is at -6 dBFS in the source, far above any hiss


def flashes(video_path: Path, threshold: float = FLASH_LUMA) -> list[float]:
    """Presentation times (s) of the frames that start a run of frames brighter than
    `threshold` (mean luma, 0–255): a flash held over two frames is one flash."""
    times, was_bright = [], False
    with av.open(str(video_path)) as c:
        for frame in c.decode(video=0):
            bright = float(frame.to_ndarray(format="gray").mean()) > threshold
            if bright and not was_bright:
                times.append(float(frame.pts * frame.time_base))
            was_bright = bright
    return times


def sound(path: Path) -> tuple[np.ndarray, int, float]:
    """The first audio stream as mono float samples at its own rate (no resampling, which
    would smear an onset), with the presentation time of the first sample. Each decoded
    frame goes where its pts says, so a gap in the stream stays a gap."""
    with av.open(str(path)) as c:
        stream = c.streams.audio[0]
        rate = stream.codec_context.sample_rate
        mono = av.AudioResampler(format="flt", layout="mono", rate=rate)
        parts = [
            (float(out.pts * out.time_base), out.to_ndarray()[0])
            for frame in c.decode(stream)
            for out in mono.resample(frame)
        ]
    if not parts:
        return np.zeros(0, np.float32), rate, 0.0
    start = parts[0][0]
    end = max(round((t - start) * rate) + len(x) for t, x in parts)
    samples = np.zeros(end, np.float32)
    for t, x in parts:
        at = round((t - start) * rate)
        samples[at : at + len(x)] = x
    return samples, rate, start


def beeps(path: Path, hz: float = BEEP_HZ, min_gap: float = 0.2) -> list[float]:
    """Onsets (s, presentation time) of the `hz` tone: where its envelope first rises past half
    of the loudest beep's level, interpolated between samples (well within a millisecond).
    Only where the tone is most of what sounds: music or speech with some energy near `hz`
    is not a beep, and neither is silence."""
    samples, rate, start = sound(path)
    if len(samples) < rate // 10:
        return []
    # band-passed forwards and backwards: no delay, so the onset stays where it was
    band = sosfiltfilt(butter(4, [hz * 0.8, hz * 1.25], "bandpass", fs=rate, output="sos"), samples)
    envelope = np.abs(hilbert(band))
    tonal = (power(band, rate) > 0.8 * power(samples, rate)) & (envelope > TONE_FLOOR)
    if not tonal.any():
        return []
    level = 0.5 * envelope[tonal].max()
    above = envelope > level
    rises = np.flatnonzero(above[1:] & ~above[:-1]) + 1
    inside = rate // 100  # 10 ms into a beep it is all tone
    onsets: list[float] = []
    for i in rises:
        if not tonal[min(i + inside, len(tonal) - 1)]:
            continue
        t = start + crossing(envelope, int(i), level) / rate
        if not onsets or t - onsets[-1] > min_gap:  # ripple inside one beep is not another
            onsets.append(t)
    return onsets


def power(x: np.ndarray, rate: int) -> np.ndarray:
    """Mean square over 10 ms around each sample."""
    return uniform_filter1d(x.astype(np.float64) ** 2, rate // 100)


def crossing(envelope: np.ndarray, i: int, level: float) -> float:
    """Where, between samples i-1 and i, the envelope passes `level` (in samples)."""
    a, b = float(envelope[i - 1]), float(envelope[i])
    return i - 1 + (level - a) / (b - a) if b != a else float(i)


def offsets(video_path: Path) -> list[float]:
    """For each flash, sound minus picture (s) with the nearest beep: positive means the
    sound comes late. Empty when the file has no beep or no flash."""
    return pair(flashes(video_path), beeps(video_path))


def pair(flash_times: list[float], beep_times: list[float]) -> list[float]:
    """Each flash's nearest beep minus the flash (s); what offsets() gives for a file."""
    heard = np.asarray(beep_times)
    if heard.size == 0:
        return []
    return [float(heard[np.argmin(np.abs(heard - t))] - t) for t in flash_times]
