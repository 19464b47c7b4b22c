"""Where the sound sits on the clock: each take, the room tone in the gaps between them,
and the music, in samples. The mix places nothing itself: it reads these."""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

import numpy as np

from pipeline.base.ffmpeg import SAMPLE_RATE
from pipeline.script.model import Essay
from pipeline.timing import envelope
from pipeline.timing.spans import MusicSpan, NarrationClip, RoomTone, SectionSpan


class Cut(Protocol):
    """The samples of a narration file a section's take keeps, and where its words are
    (per envelope hop; None: not known)."""

    source: Path
    cut: tuple[int, int]
    speech: np.ndarray | None


def narration_clips(
    spans: Sequence[SectionSpan], takes: Sequence[Cut], fade: float
) -> tuple[NarrationClip, ...]:
    return tuple(
        NarrationClip(
            span.index,
            take.source,
            take.cut[0],
            take.cut[1],
            round(span.speech_start * SAMPLE_RATE),
            round(fade * 1000),
        )
        for span, take in zip(spans, takes, strict=True)
    )


def room_tone(clips: Sequence[NarrationClip], length: int, fade: float) -> tuple[RoomTone, ...]:
    """Each gap (lead-in, pauses, tail) filled with the tone of the take before it (the
    first take's before the first), overlapping the takes beside it by a fade."""
    overlap = round(fade * SAMPLE_RATE)
    edges = [0] + [x for c in clips for x in (c.start, c.end)] + [length]
    fills = []
    for k in range(0, len(edges), 2):
        gap_start, gap_end = edges[k], edges[k + 1]
        if gap_end - gap_start <= 0:
            continue
        start = max(0, gap_start - overlap)
        fills.append(RoomTone(max(0, k // 2 - 1), start, min(length, gap_end + overlap) - start))
    return tuple(fills)


def music_spans(
    essay: Essay, spans: Sequence[SectionSpan], lengths: Sequence[int], fps: int, length: int
) -> tuple[MusicSpan, ...]:
    """A bed under the whole episode; a cue from its first section's first frame to its last
    section's end, or sooner where a cue that does not loop runs out (`lengths`: samples)."""
    placed = []
    for k, (part, samples) in enumerate(zip(essay.music, lengths, strict=True)):
        if part.sections is None:
            placed.append(MusicSpan(k, 0, length))
            continue
        first, last = part.sections
        start = spans[first].first_frame * SAMPLE_RATE // fps
        end = spans[last].end_frame * SAMPLE_RATE // fps
        if not part.loop:
            end = min(end, start + samples)
        placed.append(MusicSpan(k, start, end))
    return tuple(placed)


def speech_spans(
    spans: Sequence[SectionSpan], takes: Sequence[Cut], length: int
) -> tuple[tuple[int, int], ...]:
    """Where someone speaks on the episode clock: [start, end) in envelope hops."""
    mask = np.zeros(math.ceil(length / envelope.HOP_SAMPLES) + 1, dtype=bool)
    for span, take in zip(spans, takes, strict=True):
        if take.speech is None:
            continue
        at = round(span.speech_start / envelope.HOP)
        n = min(len(take.speech), len(mask) - at)
        mask[at : at + n] |= take.speech[:n]
    return tuple(envelope.runs(mask))
