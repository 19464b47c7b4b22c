"""Shots placed in their sections' frames: shares by weight, crossfades over the shot before."""

from __future__ import annotations

from collections.abc import Sequence

from pipeline.script.model import Section
from pipeline.timing.spans import SectionSpan, ShotSpan


def place_shots(
    sections: Sequence[Section], spans: Sequence[SectionSpan], fps: int
) -> tuple[ShotSpan, ...]:
    """Shots share their section's frames by weight; a crossfade overlaps the shot before."""
    nominal = []  # (name, visual, section index, first, end) before any overlap
    for section, span in zip(sections, spans, strict=True):
        total = sum(v.weight for v in section.visuals)
        frames = span.end_frame - span.first_frame
        acc = 0.0
        start = span.first_frame
        for n, v in enumerate(section.visuals, start=1):
            acc += v.weight
            end = span.first_frame + round(frames * acc / total)
            end = max(end, start + 1) if start < span.end_frame else end
            nominal.append((f"{section.id}.{n}", v, span.index, start, min(end, span.end_frame)))
            start = end
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
