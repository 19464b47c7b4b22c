"""Music files: decoded at 48 kHz stereo, set to their level, made ready to loop."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from pipeline import ffmpeg
from pipeline.audio.loudness import measure_file
from pipeline.errors import EssayError
from pipeline.ffmpeg import SAMPLE_RATE, DecodeError
from pipeline.script.model import Essay, MusicPart

LOOP_CROSSFADE = 1.0  # seconds of the end blended into the start, so a loop has no seam


@dataclass(frozen=True)
class MusicTrack:
    part: MusicPart
    samples: np.ndarray  # int16 (n, 2); when looping, its end already runs into its start
    gain: float  # linear: brings the file to the part's level

    @property
    def duration(self) -> float:
        return len(self.samples) / SAMPLE_RATE


def load_music(essay: Essay) -> list[MusicTrack]:
    tracks, problems = [], []
    for part in essay.music:
        try:
            tracks.append(_track(part))
        except _Unusable as err:
            problems.append(part.origin.problem(str(err)))
    if problems:
        raise EssayError(problems)
    return tracks


class _Unusable(ValueError):
    pass


def _track(part: MusicPart) -> MusicTrack:
    try:
        pcm = ffmpeg.decode_audio(part.file, channels=2, sample_format="s16le")
    except DecodeError as err:
        raise _Unusable(f"cannot decode {part.file.name}: {err}; re-export it") from None
    seconds = len(pcm) / SAMPLE_RATE
    if seconds == 0:
        raise _Unusable(f"{part.file.name} has zero length")
    if not part.loop and seconds < part.fade_in + part.fade_out:
        raise _Unusable(
            f"{part.file.name} ({seconds:.1f} s) is shorter than its fades "
            f"({part.fade_in:g} s in, {part.fade_out:g} s out); shorten the fades or loop it"
        )
    if part.loop and seconds < 2 * LOOP_CROSSFADE:
        raise _Unusable(f"{part.file.name} ({seconds:.1f} s) is too short to loop; use 2 s or more")
    # measured streaming: a long music file is never held as floats
    gain_db = part.level - measure_file(part.file).integrated
    peak_db = 20 * np.log10(max(int(np.abs(pcm.astype(np.int32)).max()), 1) / 32768)
    if peak_db + gain_db > 0:
        highest = part.level - (peak_db + gain_db)
        raise _Unusable(
            f"at level {part.level:g} LUFS this music would clip (peaks at "
            f"{peak_db + gain_db:+.1f} dBFS); use a level of at most {highest:.1f}"
        )
    samples = _loopable(pcm) if part.loop else pcm
    return MusicTrack(part, samples, 10 ** (gain_db / 20))


def _loopable(pcm: np.ndarray) -> np.ndarray:
    """Blend the last second into the first, then drop it: the end now flows into the start."""
    n = round(LOOP_CROSSFADE * SAMPLE_RATE)
    t = np.linspace(0, np.pi / 2, n, dtype=np.float32)[:, None]
    head = pcm[:n].astype(np.float32) * np.sin(t) + pcm[-n:].astype(np.float32) * np.cos(t)
    out = pcm[:-n].copy()
    out[:n] = np.clip(np.round(head), -32768, 32767).astype(np.int16)
    return out
