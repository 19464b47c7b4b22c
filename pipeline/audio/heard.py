"""A take listened to: its script heard in it (timing/hearing.py), its retakes cut out, and
its words timed on the clock of what is kept.

A cut falls on the take's 10 ms hops, so its level and speech, hop by hop, are cut with it;
the pieces either side are set JOIN_HOPS apart, a gap the take's room tone fills. Scratch
takes read their script exactly and are not listened to, nor is narration in a language
the recogniser's English model cannot hear: both are timed by their pauses, as before.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import numpy as np

from pipeline.base.ffmpeg import SAMPLE_RATE, decode_audio
from pipeline.base.runner import Runner
from pipeline.script.model import Essay, Section
from pipeline.timing import envelope, hearing, listen
from pipeline.timing.align import Aligned, align
from pipeline.timing.hearing import Before, Hearing, hear
from pipeline.timing.listen import Heard
from pipeline.timing.sound import JOIN_HOPS
from pipeline.timing.text import Token, tokenize

if TYPE_CHECKING:
    from pipeline.audio.takes import Take

NOT_HEARD = (
    "the take could not be heard as its script (is it this section's, and in English?); "
    "its cues are timed by its pauses alone"
)


@dataclass(frozen=True)
class Listening:
    """What hearing a take needs, as plain values: it may run in another process."""

    samples: np.ndarray  # the kept take, 16 kHz int16
    tokens: list[Token]
    title: str
    keep_last: bool
    words: list[Heard] | None  # heard already, in a take of several sections
    before: Before | None  # heard against the script as it was: an edit hears only its part


def at_16k(sections: Sequence[Section], essay: Essay) -> np.ndarray | None:
    """The sections' file as the recogniser hears it (16 kHz int16, decoded by ffmpeg at
    that rate: resampling here would import scipy.signal, a second), or None where none of
    them is listened to."""
    if not any(listened(s, essay) for s in sections):
        return None
    return decode_audio(sections[0].narration.audio, rate=listen.RATE, sample_format="s16le")[:, 0]


def to_hear(
    take: Take,
    at16: np.ndarray | None,
    section: Section,
    essay: Essay,
    words: Sequence[Heard] | None = None,
    before: Before | None = None,
) -> Listening | None:
    """What to hear of `take`; None if it is timed by its pauses (scratch, not English).
    `words`: what was heard in the whole file, where it holds several sections; `before`:
    what was heard in this take against the script before an edit."""
    if at16 is None or not listened(section, essay):
        return None
    step = SAMPLE_RATE // listen.RATE
    return Listening(
        np.ascontiguousarray(at16[take.cut[0] // step : take.cut[1] // step]),
        tokenize(section.narration.text, essay.settings.subtitles.max_line_chars),
        section.title,
        section.narration.keep_last,
        _within(words, take.cut),
        None if words is not None else before,
    )


def hear_all(runner: Runner, listenings: Sequence[Listening]) -> list[Hearing]:
    """Each take heard, a core each: recognition holds the GIL, so in processes."""
    return runner.apart(_hear, listenings, weight=lambda x: len(x.samples))


def _hear(listening: Listening) -> Hearing:
    return hear(listening.samples, listening.tokens, listening.title, listening.keep_last,
                listening.words, listening.before)  # fmt: skip


def heard(take: Take, section: Section, essay: Essay, found: Hearing | None) -> Take:
    """`take` with its script aligned (by what was `found` in it, else by its pauses) and,
    where the narrator read a passage again and the section keeps the last reading, the
    earlier readings cut out."""
    if found is None or not found.heard:
        tokens = tokenize(section.narration.text, essay.settings.subtitles.max_line_chars)
        paused = align(tokens, take.levels)
        doubts = paused.doubts if found is None else (*paused.doubts, NOT_HEARD)
        return replace(take, aligned=replace(paused, doubts=doubts))
    hops = [_hops(r.start, r.end) for r in found.retakes]
    cut = _Cut(hops, JOIN_HOPS)
    at = take.cut[0] / SAMPLE_RATE  # where the kept take begins in its file
    return replace(
        take,
        removed=tuple(
            (take.cut[0] + a * envelope.HOP_SAMPLES, take.cut[0] + b * envelope.HOP_SAMPLES)
            for a, b in hops
        ),
        speech=cut.array(take.speech, False),
        levels=cut.array(take.levels, float(np.min(take.levels))),
        aligned=_aligned(found, cut, at),
    )


def section_starts(
    at16: np.ndarray | None, sections: Sequence[Section], essay: Essay
) -> tuple[list[float | None], list[Heard]] | None:
    """Where each section of a take of several begins, by its first words (seconds; None:
    not heard), and what was heard in the take; None where the take is not listened to."""
    if at16 is None or not all(listened(s, essay) for s in sections):
        return None
    longest = essay.settings.subtitles.max_line_chars
    texts = [(tokenize(s.narration.text, longest), s.title) for s in sections]
    return hearing.section_starts(at16, texts)


def listened(section: Section, essay: Essay) -> bool:
    """Recorded narration in English: what the recogniser's model can hear."""
    return english(essay) and not section.narration.scratch


def english(essay: Essay) -> bool:
    site = essay.settings.site
    return site is None or site.language.split("-")[0] == "en"


def _within(words: Sequence[Heard] | None, cut: tuple[int, int]) -> list[Heard] | None:
    """The words heard in the file that fall in `cut` (samples), on its clock."""
    if words is None:
        return None
    a, b = cut[0] / SAMPLE_RATE, cut[1] / SAMPLE_RATE
    return [replace(w, start=w.start - a, end=w.end - a) for w in words if a <= w.start < b]


def _hops(start: float, end: float) -> tuple[int, int]:
    return round(start / envelope.HOP), round(end / envelope.HOP)


class _Cut:
    """The take's clock with stretches (in hops) cut out, a gap of `join` hops at each."""

    def __init__(self, removed: list[tuple[int, int]], join: int):
        self.removed, self.join = removed, join

    def array(self, values: np.ndarray, gap: object) -> np.ndarray:
        parts, at = [], 0
        for a, b in self.removed:
            parts += [values[at:a], np.full(self.join, gap, dtype=values.dtype)]
            at = b
        return np.concatenate([*parts, values[at:]])

    def time(self, t: float) -> float:
        """Seconds into the take as recorded, as seconds into it as kept."""
        shift = 0.0
        for a, b in self.removed:
            if t >= b * envelope.HOP:
                shift += (b - a - self.join) * envelope.HOP
            elif t > a * envelope.HOP:  # inside a cut: where the cut is
                return a * envelope.HOP - shift
        return t - shift


def _aligned(found: Hearing, cut: _Cut, at: float) -> Aligned:
    """On the kept clock; the warnings and cuts say times in the file as recorded (`at`:
    where the kept take begins in it)."""
    starts = tuple(cut.time(t[0]) if t else float("nan") for t in found.times)
    ends = tuple(cut.time(t[1]) if t else float("nan") for t in found.times)
    shifted = lambda x: replace(x, start=x.start + at, end=x.end + at)  # noqa: E731
    return Aligned(
        starts,
        ends,
        tuple(shifted(d).line() for d in found.disagreements),
        tuple(shifted(r).line() for r in found.retakes),
        tuple((cut.time(a), cut.time(b)) for a, b in found.unscripted),
    )
