"""Loudness: measured with BS.1770-4 meters, brought to target under a true-peak ceiling.

In-memory takes and music are measured with pyloudnorm; the mix, which may be long, is
streamed through ffmpeg's ebur128 filter (integrated loudness, range and 4x-oversampled
true peak) so it never has to be held in memory whole.
"""

from __future__ import annotations

import re
import subprocess
import threading
import warnings
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from pipeline.base import ffmpeg
from pipeline.base.errors import RenderError
from pipeline.base.ffmpeg import SAMPLE_RATE

OVERSAMPLE = 4  # true peak per BS.1770-4: the peak of the signal upsampled 4x
LIMIT_RAMP = 0.005  # seconds over which the limiter's gain goes down before a peak and back
# The true peak of real audio exceeds its sample peak by up to about 3 dB; a block whose
# samples stay 4 dB under the ceiling needs no oversampling.
_INTERSAMPLE_MARGIN = 10 ** (-4 / 20)
LIMIT_CONTEXT = round(2 * LIMIT_RAMP * SAMPLE_RATE) + 64  # samples of lookahead per block side


@dataclass(frozen=True)
class Loudness:
    integrated: float  # LUFS
    true_peak: float  # dBTP
    range: float  # LU

    def as_dict(self) -> dict[str, float]:
        return asdict(self)


def integrated(samples: np.ndarray, exact: bool = True) -> float:
    """Integrated loudness of mono float samples, LUFS; very short ones (and all, when not
    `exact`: a draft's quick estimate, within a dB or two for speech) by their RMS."""
    if exact and len(samples) >= 0.5 * SAMPLE_RATE:
        import pyloudnorm  # here, not at the top: scipy takes a second to import

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            value = pyloudnorm.Meter(SAMPLE_RATE).integrated_loudness(samples.astype(np.float64))
        if np.isfinite(value):
            return float(value)
    return float(10 * np.log10(np.mean(np.square(samples, dtype=np.float64)) + 1e-12)) - 0.691


def measure_stream(blocks: Iterable[np.ndarray], true_peak: bool = False) -> Loudness:
    """Measure float32 stereo blocks at 48 kHz as one signal (ffmpeg ebur128)."""
    cmd = ffmpeg.command(
        "-f", "f32le", "-ar", str(SAMPLE_RATE), "-ac", "2", "-i", "pipe:0", *_ebur128(true_peak)
    )  # fmt: skip
    proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stderr=subprocess.PIPE)
    report: list[bytes] = []
    reader = threading.Thread(target=lambda: report.append(proc.stderr.read()), daemon=True)
    reader.start()
    try:
        for block in blocks:
            proc.stdin.write(np.ascontiguousarray(block, dtype="<f4").data)
        proc.stdin.close()
    except BaseException:
        proc.kill()
        raise
    finally:
        reader.join()
        proc.wait()
    return _parse(b"".join(report), "measuring the mix")


def measure_file(path: Path) -> Loudness:
    """Loudness of a delivered file's audio, decoded as a player would."""
    proc = subprocess.run(
        ffmpeg.command(*ffmpeg.source(path), "-vn", *_ebur128(True)), capture_output=True
    )
    return _parse(proc.stderr, f"measuring {path.name}")


def _ebur128(true_peak: bool) -> list[str]:
    spec = "ebur128=framelog=quiet" + (":peak=true" if true_peak else "")
    # -loglevel info: the filter prints its summary at that level
    return ["-loglevel", "info", "-nostats", "-af", spec, "-f", "null", "-"]


def _parse(stderr: bytes, what: str) -> Loudness:
    text = stderr.decode(errors="replace")
    summary = text[text.rfind("Summary:") :]
    i = re.search(r"I:\s+(-?[\d.]+|-inf) LUFS", summary)
    lra = re.search(r"LRA:\s+(-?[\d.]+) LU", summary)
    peak = re.search(r"Peak:\s+(-?[\d.]+|-inf) dBFS", summary)
    if not (i and lra):
        raise RenderError(f"ffmpeg failed while {what}: {ffmpeg.last_line(stderr)}")
    return Loudness(
        float(i.group(1)), float(peak.group(1)) if peak else float("nan"), float(lra.group(1))
    )


def limit(block: np.ndarray, ceiling_db: float) -> np.ndarray:
    """Keep the true peak of a stereo block under the ceiling, with smooth gain changes.

    The gain goes down linearly over LIMIT_RAMP before each over and back up after it, so
    nothing clicks; blocks overlap by LIMIT_CONTEXT so their edges are handled alike.
    """
    ceiling = 10 ** (ceiling_db / 20)
    if np.abs(block).max() < ceiling * _INTERSAMPLE_MARGIN:
        return block  # too far under the ceiling for any peak between samples to reach it
    from scipy.ndimage import maximum_filter1d, uniform_filter1d
    from scipy.signal import resample_poly

    up = np.abs(resample_poly(block, OVERSAMPLE, 1, axis=0))
    # columns at a time: numpy reduces a long axis far faster than a short one
    up = np.maximum(up[:, 0], up[:, 1])[: len(block) * OVERSAMPLE].reshape(-1, OVERSAMPLE)
    peak = np.maximum.reduce([up[:, k] for k in range(OVERSAMPLE)])
    if peak.max() <= ceiling:
        return block
    reduction = np.maximum(0.0, 1.0 - ceiling / np.maximum(peak, 1e-9))
    ramp = round(LIMIT_RAMP * SAMPLE_RATE)
    held = maximum_filter1d(reduction, size=2 * ramp + 1)
    smooth = uniform_filter1d(held, size=ramp + 1)
    return (block * (1.0 - smooth)[:, None]).astype(np.float32)
