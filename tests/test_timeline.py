"""Timing: a Timeline built from fixture durations puts sections and shots where they belong."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

import pytest
from conftest import Project

from pipeline.script.load import load_essay
from pipeline.script.model import Transition
from pipeline.timing.cues import LEAD
from pipeline.timing.timeline import build_timeline

FPS = 30


@dataclass(frozen=True)
class Take:
    """A take known only by its length: cues are then timed by text length."""

    duration: float
    levels: None = None
    aligned: None = None
    speech: None = None
    source: Path = Path("take.wav")
    doubts: tuple = ()
    cut: tuple[int, int] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "cut", (4800, 4800 + round(self.duration * 48_000)))

    @property
    def pieces(self) -> tuple[tuple[int, int], ...]:
        return (self.cut,)


def takes(one: float, two: float) -> dict[str, Take]:
    return {"one": Take(one), "two": Take(two)}


@pytest.fixture
def essay(project: Project):
    return load_essay(project.episode)


def test_sections_last_narration_plus_pauses(essay) -> None:
    # lead_in 0.3, pause 0.5, tail 0.7 (conftest.SERIES)
    t = build_timeline(essay, takes(2.0, 1.5))
    one, two = t.sections
    assert (one.first_frame, one.end_frame) == (0, round((0.3 + 2.0 + 0.5) * FPS))
    assert one.speech_start == pytest.approx(0.3) and one.speech_end == pytest.approx(2.3)
    assert two.first_frame == one.end_frame
    assert two.speech_start == pytest.approx(two.first_frame / FPS)
    assert t.frames == two.end_frame == one.end_frame + round((1.5 + 0.7) * FPS)
    assert t.duration == pytest.approx(0.3 + 2.0 + 0.5 + 1.5 + 0.7, abs=1 / FPS)


def test_section_length_is_rounded_up_to_whole_frames(essay) -> None:
    t = build_timeline(essay, takes(2.01, 1.5))
    one = t.sections[0]
    assert one.end_frame == 85  # (0.3 + 2.01 + 0.5) * 30 = 84.3 -> 85: speech is never cut
    assert one.end_frame / FPS >= one.speech_end + 0.5


def test_a_section_keeps_its_frames_when_an_earlier_one_changes(essay) -> None:
    a = build_timeline(essay, takes(2.0, 1.5))
    b = build_timeline(essay, takes(3.37, 1.5))
    length = [s.end_frame - s.first_frame for s in (a.sections[1], b.sections[1])]
    assert length[0] == length[1]


def test_shots_share_the_section_by_weight(essay) -> None:
    sections = list(essay.sections)
    visuals = list(sections[0].visuals)
    visuals[0] = replace(visuals[0], weight=3.0, transition=Transition("cut", 0.0))
    visuals[1] = replace(visuals[1], weight=1.0, transition=Transition("cut", 0.0))
    sections[0] = replace(sections[0], visuals=tuple(visuals))
    t = build_timeline(replace(essay, sections=tuple(sections)), takes(3.7, 1.5))
    first, second = t.shots[0], t.shots[1]
    frames = t.sections[0].end_frame  # 0.3 + 3.7 + 0.5 = 4.5 s = 135 frames
    assert frames == 135
    assert (first.first_frame, second.first_frame) == (0, round(135 * 3 / 4))
    assert first.end_frame == second.first_frame  # a cut: no overlap
    assert second.end_frame == t.sections[1].first_frame + t.shots[2].fade_frames


def test_crossfade_overlaps_the_shot_before_and_never_moves_the_audio(essay) -> None:
    t = build_timeline(essay, takes(2.0, 1.5))
    fade = round(0.8 * FPS)  # the default transition
    title, still = t.shots[0], t.shots[1]
    assert title.fade_frames == fade  # the first shot fades in from black
    assert still.fade_frames == fade
    assert title.end_frame == still.first_frame + fade
    # the first shot of section two fades over the last shot of section one, inside section two
    assert t.shots[2].first_frame == t.sections[1].first_frame
    assert t.shots[1].end_frame == t.sections[1].first_frame + t.shots[2].fade_frames
    assert t.sections[1].speech_start == pytest.approx(t.sections[1].first_frame / FPS)


def test_short_shots_clamp_their_crossfade(essay) -> None:
    t = build_timeline(essay, takes(0.2, 0.2))
    for shot in t.shots:
        assert shot.fade_frames <= shot.end_frame - shot.first_frame


def test_chapters_follow_sections(essay) -> None:
    t = build_timeline(essay, takes(2.0, 1.5))
    assert [c.title for c in t.chapters] == ["The first", "The second"]
    assert t.chapters[0].start == 0 and t.chapters[1].end == pytest.approx(t.duration)


def test_cues_lie_within_their_sections_speech(essay) -> None:
    t = build_timeline(essay, takes(2.0, 1.5))
    one, two = t.sections
    starts = [c.start for c in t.cues]
    assert starts == sorted(starts)
    assert t.cues[0].start == pytest.approx(one.speech_start - LEAD)  # up just before the voice
    firsts = [c for c in t.cues if c.start < two.speech_start - LEAD - 1e-9]
    assert firsts and all(c.end <= two.speech_start - LEAD for c in firsts)  # in one's time
    assert t.cues[-1].end <= two.speech_end + 12 / FPS + 1e-9  # reading time past the voice


def test_a_repeated_sentence_puts_each_cue_in_its_own_section(essay) -> None:
    line = "This line comes back, word for word."
    sections = tuple(replace(s, narration=replace(s.narration, text=line)) for s in essay.sections)
    # the second take is too short for the line: its cue reads too fast, a warning
    t = build_timeline(replace(essay, sections=sections), takes(3.0, 0.6))
    assert [(c.text, c.section) for c in t.cues] == [(line, 0), (line, 1)]
    for cue in t.cues:
        span = t.sections[cue.section]
        assert span.first_frame / FPS <= cue.start < span.end_frame / FPS
    fast = [w for w in t.warnings if "characters a second" in w.message]
    assert [w.key for w in fast] == ["sections[1].narration.text"]


def test_the_timeline_places_the_sound(essay) -> None:
    t = build_timeline(essay, takes(2.0, 1.5))
    one, two = t.narration
    assert (one.section, two.section) == (0, 1)
    assert one.start == round(t.sections[0].speech_start * 48_000) == round(0.3 * 48_000)
    assert (one.source_in, one.source_out) == (4800, 4800 + 96_000)
    assert two.start == round(t.sections[1].speech_start * 48_000)
    assert one.fade_ms == 10  # audio.fade's default, 0.01 s
    # room tone fills the lead-in, the pause and the tail, each overlapping its neighbours
    fills = [(f.section, f.start, f.start + f.length) for f in t.room_tone]
    overlap = 480
    assert fills == [
        (0, 0, one.start + overlap),
        (0, one.end - overlap, two.start + overlap),
        (1, two.end - overlap, t.samples),
    ]
    assert t.samples == t.frames * 48_000 // FPS
    assert t.music == ()  # the fixture has none


def test_shots_are_named_and_cards_found_by_name(essay) -> None:
    t = build_timeline(essay, takes(2.0, 1.5))
    assert [s.name for s in t.shots] == ["one.1", "one.2", "two.1", "two.2"]
    assert list(t.cards) == ["one.1", "two.2"]
