"""The Timeline: every section, shot and cue placed on one clock.

Video time is counted in whole frames so that segments join exactly: each section lasts a
whole number of frames (its pause absorbs the rounding), so a section's length never
depends on where it starts, and an edit to one section leaves the others' frames alone.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

from pipeline.script.model import Essay, Section, Visual
from pipeline.timing.cues import Cue, split_cues, time_cues


@dataclass(frozen=True)
class SectionSpan:
    index: int
    id: str
    title: str
    first_frame: int
    end_frame: int  # exclusive
    speech_start: float  # seconds: where its narration take begins
    speech_end: float


@dataclass(frozen=True)
class ShotSpan:
    visual: Visual
    section: int
    first_frame: int  # first frame it shows in (its fade-in starts here)
    end_frame: int  # exclusive; includes the next shot's fade-in, which it sits under
    fade_frames: int  # crossfade in from the shot before (from black for the first shot)


@dataclass(frozen=True)
class Chapter:
    start: float
    end: float
    title: str


@dataclass(frozen=True)
class Timeline:
    fps: int
    frames: int
    sections: tuple[SectionSpan, ...]
    shots: tuple[ShotSpan, ...]
    cues: tuple[Cue, ...]

    @property
    def duration(self) -> float:
        return self.frames / self.fps

    @property
    def chapters(self) -> tuple[Chapter, ...]:
        return tuple(
            Chapter(s.first_frame / self.fps, s.end_frame / self.fps, s.title)
            for s in self.sections
        )


def build_timeline(essay: Essay, speech: Mapping[str, float]) -> Timeline:
    """Place everything, given each section's narration length in seconds."""
    fps = essay.settings.video.fps
    timing = essay.settings.timing
    sections, cues = [], []
    frame = 0
    last = len(essay.sections) - 1
    for i, section in enumerate(essay.sections):
        lead = timing.lead_in if i == 0 else 0.0
        after = timing.tail if i == last else timing.pause
        length = speech[section.id]
        frames = math.ceil((lead + length + after) * fps - 1e-6)
        start = frame / fps + lead
        span = SectionSpan(
            i, section.id, section.title, frame, frame + frames, start, start + length
        )
        sections.append(span)
        lines = split_cues(section.narration.text, essay.settings.subtitles)
        cues += time_cues(lines, span.speech_start, span.speech_end, essay.settings.subtitles, fps)
        frame += frames
    shots = _place_shots(essay.sections, sections, fps)
    return Timeline(fps, frame, tuple(sections), shots, tuple(cues))


def _place_shots(
    sections: tuple[Section, ...], spans: list[SectionSpan], fps: int
) -> tuple[ShotSpan, ...]:
    """Shots share their section's frames by weight; a crossfade overlaps the shot before."""
    nominal = []  # (visual, section index, first, end) before any overlap
    for section, span in zip(sections, spans, strict=True):
        total = sum(v.weight for v in section.visuals)
        frames = span.end_frame - span.first_frame
        acc = 0.0
        start = span.first_frame
        for v in section.visuals:
            acc += v.weight
            end = span.first_frame + round(frames * acc / total)
            end = max(end, start + 1) if start < span.end_frame else end
            nominal.append((v, span.index, start, min(end, span.end_frame)))
            start = end
    shots = []
    for k, (visual, sec, first, end) in enumerate(nominal):
        fade = 0
        if visual.transition.kind == "crossfade":
            fade = min(round(visual.transition.duration * fps), end - first)
            if k > 0:
                fade = min(fade, nominal[k - 1][3] - nominal[k - 1][2])
        shots.append([visual, sec, first, end, fade])
    for k in range(len(shots) - 1):
        shots[k][3] += shots[k + 1][4]  # stay under the next shot while it fades in
    return tuple(ShotSpan(*s) for s in shots)
