"""Shots placed in their sections' frames: a shot with a length of its own (a clip) takes
it, the others share the rest by weight; a crossfade overlaps the shot before.

A clip that speaks opens its section (it plays from the section's first frame, and the
narration starts a breath after it) or closes it (it starts a breath after the narration
and plays on through the pause after it)."""

from __future__ import annotations

import math
from collections.abc import Sequence

from pipeline.script.model import Section, Visual
from pipeline.timing.spans import SectionSpan, ShotSpan

BREATH = 0.5  # seconds between the narration and a clip that speaks


def speaking(section: Section) -> tuple[Visual | None, Visual | None]:
    """The clip that opens the section and the one that closes it, if they speak."""
    visuals = section.visuals
    opening = visuals[0] if visuals[0].sound else None
    closing = visuals[-1] if len(visuals) > 1 and visuals[-1].sound else None
    return opening, closing


def own_frames(visual: Visual, fps: int) -> int | None:
    return None if visual.seconds is None else max(1, round(visual.seconds * fps))


def least_frames(section: Section, fps: int) -> int:
    """A section is never shorter than its shots' own lengths, and a frame for each other."""
    return sum(own_frames(v, fps) or 1 for v in section.visuals)


def around_speech(section: Section) -> tuple[float, float]:
    """Seconds before the narration (an opening clip and a breath) and after it (a breath
    and a closing clip)."""
    opening, closing = speaking(section)
    before = opening.seconds + BREATH if opening else 0.0
    after = BREATH + closing.seconds if closing else 0.0
    return before, after


def speaking_at(section: Section, span: SectionSpan, fps: int) -> list[tuple[Visual, int]]:
    """The clips that speak in the section and the frame each starts at."""
    opening, closing = speaking(section)
    found = [(opening, span.first_frame)] if opening else []
    if closing:  # a breath after the narration
        found.append((closing, math.ceil((span.speech_end + BREATH) * fps - 1e-6)))
    return found


def place_shots(
    sections: Sequence[Section], spans: Sequence[SectionSpan], fps: int
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


def _tiled(section: Section, span: SectionSpan, fps: int) -> list[tuple[Visual, int, int]]:
    """Each shot's [first, end) frames: together, the section's frames in order."""
    lengths = [own_frames(v, fps) for v in section.visuals]
    _, closing = speaking(section)
    if closing is not None:  # it plays on through the pause after it
        lengths[-1] = max(1, span.end_frame - speaking_at(section, span, fps)[-1][1])
    frames = span.end_frame - span.first_frame
    free = frames - sum(n for n in lengths if n is not None)
    total = sum(v.weight for v, n in zip(section.visuals, lengths, strict=True) if n is None)
    placed, start, acc = [], span.first_frame, 0.0
    for v, own in zip(section.visuals, lengths, strict=True):
        if own is None:
            acc += v.weight
            end = start + max(1, round(free * acc / total) - round(free * (acc - v.weight) / total))
        else:
            end = start + own
        placed.append((v, start, min(end, span.end_frame)))
        start = end
    if placed:  # what rounding left over goes to the last shot
        v, first, _ = placed[-1]
        placed[-1] = (v, first, span.end_frame)
    return placed
