"""Where the sound sits on the clock: each take, the room tone in the gaps between them,
and the music, in samples. The mix places nothing itself: it reads these."""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

import numpy as np

from pipeline.base.ffmpeg import SAMPLE_RATE
from pipeline.script.model import Essay
from pipeline.script.settings import Rate
from pipeline.timing import envelope
from pipeline.timing.spans import (
    MusicSpan,
    NarrationClip,
    RoomTone,
    SectionSpan,
    ShotSpan,
    SoundClip,
)

# Where a retake was cut, the pieces either side are this far apart, filled with the take's
# room tone: each fades into it and out of it, so the join neither clicks nor dips
JOIN_HOPS = 4
JOIN_SAMPLES = JOIN_HOPS * envelope.HOP_SAMPLES


class Cut(Protocol):
    """The samples of a narration file a section's take plays, in pieces (a retake cut out
    between two), and where its words are (per envelope hop; None: not known)."""

    source: Path
    speech: np.ndarray | None

    @property
    def pieces(self) -> tuple[tuple[int, int], ...]: ...


def narration_clips(
    spans: Sequence[SectionSpan], takes: Sequence[Cut], fade: float
) -> tuple[NarrationClip, ...]:
    """Each take's pieces, one after another from where its section's speech starts,
    JOIN_SAMPLES apart (the room tone fills the gap), and apart where the narration waits
    for a clip that speaks."""
    clips = []
    for span, take in zip(spans, takes, strict=True):
        kept = 0  # samples into the take's kept clock
        cuts = [round(when * SAMPLE_RATE) for when, _, _ in span.waits]
        for a, b in take.pieces:
            inside = [c - kept + a for c in cuts if kept < c < kept + b - a]
            for x, y in itertools.pairwise([a, *inside, b]):
                at = round(span.at((kept + x - a) / SAMPLE_RATE, x != a) * SAMPLE_RATE)
                clips.append(NarrationClip(span.index, take.source, x, y, at, round(fade * 1000)))
            kept += b - a + JOIN_SAMPLES
    return tuple(clips)


def room_tone(clips: Sequence[NarrationClip], length: int, fade: float) -> tuple[RoomTone, ...]:
    """Each gap (lead-in, pauses, tail, a retake's join) filled with the tone of the take
    before it (the first take's before the first), overlapping the takes beside it by a
    fade."""
    overlap = round(fade * SAMPLE_RATE)
    edges = [0] + [x for c in clips for x in (c.start, c.end)] + [length]
    fills = []
    for k in range(0, len(edges), 2):
        gap_start, gap_end = edges[k], edges[k + 1]
        if gap_end - gap_start <= 0:
            continue
        start = max(0, gap_start - overlap)
        tone = clips[max(0, k // 2 - 1)].section if clips else 0
        fills.append(RoomTone(tone, start, min(length, gap_end + overlap) - start))
    return tuple(fills)


def music_spans(
    essay: Essay, spans: Sequence[SectionSpan], lengths: Sequence[int], fps: Rate, length: int
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
        cuts = [round(when / envelope.HOP) for when, _, _ in span.waits]
        for a, b in itertools.pairwise([0, *cuts, len(take.speech)]):
            at = round(span.at(a * envelope.HOP, a > 0) / envelope.HOP)
            n = max(0, min(b - a, len(mask) - at))
            mask[at : at + n] |= take.speech[a : a + n]
    return tuple(envelope.runs(mask))


def clip_sounds(shots: Sequence[ShotSpan], fps: Rate) -> tuple[SoundClip, ...]:
    """Each speaking shot's sound from its first frame, as its picture starts there."""
    return tuple(
        SoundClip(
            shot.name,
            sound.file,
            sound.start,
            sound.end,
            shot.first_frame * SAMPLE_RATE // fps,
            sound.level,
        )
        for shot in shots
        if (sound := shot.visual.sound) is not None
    )
