"""The Timeline: every section, shot and cue placed on one clock.

Video time is counted in whole frames so that segments join exactly: each section lasts a
whole number of frames (its pause absorbs the rounding), so a section's length never
depends on where it starts, and an edit to one section leaves the others' frames alone.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Protocol

import numpy as np

from pipeline.errors import Problem
from pipeline.script.model import Essay, Section, Visual
from pipeline.timing.align import align
from pipeline.timing.cues import Cue, Timing, make_cues, problems_with, proportional, settle
from pipeline.timing.text import tokenize


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
    still_from: int  # where its move has ended (the next shot starts): it holds from here


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
    warnings: tuple[Problem, ...] = ()  # where take and script disagree, or a cue breaks a rule

    @property
    def duration(self) -> float:
        return self.frames / self.fps

    @property
    def chapters(self) -> tuple[Chapter, ...]:
        return tuple(
            Chapter(s.first_frame / self.fps, s.end_frame / self.fps, s.title)
            for s in self.sections
        )


class Spoken(Protocol):
    """What the timeline needs of a take: its length, and its level for alignment."""

    @property
    def duration(self) -> float: ...

    levels: np.ndarray | None


def build_timeline(essay: Essay, takes: Mapping[str, Spoken]) -> Timeline:
    """Place everything, given each section's take."""
    fps = essay.settings.video.fps
    timing = essay.settings.timing
    style = essay.settings.subtitles
    sections, cues, warnings = [], [], []
    frame = 0
    last = len(essay.sections) - 1
    for i, section in enumerate(essay.sections):
        lead = timing.lead_in if i == 0 else 0.0
        after = timing.tail if i == last else timing.pause
        take = takes[section.id]
        frames = math.ceil((lead + take.duration + after) * fps - 1e-6)
        start = frame / fps + lead
        span = SectionSpan(
            i, section.id, section.title, frame, frame + frames, start, start + take.duration
        )
        sections.append(span)
        made, doubts = _section_cues(section, take, span, essay)
        # a cue stays in its own section, so a section's frames depend on its text alone
        cues += [replace(c, start=max(c.start, frame / fps)) for c in made]
        warnings += doubts
        frame += frames
    cues = settle(cues, style, fps)
    warnings += [
        _where(essay.sections, cue).problem(f"the cue '{cue.text}' {rule}", warning=True)
        for cue in cues
        for rule in problems_with(cue, style)
    ]
    warnings += _pace_warnings(essay, sections, takes)
    shots = _place_shots(essay.sections, sections, fps)
    return Timeline(fps, frame, tuple(sections), shots, tuple(cues), tuple(warnings))


def _section_cues(
    section: Section, take: Spoken, span: SectionSpan, essay: Essay
) -> tuple[list[Cue], list[Problem]]:
    """Cues timed by aligning the script to the take (by text length if it has no levels)."""
    style = essay.settings.subtitles
    tokens = tokenize(section.narration.text, style.max_line_chars)
    if take.levels is None:
        return make_cues(
            tokens,
            proportional(tokens, span.speech_start, span.speech_end),
            style,
            essay.settings.video.fps,
        ), []
    aligned = align(tokens, take.levels)
    at = span.speech_start
    timing = Timing([at + t for t in aligned.starts], [at + t for t in aligned.ends])
    doubts = [
        section.narration.script.problem(f"section '{section.id}': {doubt}", warning=True)
        for doubt in aligned.doubts
    ]
    return make_cues(tokens, timing, style, essay.settings.video.fps), doubts


def _where(sections: tuple[Section, ...], cue: Cue):
    """The narration text a cue comes from."""
    for section in sections:
        if cue.text in " ".join(section.narration.text.split()):
            return section.narration.script
    return sections[0].narration.script


PACE_RANGE = (0.6, 1.7)  # a section's speaking pace against the episode's, before we warn


def _pace_warnings(essay: Essay, spans, takes: Mapping[str, Spoken]) -> list[Problem]:
    """Sections with much more or less speech than their text implies, judged against the
    pace of the other sections."""
    paces = [takes[s.id].duration / max(len(s.narration.text), 1) for s in essay.sections]
    found = []
    for k, section in enumerate(essay.sections):
        others = paces[:k] + paces[k + 1 :]
        if not others or len(section.narration.text) < 80:
            continue
        ratio = paces[k] / float(np.median(others))
        if not PACE_RANGE[0] <= ratio <= PACE_RANGE[1]:
            more = "more" if ratio > 1 else "less"
            hint = "an extra take or unscripted speech" if ratio > 1 else "a passage not spoken"
            found.append(section.narration.script.problem(
                f"section '{section.id}' has {ratio:.1f}x the speech of the other sections for "
                f"its text ({more} than the script implies): {hint}?", warning=True))  # fmt: skip
    return found


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
        shots.append([visual, sec, first, end, fade, end])
    for k in range(len(shots) - 1):
        shots[k][3] += shots[k + 1][4]  # stay under the next shot while it fades in
    return tuple(ShotSpan(*s) for s in shots)
