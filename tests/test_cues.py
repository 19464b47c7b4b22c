"""Cue splitting: lines and cues within limits, breaks in good places, text intact."""

from __future__ import annotations

import itertools

import pytest

from pipeline.script.schema import Subtitles
from pipeline.timing.cues import split_cues, time_cues

STYLE = Subtitles()

SCRIPT = (
    "When Theodore first installs her, Samantha is a product. She sorts his email, "
    "proofreads his letters and keeps his calendar. But the film gives her a question no "
    "product is meant to ask: what am I? She begins to wonder about her own existence."
)


def lines_of(text: str) -> list[str]:
    return [line for cue in split_cues(text, STYLE) for line in cue]


def test_limits_hold_and_text_survives() -> None:
    cues = split_cues(SCRIPT, STYLE)
    assert all(1 <= len(c) <= 2 for c in cues)
    assert all(len(line) <= 42 for c in cues for line in c)
    assert " ".join(" ".join(c) for c in cues) == " ".join(SCRIPT.split())


def test_cues_start_at_sentences_where_they_can() -> None:
    starts = [c[0].split()[0] for c in split_cues(SCRIPT, STYLE)]
    assert {"She", "But"} <= set(starts)


@pytest.mark.parametrize(
    "text, never",
    [
        ("He wanted to be near the quiet house at the end of the long road today", "the|"),
        ("She was talking with thousands of other people, and she loved hundreds", "of|"),
        (
            "Later that night Theodore Twombly wrote the letter he had never written",
            "Theodore|Twombly",
        ),
        ("It is the film that asks what we owe to the people we have not yet met", "have|not"),
    ],
)
def test_never_breaks_inside_a_phrase(text: str, never: str) -> None:
    style = Subtitles(max_line_chars=32)
    breaks = []
    for cue in split_cues(text, style):
        for a, b in itertools.pairwise(cue):
            breaks.append(f"{a.split()[-1]}|{b.split()[0]}")
    assert breaks and never not in breaks


def test_breaks_at_clause_punctuation() -> None:
    text = "Her love is not a fixed amount to be shared out; loving others takes nothing from him."
    first = split_cues(text, STYLE)[0]
    assert first[-1].endswith("out;")


def test_lines_are_bottom_heavy() -> None:
    for cue in split_cues(SCRIPT, STYLE):
        if len(cue) == 2:
            assert len(cue[0]) <= len(cue[1]) + 12


def test_short_text_is_one_line() -> None:
    assert split_cues("Nothing is solved.", STYLE) == [("Nothing is solved.",)]


def test_timing_is_proportional_with_gaps() -> None:
    cues = time_cues(split_cues(SCRIPT, STYLE), 10.0, 25.0, STYLE, 30)
    assert cues[0].start == 10.0 and cues[-1].end == 25.0
    for a, b in itertools.pairwise(cues):
        assert b.start - a.end >= 2 / 30 - 1e-9
        assert a.end > a.start
