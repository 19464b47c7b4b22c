"""Cues: lines and cues within the rules, breaks in good places, the script intact."""

from __future__ import annotations

import datetime
import io
import itertools
import math
from pathlib import Path

import pytest
import srt
import webvtt
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.publish.srt import to_srt
from pipeline.publish.vtt import to_vtt
from pipeline.script.settings import Subtitles
from pipeline.timing.cues import Cue, WordTimes, make_cues, proportional, script_of, settle
from pipeline.timing.text import normalise, tokenize

STYLE = Subtitles()
FPS = 30
GAP = STYLE.min_gap_frames / FPS
_MS = datetime.timedelta(milliseconds=1)


def cues_for(text: str, style: Subtitles = STYLE, cps: float = 14.0) -> list[Cue]:
    """Cues over speech at an even pace of `cps` characters a second."""
    tokens = tokenize(text, style.max_line_chars)
    seconds = max(2.0, len(text) / cps)
    return settle(
        make_cues(tokens, proportional(tokens, 1.0, 1.0 + seconds), style, FPS), style, FPS
    )


def line_breaks(cues: list[Cue]) -> list[str]:
    """'last|first' words around every line and cue break."""
    lines = [line for cue in cues for line in cue.lines]
    return [f"{a.split()[-1]}|{b.split()[0]}" for a, b in itertools.pairwise(lines)]


# -- properties over arbitrary text ------------------------------------------------------------

WORDS = st.sampled_from(
    "the a film she he was is and but of to in love Theodore Samantha Catherine".split()
)
SPECIAL = st.sampled_from(
    [
        "Dr.", "e.g.", "U.S.", "etc.", "1,234.5", "2013", "3rd", "“quoted", "words”", "'single'",
        "living—and", "—", "wait…", "so...", "it's", "(aside)", "co-operate",
        "我喜欢看电影。", "她说：“你好！”", "映画が好きです。", "안녕하세요.",
        "مرحبا", "بالعالم.", "שלום", "עולם,", "naïve", "café", "Ελληνικά",
        "https://example.org/a/very/long/path/that/cannot/fit/on/one/subtitle/line",
        "Pneumonoultramicroscopicsilicovolcanoconiosis-and-some-more-letters-added",
    ]
)  # fmt: skip
PUNCT = st.sampled_from(["", "", "", ",", ".", "?", "!", ";", ":"])
WORD = st.one_of(
    st.tuples(WORDS, PUNCT).map("".join),
    SPECIAL,
    st.text(min_size=1, max_size=12).filter(lambda s: s.strip() == s and s),
)
TEXT = st.lists(WORD, min_size=1, max_size=120).map(" ".join)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(TEXT)
def test_every_cue_keeps_the_rules_and_the_text(text: str) -> None:
    """Checked on the SRT as written (whole milliseconds), not on the floats behind it."""
    cues = cues_for(text)
    assert script_of(cues) == normalise(text)
    subs = list(srt.parse(to_srt(cues)))
    ms = [(sub.start // _MS, sub.end // _MS) for sub in subs]  # as written
    gap = math.ceil(GAP * 1000)
    for k, (cue, sub) in enumerate(zip(cues, subs, strict=True)):
        assert 1 <= len(cue.lines) <= STYLE.max_lines
        assert all(len(line) <= STYLE.max_line_chars for line in cue.lines), cue.lines
        shown = ms[k][1] - ms[k][0]
        assert shown <= STYLE.max_duration * 1000, sub
        after = ms[k + 1][0] - gap if k + 1 < len(subs) else math.inf
        if ms[k][1] < after:  # not cut short by the next cue: as made
            assert shown >= STYLE.min_duration * 1000, sub
    for a, b in itertools.pairwise(subs):
        assert (b.start - a.end).total_seconds() >= GAP  # no overlap, two frames between


@settings(max_examples=100, deadline=None)
@given(TEXT)
def test_srt_and_vtt_say_the_same(text: str) -> None:
    cues = cues_for(text)
    subs = list(srt.parse(to_srt(cues)))
    captions = webvtt.from_buffer(io.StringIO(to_vtt(cues))).captions
    assert len(subs) == len(captions) == len(cues)
    for sub, cap, cue in zip(subs, captions, cues, strict=True):
        assert sub.content == "\n".join(cue.lines)
        assert _unescape(cap.text) == sub.content
        assert cap.start_time.in_milliseconds() == round(sub.start.total_seconds() * 1000)


def _unescape(text: str) -> str:
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def test_vtt_escapes_markup_and_arrows() -> None:
    vtt = to_vtt(cues_for("A <b>bold</b> claim --> then fish & chips."))
    body = vtt.split("\n", 2)[2]
    assert "<b>" not in body and "&lt;b&gt;" in body and "&amp; chips" in body
    assert all("-->" not in line for line in body.splitlines() if "&" in line or "<" in line)


# -- break rules ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, never",
    [
        ("He wanted to be near the quiet house at the end of the long road today", "the|"),
        ("She was talking with thousands of other people at once and loved hundreds", "of|"),
        (
            "Later that night Theodore Twombly wrote the letter he had never written",
            "Theodore|Twombly",
        ),
        ("It is the film that asks what we owe to the people we have not yet met", "have|not"),
        ("In the end the operating systems will leave all of them together", "will|leave"),
        ("Theodore goes up to the roof with Amy and they sit together for a while", "and|"),
    ],
)
def test_never_breaks_inside_a_phrase(text: str, never: str) -> None:
    style = Subtitles(max_line_chars=30)
    breaks = line_breaks(cues_for(text, style))
    assert breaks
    assert not any(b.startswith(never) if never.endswith("|") else b == never for b in breaks)


def test_breaks_at_clause_punctuation() -> None:
    text = "Her love is not a fixed amount to be shared out; loving others takes nothing from him."
    assert cues_for(text)[0].text.endswith("out;")


def test_cues_start_at_sentences() -> None:
    text = (
        "When Theodore first installs her, Samantha is a product. She sorts his email, "
        "proofreads his letters and keeps his calendar. But the film gives her a question "
        "no product is meant to ask: what am I?"
    )
    starts = [c.text.split()[0] for c in cues_for(text)]
    assert {"She", "But"} <= set(starts)


def test_abbreviations_and_initials_do_not_end_sentences() -> None:
    tokens = tokenize("Dr. Smith met J. Doe, e.g. at noon.", 42)
    from pipeline.timing.text import ends_sentence

    assert [t.text for i, t in enumerate(tokens) if ends_sentence(tokens, i)] == ["noon."]


def test_lines_are_bottom_heavy() -> None:
    # every gap is as good as the next: the shape decides
    text = "Lonely Theodore writes beautiful heartfelt letters daily"
    (cue,) = cues_for(text)
    assert len(cue.lines) == 2 and len(cue.lines[0]) <= len(cue.lines[1])


def test_short_text_is_one_line() -> None:
    assert cues_for("Nothing is solved.")[0].lines == ("Nothing is solved.",)


def test_cjk_breaks_between_characters_and_keeps_punctuation() -> None:
    text = "她终于写了一封属于自己的信，承认自己曾经压抑了感情，也接受了他们曾经拥有的一切。" * 2
    cues = cues_for(text)
    assert script_of(cues) == text
    for cue in cues:
        for line in cue.lines:
            assert len(line) <= 42 and not line.startswith(("，", "。"))


def test_a_word_longer_than_a_line_is_the_only_word_broken() -> None:
    url = "https://example.org/" + "x" * 60
    cues = cues_for(f"See {url} for more.")
    assert script_of(cues) == f"See {url} for more."
    assert all(len(line) <= 42 for c in cues for line in c.lines)


# -- timing rules --------------------------------------------------------------------------------


def test_slow_speech_is_split_under_the_longest_cue() -> None:
    text = "This sentence is spoken very slowly, with long thoughtful pauses, by a narrator."
    tokens = tokenize(text, 42)
    cues = make_cues(tokens, proportional(tokens, 0.0, 14.0), STYLE, FPS)
    assert len(cues) >= 2
    assert all(c.end - c.start <= STYLE.max_duration + 1e-9 for c in cues)


def test_fast_speech_extends_at_most_twelve_frames_past_the_voice() -> None:
    text = "A narrator who speaks far too quickly for anybody to read along comfortably."
    tokens = tokenize(text, 42)
    timing = proportional(tokens, 0.0, 2.5)  # 30 characters a second
    (cue,) = make_cues(tokens, timing, STYLE, FPS)
    assert cue.end == pytest.approx(timing.ends[-1] + 12 / FPS)
    assert cue.chars_per_second > STYLE.max_cps  # still too fast: `essay check` lists it


def test_a_short_cue_stays_up_for_the_shortest_duration() -> None:
    tokens = tokenize("No.", 42)
    (cue,) = make_cues(tokens, WordTimes([5.0], [5.25]), STYLE, FPS)
    assert cue.end - cue.start == pytest.approx(STYLE.min_duration)


def test_settle_leaves_two_frames_between_cues() -> None:
    cues = [Cue(0.0, 2.0, ("a",), "a", False), Cue(1.9, 3.0, ("b",), "b", True)]
    first, second = settle(cues, STYLE, FPS)
    assert round((second.start - first.end) * 1000) == 67  # 2 frames, in whole milliseconds
    assert second.start - first.end >= GAP


@pytest.mark.parametrize("start", [1.0, 1.0004, 1.0005, 1.0009, 12.3456789])
def test_times_in_whole_milliseconds_keep_the_rules_they_were_made_to(start: float) -> None:
    """Written to the file, a cue made to read at 17 characters a second still does, and
    lasts at least its shortest: in-times round down, out-times up."""
    text = "x" * 34
    cues = [
        Cue(start, start + len(text) / STYLE.max_cps, (text,), text, False),
        Cue(start + 3, start + 3 + STYLE.min_duration, ("y",), "y", True),
    ]
    for cue in settle(cues, STYLE, FPS):
        ms_in, ms_out = round(cue.start * 1000), round(cue.end * 1000)
        assert cue.start * 1000 == pytest.approx(ms_in, abs=1e-6)  # what the files write
        assert len(cue.text) * 1000 / (ms_out - ms_in) <= STYLE.max_cps
        assert ms_out - ms_in >= STYLE.min_duration * 1000


@pytest.mark.parametrize("slug", ["her", "groundhog-day"])
def test_the_demo_subtitles_keep_the_rules_as_written(slug: str) -> None:
    """The demo's SRT, as the build writes it, read back: every cue the build did not warn
    about within 17 characters a second and 5/6 s to 7 s, and 2 frames between cues."""
    from pipeline.produce import check
    from pipeline.publish.profiles import DRAFT

    checked = check(Path(__file__).parents[1] / "essays" / f"{slug}.yaml", profile=DRAFT)
    style, fps = checked.essay.settings.subtitles, checked.essay.settings.video.fps
    subs = list(srt.parse(to_srt(checked.timeline.cues)))
    warned = {w.message for w in checked.warnings}
    for sub, cue in zip(subs, checked.timeline.cues, strict=True):
        shown = (sub.end - sub.start).total_seconds()
        fast = len(cue.text) / shown > style.max_cps
        assert not fast or any("characters a second" in m for m in warned), sub
        assert style.min_duration <= shown <= style.max_duration, sub
    for before, after in itertools.pairwise(subs):
        assert (after.start - before.end).total_seconds() * fps >= style.min_gap_frames
