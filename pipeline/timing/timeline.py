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
from pipeline.script.model import Essay, Origin, OwnSound, Section, Visual
from pipeline.script.settings import Rate
from pipeline.script.words import sentence_end
from pipeline.timing.align import Aligned, align
from pipeline.timing.cues import Cue, WordTimes, make_cues, problems_with, proportional, settle
from pipeline.timing.hearing import Said
from pipeline.timing.shots import (
    BREATH,
    around_speech,
    least_frames,
    place_shots,
    speaking_at,
)
from pipeline.timing.sound import (
    Cut,
    clip_sounds,
    music_spans,
    narration_clips,
    room_tone,
    speech_spans,
)
from pipeline.timing.spans import (
    Chapter,
    MusicSpan,
    NarrationClip,
    RoomTone,
    SectionSpan,
    ShotSpan,
    SoundClip,
    SpokenWord,
)
from pipeline.timing.text import Token, quoted, tokenize

__all__ = ["Chapter", "SectionSpan", "ShotSpan", "Spoken", "Timeline", "build_timeline"]


@dataclass(frozen=True)
class Timeline:
    fps: Rate
    frames: int
    sections: tuple[SectionSpan, ...]
    shots: tuple[ShotSpan, ...]
    cues: tuple[Cue, ...]
    narration: tuple[NarrationClip, ...] = ()
    room_tone: tuple[RoomTone, ...] = ()
    music: tuple[MusicSpan, ...] = ()
    clip_sound: tuple[SoundClip, ...] = ()  # the clip bus: films that speak
    speech: tuple[tuple[int, int], ...] = ()  # where someone speaks: envelope hops (10 ms)
    words: tuple[SpokenWord, ...] = ()  # every word said, in order; the cues show them
    disagreements: tuple[Problem, ...] = ()  # between a take and its script (in warnings too)
    cuts: tuple[Problem, ...] = ()  # retakes cut from the takes, a line each
    # where take and script disagree, a cue breaks a rule, or a take's file is doubtful
    warnings: tuple[Problem, ...] = ()

    def seconds(self, frames: int) -> float:
        """`frames` in seconds: a float, whatever the rate (a Fraction at 23.976)."""
        return float(frames / self.fps)

    @property
    def duration(self) -> float:
        return self.seconds(self.frames)

    @property
    def samples(self) -> int:
        """The sound's length: exactly the video's frames (every rate allowed holds a whole
        number of samples a frame)."""
        return self.frames * SAMPLE_RATE // self.fps

    @property
    def chapters(self) -> tuple[Chapter, ...]:
        return tuple(
            Chapter(self.seconds(s.first_frame), self.seconds(s.end_frame), s.title)
            for s in self.sections
        )

    @property
    def cards(self) -> dict[str, Visual]:
        """The episode's cards by shot name, in order: their `svg` is what each picture is
        drawn from (the renderer and the cover draw them, each at the size it needs)."""
        return {s.name: s.visual for s in self.shots if s.visual.kind == "card"}


class Spoken(Cut, Protocol):
    """What the timeline needs of a take: the samples it keeps, and its level for alignment
    (None: cues are timed by text length), or its words aligned already."""

    levels: np.ndarray | None
    aligned: Aligned | None  # its script's words in it, when measuring the take found them
    doubts: tuple[Problem, ...]  # warnings about its file, found when it was measured

    @property
    def duration(self) -> float: ...


def build_timeline(
    essay: Essay,
    takes: Mapping[str, Spoken],
    music_lengths: Sequence[int] = (),
    clip_words: Mapping[tuple[str, int], Said] | None = None,
) -> Timeline:
    """Place everything, given each section's take, each music part's length in samples,
    and where each clip that speaks says its words (by section id and the clip's index
    among its visuals; a clip not listed is timed by the length of its words)."""
    fps = essay.settings.video.rate
    spans, cues, words, disagreements = _place_sections(essay, takes, clip_words or {})
    warnings = list(disagreements)
    frames = spans[-1].end_frame
    cues = settle(cues, essay.settings.subtitles, fps)
    warnings += _cue_warnings(essay, cues)
    warnings += _pace_warnings(essay, takes)
    warnings += [doubt for s in essay.sections for doubt in takes[s.id].doubts]
    audio = essay.settings.audio
    ordered = [takes[s.id] for s in essay.sections]
    clips = narration_clips(spans, ordered, audio.fade)
    length = frames * SAMPLE_RATE // fps
    shots = place_shots(essay.sections, spans, fps)
    return Timeline(
        fps=fps,
        frames=frames,
        sections=tuple(spans),
        shots=shots,
        cues=tuple(cues),
        narration=clips,
        room_tone=room_tone(clips, length, audio.fade) if audio.room_tone else (),
        music=music_spans(essay, spans, music_lengths, fps, length),
        clip_sound=clip_sounds(shots, fps),
        speech=speech_spans(spans, ordered, length),
        words=tuple(words),
        warnings=tuple(warnings),
        disagreements=tuple(disagreements),
        cuts=tuple(_cuts(essay, takes)),
    )


def _place_sections(
    essay: Essay, takes: Mapping[str, Spoken], clip_words: Mapping[tuple[str, int], Said]
) -> tuple[list[SectionSpan], list[Cue], list[SpokenWord], list[Problem]]:
    """Each section as long as its take plus its pauses, in whole frames; its words and
    cues in it."""
    fps, timing = essay.settings.video.rate, essay.settings.timing
    spans, cues, words, warnings = [], [], [], []
    frame, last = 0, len(essay.sections) - 1
    for i, section in enumerate(essay.sections):
        lead = timing.lead_in if i == 0 else 0.0
        after = timing.tail if i == last else timing.pause
        take = takes[section.id]
        tokens, aligned = _aligned(section, take, essay)
        waits = _waits(section, tokens, aligned, take.duration)
        waited = sum(g for _, g, _ in waits)
        before, beyond = around_speech(section)  # a clip that speaks, opening or closing it
        spoken = take.duration + waited
        frames = math.ceil((lead + before + spoken + beyond + after) * fps - 1e-6)
        frames = max(frames, least_frames(section, fps))
        start = frame / fps + lead + before
        span = SectionSpan(
            i, section.id, section.title, frame, frame + frames, start, start + spoken, waits
        )
        spans.append(span)
        said, made, doubts = _section_cues(section, tokens, aligned, span, essay)
        said, made, unheard = _with_clips(section, span, essay, said, made, clip_words)
        # a cue stays in its own section, so a section's frames depend on its text alone
        cues += [replace(c, start=max(c.start, frame / fps), section=i) for c in made]
        words += said
        warnings += doubts + unheard
        frame += frames
    return spans, cues, words, warnings


def _aligned(section: Section, take: Spoken, essay: Essay) -> tuple[list[Token], Aligned]:
    """The section's words, and where in its take (its kept clock) each is said: heard,
    else by its pauses, else spread by length when the take has no levels."""
    tokens = tokenize(section.narration.text, essay.settings.subtitles.max_line_chars)
    if take.levels is None:
        return tokens, Aligned(*_times(proportional(tokens, 0.0, take.duration)), ())
    return tokens, take.aligned or align(tokens, take.levels)


def _waits(
    section: Section, tokens: Sequence[Token], aligned: Aligned, duration: float
) -> tuple[tuple[float, float, int], ...]:
    """Where the narration waits for each clip that speaks `after` a sentence: in the
    middle of the pause after the sentence's last word; for how long."""
    found = []
    for j, visual in enumerate(section.visuals):
        sound = visual.sound
        if sound is None or sound.after is None:
            continue
        k = sentence_end([t.text for t in tokens], sound.after)
        when = duration
        if k is not None and aligned.said(k):
            later = [aligned.starts[n] for n in range(k + 1, len(tokens)) if aligned.said(n)]
            when = (aligned.ends[k] + later[0]) / 2 if later else aligned.ends[k]
        found.append((when, 2 * BREATH + visual.seconds, j))
    return tuple(sorted(found))


def _section_cues(
    section: Section, tokens: list[Token], aligned: Aligned, span: SectionSpan, essay: Essay
) -> tuple[list[SpokenWord], list[Cue], list[Problem]]:
    """The words the take says, where it says them, and the cues that show them: never a
    word it does not say, none up while it says what the script does not have, and none
    over a clip the narration waits for."""
    style = essay.settings.subtitles
    fps = essay.settings.video.rate
    said = [k for k in range(len(tokens)) if aligned.said(k)]
    quiet = [(span.at(a), span.at(b)) for a, b in aligned.unscripted]
    times = WordTimes(
        [span.at(aligned.starts[k]) for k in said], [span.at(aligned.ends[k]) for k in said]
    )
    breaks = {n for n in range(1, len(said)) if said[n] != said[n - 1] + 1}
    breaks |= {n for n in range(1, len(said)) for when, _, _ in span.waits
               if aligned.ends[said[n - 1]] <= when < aligned.starts[said[n]]}  # fmt: skip
    breaks |= {n for n in range(1, len(said)) for a, _ in quiet
               if times.ends[n - 1] <= a < times.starts[n]}  # fmt: skip
    shown = [tokens[k] for k in said]
    cues = _kept_clear(make_cues(shown, times, style, fps, breaks), quiet)
    words = [
        SpokenWord(s, e, t.text, span.index, t.space)
        for t, s, e in zip(shown, times.starts, times.ends, strict=True)
    ]
    doubts = [
        section.narration.script.problem(f"section '{section.id}': {doubt}", warning=True)
        for doubt in aligned.doubts
    ]
    return words, cues, doubts


def _with_clips(
    section: Section,
    span: SectionSpan,
    essay: Essay,
    said: list[SpokenWord],
    made: list[Cue],
    clip_words: Mapping[tuple[str, int], Said],
) -> tuple[list[SpokenWord], list[Cue], list[Problem]]:
    """The words of the clips that speak (their `says`) among the narration's, where the
    film says them, and their cues; a clip whose words were not heard in its sound has them
    spread over it by their length, and a warning."""
    style, fps = essay.settings.subtitles, essay.settings.video.rate
    unheard = []
    for j, first, _ in speaking_at(section, span, fps):
        sound, seconds = section.visuals[j].sound, section.visuals[j].seconds
        if not sound.says:
            continue
        tokens = tokenize(sound.says, style.max_line_chars)
        at = first / fps
        heard = clip_words.get((section.id, j), ())
        if heard is None:
            unheard.append(sound.origin.problem(_unheard(sound, seconds), warning=True))
        times = _heard_times(heard, at) if heard else proportional(tokens, at, at + seconds)
        said = said + [
            SpokenWord(a, b, t.text, span.index, t.space)
            for t, a, b in zip(tokens, times.starts, times.ends, strict=True)
        ]
        made = made + [replace(c, clip=j) for c in make_cues(tokens, times, style, fps)]
    return sorted(said, key=lambda w: w.start), sorted(made, key=lambda c: c.start), unheard


def _heard_times(heard: Sequence[tuple[float, float] | None], at: float) -> WordTimes:
    """Token times heard in a clip (seconds into it) on the episode clock; a token of no
    word (never first: a dash alone) at the end of the one before."""
    starts, ends, last = [], [], (0.0, 0.0)
    for t in heard:
        last = t or (last[1], last[1])
        starts.append(at + last[0])
        ends.append(at + last[1])
    return WordTimes(starts, ends)


def _unheard(sound: OwnSound, seconds: float) -> str:
    return (
        f"the words of `says` ('{quoted(sound.says)}') were not heard in the clip's sound "
        f"({sound.start:g}-{sound.end:g} s of {sound.file.name}): its captions are spread "
        f"over its {seconds:.1f} s; check that `says` is what the film says"
    )


def _times(times: WordTimes) -> tuple[tuple[float, ...], tuple[float, ...]]:
    return tuple(times.starts), tuple(times.ends)


def _kept_clear(cues: list[Cue], quiet: Sequence[tuple[float, float]]) -> list[Cue]:
    """No cue up while the take says what the script does not have: one that would run on
    into such speech ends where it begins."""
    out = []
    for cue in cues:
        end = min([cue.end, *(a for a, _ in quiet if cue.start < a < cue.end)])
        out.append(replace(cue, end=end))
    return out


def _cuts(essay: Essay, takes: Mapping[str, Spoken]) -> list[Problem]:
    """Each retake cut from a take, a line against the narration's file key."""
    return [
        section.narration.origin.problem(f"section '{section.id}': {cut}", warning=True)
        for section in essay.sections
        for cut in (takes[section.id].aligned.cuts if takes[section.id].aligned else ())
    ]


def _cue_warnings(essay: Essay, cues: Sequence[Cue]) -> list[Problem]:
    """Cues that still break a rule (the voice left no way around it), against the
    narration they come from."""
    style = essay.settings.subtitles
    return [
        _said_by(essay.sections[cue.section], cue).problem(
            f"the cue '{cue.text}' {rule}", warning=True
        )
        for cue in cues
        for rule in problems_with(cue, style)
    ]


def _said_by(section: Section, cue: Cue) -> Origin:
    """Where a cue's words are written: the narration's text, or a clip's `says`."""
    if cue.clip is None:
        return section.narration.script
    return section.visuals[cue.clip].sound.origin


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
