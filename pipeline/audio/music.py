"""Music files: measured once (and remembered), decoded at 48 kHz stereo only to mix."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from pipeline.audio.loudness import measure_file
from pipeline.audio.sources import Unheard, hear
from pipeline.base import ffmpeg
from pipeline.base.cache import ANALYSIS, Area, Cache, file_digest
from pipeline.base.errors import EssayError, RenderError
from pipeline.base.ffmpeg import SAMPLE_RATE
from pipeline.script.model import Essay, MusicPart

LOOP_CROSSFADE = 1.0  # seconds of the end blended into the start, so a loop has no seam
# ebur128 measures -70 LUFS, its absolute gate, when nothing in a file rises above it
SILENT_LUFS = -69.5


@dataclass(frozen=True)
class MusicTrack:
    part: MusicPart
    gain: float  # linear: brings the file to the part's level
    length: int  # samples of the decoded file

    def samples(self) -> np.ndarray:
        """int16 (n, 2); when looping, its end already runs into its start."""
        return _decoded(self.part.file, self.part.file.stat().st_mtime_ns, self.part.loop)


def load_music(essay: Essay, cache: Cache) -> list[MusicTrack]:
    """Check every music part (its length against its fades, its level against clipping)."""
    analysis = cache.area(ANALYSIS)
    tracks, problems = [], []
    for part in essay.music:
        try:
            tracks.append(_track(part, _analysis(part.file, analysis)))
        except _Unusable as err:
            problems.append(part.origin.problem(str(err)))
    if problems:
        raise EssayError(problems)
    return tracks


class _Unusable(ValueError):
    pass


def _analysis(file: Path, area: Area) -> dict:
    """Length, loudness and true peak of a file: measured once, kept by its content."""
    name = f"{file_digest(file)}.json"
    record = area.get(name)
    try:
        known = json.loads(record.read_text()) if record else {}
    except (OSError, ValueError):  # unreadable: measure it again
        known = {}
    if "loudness" in known:  # a record without it is of a file that held nothing
        return known
    facts = _measure(file)
    area.put_text(name, json.dumps(facts))
    return facts


def _measure(file: Path) -> dict:
    try:
        samples = len(hear(file, channels=2).samples)
        measured = measure_file(file)
    except Unheard as err:
        raise _Unusable(str(err)) from None
    except RenderError as err:
        raise _Unusable(f"cannot measure {file.name}: {err}; export it again") from None
    return {
        "seconds": samples / SAMPLE_RATE,
        "samples": samples,
        "loudness": measured.integrated,
        "true_peak": measured.true_peak,
    }


def _track(part: MusicPart, facts: dict) -> MusicTrack:
    name, seconds = part.file.name, facts["seconds"]
    if facts["loudness"] <= SILENT_LUFS:
        raise _Unusable(
            f"{name} is silent (nothing in it reaches -70 LUFS); check that it is the music "
            "meant, or export it again"
        )
    if not part.loop and seconds < part.fade_in + part.fade_out:
        raise _Unusable(
            f"{name} ({seconds:.1f} s) is shorter than its fades "
            f"({part.fade_in:g} s in, {part.fade_out:g} s out); shorten the fades or loop it"
        )
    if part.loop and seconds < 2 * LOOP_CROSSFADE:
        raise _Unusable(f"{name} ({seconds:.1f} s) is too short to loop; use 2 s or more")
    gain_db = part.level - facts["loudness"]
    peak = facts["true_peak"] + gain_db
    if peak > 0:
        raise _Unusable(
            f"at level {part.level:g} LUFS this music would clip (its peaks at {peak:+.1f} "
            f"dBTP); use a level of at most {part.level - peak:.1f}"
        )
    return MusicTrack(part, 10 ** (gain_db / 20), facts["samples"])


@lru_cache(maxsize=4)
def _decoded(file: Path, mtime: int, loop: bool) -> np.ndarray:
    pcm = ffmpeg.decode_audio(file, channels=2, sample_format="s16le")
    return _loopable(pcm) if loop else pcm


def _loopable(pcm: np.ndarray) -> np.ndarray:
    """Blend the last second into the first, then drop it: the end now flows into the start."""
    n = round(LOOP_CROSSFADE * SAMPLE_RATE)
    t = np.linspace(0, np.pi / 2, n, dtype=np.float32)[:, None]
    head = pcm[:n].astype(np.float32) * np.sin(t) + pcm[-n:].astype(np.float32) * np.cos(t)
    out = pcm[:-n].copy()
    out[:n] = np.clip(np.round(head), -32768, 32767).astype(np.int16)
    return out
