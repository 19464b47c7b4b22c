"""The Timeline: every section, shot, cue, take, room-tone fill and music part placed on one
clock. The renderer, the mix and the subtitle writers read it; none of them places anything.

Video time is counted in whole frames so that segments join exactly: each section lasts a
whole number of frames (its pause absorbs the rounding), so a section's length never
depends on where it starts, and an edit to one section leaves the others' frames alone.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Protocol

import numpy as np

from pipeline.base.errors import Problem
from pipeline.base.ffmpeg import SAMPLE_RATE
from pipeline.script.model import Card, Essay, Section
from pipeline.timing.align import Aligned, align
from pipeline.timing.cues import Cue, WordTimes, make_cues, problems_with, proportional, settle
from pipeline.timing.shots import place_shots
from pipeline.timing.sound import Cut, music_spans, narration_clips, room_tone, speech_spans
from pipeline.timing.spans import (
    Chapter,
    MusicSpan,
    NarrationClip,
    RoomTone,
    SectionSpan,
    ShotSpan,
    SpokenWord,
)
from pipeline.timing.text import tokenize

__all__ = ["Chapter", "SectionSpan", "ShotSpan", "Spoken", "Timeline", "build_timeline"]


@dataclass(frozen=True)
class Timeline:
    fps: int
    frames: int
    sections: tuple[SectionSpan, ...]
    shots: tuple[ShotSpan, ...]
    cues: tuple[Cue, ...]
    narration: tuple[NarrationClip, ...] = ()
    room_tone: tuple[RoomTone, ...] = ()
    music: tuple[MusicSpan, ...] = ()
    speech: tuple[tuple[int, int], ...] = ()  # where someone speaks: envelope hops (10 ms)
    words: tuple[SpokenWord, ...] = ()  # every word said, in order; the cues show them
    # where take and script disagree, a cue breaks a rule, or a take's file is doubtful
    warnings: tuple[Problem, ...] = ()

    @property
    def duration(self) -> float:
        return self.frames / self.fps

    @property
    def samples(self) -> int:
        """The sound's length: exactly the video's frames (48000 is a multiple of each fps)."""
        return self.frames * SAMPLE_RATE // self.fps

    @property
    def chapters(self) -> tuple[Chapter, ...]:
        return tuple(
            Chapter(s.first_frame / self.fps, s.end_frame / self.fps, s.title)
            for s in self.sections
        )

    @property
    def cards(self) -> dict[str, Card]:
        """The episode's cards by shot name, in order: the SVG each picture is drawn from
        (the renderer and the cover draw them, each at the size it needs)."""
        return {s.name: s.visual for s in self.shots if isinstance(s.visual, Card)}


class Spoken(Cut, Protocol):
    """What the timeline needs of a take: the samples it keeps, and its level for alignment
    (None: cues are timed by text length), or its words aligned already."""

    levels: np.ndarray | None
    aligned: Aligned | None  # its script's words in it, when measuring the take found them
    doubts: tuple[Problem, ...]  # warnings about its file, found when it was measured

    @property
    def duration(self) -> float: ...


def build_timeline(
    essay: Essay, takes: Mapping[str, Spoken], music_lengths: Sequence[int] = ()
) -> Timeline:
    """Place everything, given each section's take and each music part's length in samples."""
    fps = essay.settings.video.fps
    spans, cues, words, warnings = _place_sections(essay, takes)
    frames = spans[-1].end_frame
    cues = settle(cues, essay.settings.subtitles, fps)
    warnings += _cue_warnings(essay, cues)
    warnings += _pace_warnings(essay, takes)
    warnings += [doubt for s in essay.sections for doubt in takes[s.id].doubts]
    audio = essay.settings.audio
    ordered = [takes[s.id] for s in essay.sections]
    clips = narration_clips(spans, ordered, audio.fade)
    length = frames * SAMPLE_RATE // fps
    return Timeline(
        fps=fps,
        frames=frames,
        sections=tuple(spans),
        shots=place_shots(essay.sections, spans, fps),
        cues=tuple(cues),
        narration=clips,
        room_tone=room_tone(clips, length, audio.fade) if audio.room_tone else (),
        music=music_spans(essay, spans, music_lengths, fps, length),
        speech=speech_spans(spans, ordered, length),
        words=tuple(words),
        warnings=tuple(warnings),
    )


def _place_sections(
    essay: Essay, takes: Mapping[str, Spoken]
) -> tuple[list[SectionSpan], list[Cue], list[SpokenWord], list[Problem]]:
    """Each section as long as its take plus its pauses, in whole frames; its words and
    cues in it."""
    fps, timing = essay.settings.video.fps, essay.settings.timing
    spans, cues, words, warnings = [], [], [], []
    frame, last = 0, len(essay.sections) - 1
    for i, section in enumerate(essay.sections):
        lead = timing.lead_in if i == 0 else 0.0
        after = timing.tail if i == last else timing.pause
        take = takes[section.id]
        frames = math.ceil((lead + take.duration + after) * fps - 1e-6)
        start = frame / fps + lead
        span = SectionSpan(
            i, section.id, section.title, frame, frame + frames, start, start + take.duration
        )
        spans.append(span)
        said, made, doubts = _section_cues(section, take, span, essay)
        # a cue stays in its own section, so a section's frames depend on its text alone
        cues += [replace(c, start=max(c.start, frame / fps), section=i) for c in made]
        words += said
        warnings += doubts
        frame += frames
    return spans, cues, words, warnings


def _section_cues(
    section: Section, take: Spoken, span: SectionSpan, essay: Essay
) -> tuple[list[SpokenWord], list[Cue], list[Problem]]:
    """The words where the take says them (by text length if it has no levels), and the
    cues that show them."""
    style = essay.settings.subtitles
    fps = essay.settings.video.fps
    tokens = tokenize(section.narration.text, style.max_line_chars)
    if take.levels is None:
        times, doubts = proportional(tokens, span.speech_start, span.speech_end), []
    else:
        aligned = take.aligned or align(tokens, take.levels)
        at = span.speech_start
        times = WordTimes([at + t for t in aligned.starts], [at + t for t in aligned.ends])
        doubts = [
            section.narration.script.problem(f"section '{section.id}': {doubt}", warning=True)
            for doubt in aligned.doubts
        ]
    words = [
        SpokenWord(s, e, t.text, span.index, t.space)
        for t, s, e in zip(tokens, times.starts, times.ends, strict=True)
    ]
    return words, make_cues(tokens, times, style, fps), doubts


def _cue_warnings(essay: Essay, cues: Sequence[Cue]) -> list[Problem]:
    """Cues that still break a rule (the voice left no way around it), against the
    narration they come from."""
    style = essay.settings.subtitles
    return [
        essay.sections[cue.section].narration.script.problem(
            f"the cue '{cue.text}' {rule}", warning=True
        )
        for cue in cues
        for rule in problems_with(cue, style)
    ]


PACE_RANGE = (0.6, 1.7)  # a section's speaking pace against the episode's, before we warn


def _pace_warnings(essay: Essay, takes: Mapping[str, Spoken]) -> list[Problem]:
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
