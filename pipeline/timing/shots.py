"""Shots placed in their sections' frames: a shot with a length of its own (a clip) takes
it, the others share the rest by weight; a crossfade overlaps the shot before.

A clip that speaks opens its section (it plays from the section's first frame, and the
narration starts a breath after it) or closes it (it starts a breath after the narration
and holds its last frame through the pause after it)."""

from __future__ import annotations

import math
from collections.abc import Sequence

from pipeline.script.model import Section, Visual
from pipeline.script.settings import Rate
from pipeline.timing.spans import SectionSpan, ShotSpan

BREATH = 0.5  # seconds between the narration and a clip that speaks


def speaking(section: Section) -> tuple[Visual | None, Visual | None]:
    """The clip that opens the section and the one that closes it, if they speak (and are
    not placed `after` a sentence)."""
    visuals = section.visuals

    def speaks(v: Visual) -> bool:
        return v.sound is not None and v.sound.after is None

    opening = visuals[0] if speaks(visuals[0]) else None
    closing = visuals[-1] if len(visuals) > 1 and speaks(visuals[-1]) else None
    return opening, closing


def own_frames(visual: Visual, fps: Rate) -> int | None:
    return None if visual.seconds is None else max(1, round(visual.seconds * fps))


def least_frames(section: Section, fps: Rate) -> int:
    """A section is never shorter than its shots' own lengths, and a frame for each other."""
    return sum(own_frames(v, fps) or 1 for v in section.visuals)


def around_speech(section: Section) -> tuple[float, float]:
    """Seconds before the narration (an opening clip and a breath) and after it (a breath
    and a closing clip)."""
    opening, closing = speaking(section)
    before = opening.seconds + BREATH if opening else 0.0
    after = BREATH + closing.seconds if closing else 0.0
    return before, after


def speaking_at(section: Section, span: SectionSpan, fps: Rate) -> list[tuple[int, int, int]]:
    """The clips that speak in the section: index among its visuals, first frame, end frame
    (an opening clip for its own length; one after a sentence too; a closing one lasts
    to the section's end)."""
    opening, closing = speaking(section)
    found = []
    if opening is not None:
        found.append((0, span.first_frame, span.first_frame + own_frames(opening, fps)))
    for when, _, j in span.waits:
        first = math.ceil((span.at(when) + BREATH) * fps - 1e-6)
        found.append((j, first, first + own_frames(section.visuals[j], fps)))
    if closing is not None:
        first = math.ceil((span.speech_end + BREATH) * fps - 1e-6)
        found.append((len(section.visuals) - 1, first, span.end_frame))
    return sorted(found)


def place_shots(
    sections: Sequence[Section], spans: Sequence[SectionSpan], fps: Rate
) -> tuple[ShotSpan, ...]:
    """Shots share their section's frames by weight; a crossfade overlaps the shot before."""
    nominal = []  # (name, visual, section index, first, end) before any overlap
    for section, span in zip(sections, spans, strict=True):
        for n, (v, first, end) in enumerate(_tiled(section, span, fps), start=1):
            nominal.append((f"{section.id}.{n}", v, span.index, first, end))
    shots = []
    for k, (name, visual, sec, first, end) in enumerate(nominal):
        fade = 0
        if visual.transition.type == "crossfade":
            fade = min(round(visual.transition.duration * fps), end - first)
            if k > 0:
                fade = min(fade, nominal[k - 1][4] - nominal[k - 1][3])
        shots.append([name, visual, sec, first, end, fade, end])
    for k in range(len(shots) - 1):
        shots[k][4] += shots[k + 1][5]  # stay under the next shot while it fades in
    return tuple(ShotSpan(*s) for s in shots)


def _tiled(section: Section, span: SectionSpan, fps: Rate) -> list[tuple[Visual, int, int]]:
    """Each shot's [first, end) frames: together, the section's frames in order. A clip that
    speaks is where its sound is; the shots between two such share the frames between them
    (a clip under the narration for its own length, the others by weight)."""
    visuals = section.visuals
    fixed = {j: (first, end) for j, first, end in speaking_at(section, span, fps)}
    placed: list[tuple[Visual, int, int]] = []
    run: list[int] = []
    at = span.first_frame
    for j in [*range(len(visuals)), None]:
        if j is not None and j not in fixed:
            run.append(j)
            continue
        first, end = fixed[j] if j is not None else (span.end_frame, span.end_frame)
        if run:
            placed += _shared([visuals[k] for k in run], at, max(first, at + len(run)), fps)
        elif placed and first > at:  # nothing between: the clip before holds its last frame
            placed[-1] = (placed[-1][0], placed[-1][1], first)
        if j is not None:
            first = placed[-1][2] if placed else span.first_frame
            placed.append((visuals[j], first, max(end, first + 1)))
            at, run = placed[-1][2], []
    v, first, _ = placed[-1]
    placed[-1] = (v, first, span.end_frame)  # what rounding left over goes to the last
    return placed


def _shared(visuals: Sequence[Visual], first: int, end: int, fps: Rate) -> list:
    """Shots in [first, end): each with a length of its own takes it, the rest share what
    is left by weight (cumulative rounding, so nothing drifts)."""
    lengths = [own_frames(v, fps) for v in visuals]
    free = end - first - sum(n for n in lengths if n is not None)
    total = sum(v.weight for v, n in zip(visuals, lengths, strict=True) if n is None) or 1.0
    placed, at, acc = [], first, 0.0
    for v, own in zip(visuals, lengths, strict=True):
        if own is None:
            shares = round(free * (acc + v.weight) / total) - round(free * acc / total)
            acc += v.weight
            own = max(1, shares)
        placed.append((v, at, at + own))
        at += own
    v, a, _ = placed[-1]
    placed[-1] = (v, a, max(end, a + 1))
    return placed
