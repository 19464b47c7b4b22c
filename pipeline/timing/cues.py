"""Subtitle cues from the script and the times its words are spoken.

Cues and lines break where STANDARDS.md says (sentence ends first, then clause
punctuation, then before a conjunction or preposition; never after an article, auxiliary,
pronoun or preposition, nor inside a name), lines are bottom-heavy where there is a choice,
and the cutting also weighs time: no cue over the longest duration, none flashing by, and
reading speed kept under the limit where the voice allows. The joined cue text is the
script, word for word.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Sequence
from dataclasses import dataclass, replace
from functools import cache

from pipeline.script.settings import Rate, Subtitles
from pipeline.timing.text import Token, break_cost, ends_sentence, join

CUE_COST = 4.0  # each extra cue: prefer fewer, fuller cues
CUE_BREAK_WEIGHT = 2.0  # a cue break separates more than a line break: it must fall better
SPANNED_SENTENCE = 9.0  # a cue that carries a sentence end inside drifts from the voice
OVERLONG = 20.0  # a cue longer than the longest allowed: split it
FLASH = 8.0  # a cue shorter than the shortest allowed
READING = 2.0  # per character a second over the reading speed limit
LINGER = 0.1  # seconds a cue stays after its last word, where there is room
LEAD = 0.04  # seconds a cue comes up before its first word: in the pause, not in a word
MAX_WORDS = 40  # the most tokens a cue can hold (2 lines of 42 characters hold fewer)


@dataclass(frozen=True)
class Cue:
    start: float  # seconds on the episode clock
    end: float
    lines: tuple[str, ...]
    text: str  # its words as written: the lines joined with their own spacing
    space: bool  # a space stands between it and the cue before, in the script
    section: int = 0  # index of the section whose narration it carries
    words: int = 0  # how many words it shows: the timeline's next ones after the cue before's
    clip: int | None = None  # the index among its section's visuals of the clip it captions

    @property
    def chars_per_second(self) -> float:
        return len(self.text) / max(self.end - self.start, 1e-9)


def script_of(cues: Sequence[Cue]) -> str:
    """The script the cues carry, rebuilt: equal to the input with whitespace normalised."""
    return "".join((" " if c.space and i else "") + c.text for i, c in enumerate(cues))


class _Text:
    """A section's tokens with what cutting them keeps asking: the width of any run of
    them and the cost of a break after any one (computed once)."""

    def __init__(self, tokens: Sequence[Token], style: Subtitles):
        self.tokens, self.style = tokens, style
        n = len(tokens)
        self.prefix = [0]
        for i, t in enumerate(tokens):
            self.prefix.append(self.prefix[-1] + len(t.text) + (1 if t.space and i else 0))
        self.lead = [1 if t.space and i else 0 for i, t in enumerate(tokens)]
        self.gaps = [break_cost(tokens, k) for k in range(n - 1)]
        self.sentence_ends = [0]
        for k in range(n):
            self.sentence_ends.append(self.sentence_ends[-1] + ends_sentence(tokens, k))

    def width(self, i: int, j: int) -> int:
        """Characters of tokens[i:j] on one line."""
        return self.prefix[j] - self.prefix[i] - self.lead[i] if j > i else 0

    @cache  # noqa: B019 - one _Text per section, short-lived
    def layout(
        self, i: int, j: int, lines: int | None = None
    ) -> tuple[float, tuple[int, ...]] | None:
        """Cheapest line breaks for tokens[i:j] in at most `lines` lines: (cost, line ends)."""
        lines = self.style.max_lines if lines is None else lines
        limit = self.style.max_line_chars
        if self.width(i, j) <= limit:
            return (0.0, (j,))
        if lines == 1:
            return None
        options = []
        for k in range(i + 1, j):
            top = self.width(i, k)
            if top > limit:
                break
            rest = self.layout(k, j, lines - 1)
            if rest is None:
                continue
            bottom = self.width(k, j)
            # bottom-heavy: a longer top line costs more than a longer bottom line
            shape = max(0, top - bottom) * 0.15 + abs(top - bottom) * 0.02
            options.append((self.gaps[k - 1] + shape + rest[0], (k, *rest[1])))
        return min(options, default=None)

    def lines(self, i: int, j: int) -> tuple[str, ...]:
        _, ends = self.layout(i, j)
        starts = (i, *ends[:-1])
        return tuple(join(self.tokens[a:b]) for a, b in zip(starts, ends, strict=True))


@dataclass(frozen=True)
class WordTimes:
    """When each token is spoken, on the episode clock."""

    starts: Sequence[float]
    ends: Sequence[float]


def make_cues(
    tokens: Sequence[Token],
    times: WordTimes,
    style: Subtitles,
    fps: Rate,
    breaks: Collection[int] = (),
) -> list[Cue]:
    """Cut tokens into cues, weighing the break rules against the timing rules; a cue
    always breaks before each token in `breaks` (where the take leaves out words of the
    script, or says what it does not have)."""
    text = _Text(tokens, style)
    cues = []
    for a, b in _segment(text, times, fps, frozenset(breaks)):
        start = times.starts[a] - LEAD
        if a > 0:
            start = max(start, times.ends[a - 1])
        end = _out_time(start, times.ends[b - 1], text.width(a, b), style, fps)
        lines, said = text.lines(a, b), join(tokens[a:b])
        cues.append(Cue(start, end, lines, said, tokens[a].space, words=b - a))
    return cues


def _out_time(start: float, spoken_end: float, chars: int, style: Subtitles, fps: Rate) -> float:
    """After the last word; longer for reading speed (by at most 12 frames past the voice)
    and to the shortest duration; never longer than the longest."""
    reading = min(start + chars / style.max_cps, spoken_end + 12 / fps)
    end = max(spoken_end + LINGER, reading, start + style.min_duration)
    return min(end, start + style.max_duration)


def _segment(
    text: _Text, times: WordTimes, fps: Rate, breaks: frozenset[int]
) -> list[tuple[int, int]]:
    style, n = text.style, len(text.tokens)
    gap = style.min_gap_frames / fps
    longest = style.max_line_chars * style.max_lines
    best: list[tuple[float, int] | None] = [None] * (n + 1)  # cost to cover tokens[:k], cut
    best[0] = (0.0, 0)
    for j in range(1, n + 1):
        options = []
        for i in range(j - 1, max(-1, j - 1 - MAX_WORDS), -1):
            if (text.width(i, j) > longest and j - i > 1) or (i + 1 in breaks and i + 1 < j):
                break
            placed = text.layout(i, j) if best[i] is not None else None
            if placed is None:
                continue
            cost = best[i][0] + placed[0] + CUE_COST + _timing_cost(text, times, i, j, gap)
            if j < n:
                cost += CUE_BREAK_WEIGHT * text.gaps[j - 1]
            cost += SPANNED_SENTENCE * (text.sentence_ends[j - 1] - text.sentence_ends[i])
            options.append((cost, i))
        best[j] = min(options, default=None)
    ranges, j = [], n
    while j > 0:
        i = best[j][1]
        ranges.append((i, j))
        j = i
    return ranges[::-1]


def _timing_cost(text: _Text, times: WordTimes, i: int, j: int, gap: float) -> float:
    style, n = text.style, len(text.tokens)
    start = times.starts[i]
    room = (times.starts[j] - gap if j < n else times.ends[-1] + 0.5) - start
    cost = 0.0
    spoken = times.ends[j - 1] - start
    if spoken > style.max_duration:
        cost += OVERLONG + 5 * (spoken - style.max_duration)
    if room < style.min_duration:
        cost += FLASH
    shown = max(min(room, style.max_duration), 1e-3)
    return cost + READING * max(0.0, text.width(i, j) / shown - style.max_cps)


def settle(cues: Sequence[Cue], style: Subtitles, fps: Rate) -> list[Cue]:
    """Across the whole episode, in the whole milliseconds the files are written in: no
    overlap, and the gap between cues, by ending cues early. In-times are rounded down (a
    cue comes up at most 1 ms sooner, well inside its lead), out-times up, so rounding never
    makes a cue shorter, and so faster to read, than it was made to be."""
    gap = math.ceil(style.min_gap_frames * 1000 / fps - 1e-6)  # 2 frames at 30 fps: 67 ms
    shortest = math.ceil(1000 / fps - 1e-6)
    starts = [math.floor(c.start * 1000 + 1e-6) for c in cues]
    longest = round(style.max_duration * 1000)
    ends = [
        min(math.ceil(c.end * 1000 - 1e-6), s + longest) for c, s in zip(cues, starts, strict=True)
    ]
    for k in range(len(cues) - 1):
        ends[k] = min(ends[k], max(starts[k] + shortest, starts[k + 1] - gap))
    return [
        replace(c, start=s / 1000, end=e / 1000) for c, s, e in zip(cues, starts, ends, strict=True)
    ]


def proportional(tokens: Sequence[Token], start: float, end: float) -> WordTimes:
    """Token times spread over [start, end] by length: for when there is no voice to follow."""
    weights = [max(1, len(t.text)) + (1 if t.space else 0) for t in tokens]
    total = sum(weights) or 1
    starts, ends, acc = [], [], 0
    for w in weights:
        starts.append(start + (end - start) * acc / total)
        acc += w
        ends.append(start + (end - start) * acc / total)
    return WordTimes(starts, ends)


def problems_with(cue: Cue, style: Subtitles) -> list[str]:
    """Rules a timed cue still breaks (the voice left no way around them)."""
    found = []
    if cue.chars_per_second > style.max_cps + 0.05:
        who = "the narrator is" if cue.clip is None else "the film's line is"
        found.append(
            f"reads at {cue.chars_per_second:.1f} characters a second "
            f"(limit {style.max_cps:g}): {who} fast here"
        )
    if cue.end - cue.start < style.min_duration - 1e-3:
        found.append(f"shows for {cue.end - cue.start:.2f} s (shortest {style.min_duration:g} s)")
    return found
