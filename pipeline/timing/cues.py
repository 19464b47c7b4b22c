"""Subtitle cues from the script: where to break cues and lines, and when each cue shows.

Break rules (STANDARDS.md): sentence ends first, then clause punctuation, then before a
conjunction or preposition; never after an article, auxiliary, negation or preposition,
nor inside a name. Lines are bottom-heavy where there is a choice. The joined cue text is
the script, word for word.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

from pipeline.script.schema import Subtitles


@dataclass(frozen=True)
class Cue:
    start: float  # seconds on the episode clock
    end: float
    lines: tuple[str, ...]

    @property
    def text(self) -> str:
        return " ".join(self.lines)


# Cost of breaking after a word, by what the break would separate.
SENTENCE, CLAUSE, PHRASE, NEUTRAL, BAD = 0.0, 1.0, 3.0, 6.0, 40.0
CUE_COST = 4.0  # each extra cue: prefer fewer, fuller cues
CUE_BREAK_WEIGHT = 2.0  # a cue break separates more than a line break: it must fall better
SPANNED_SENTENCE = 5.0  # a cue that carries a sentence end inside it drifts from the voice

_SENTENCE_END = re.compile(r"[.!?…]['\"’”)\]]*$")
_CLAUSE_END = re.compile(r"([,;:]|[—–-])['\"’”)\]]*$")
_DASH_START = re.compile(r"^[—–]")
_STRIP = re.compile(r"^\W+|\W+$")

# Words that bind to what follows: never end a line or cue on them.
BINDS_FORWARD = frozenset(
    """a an the this that these those my your his her its our their some any no every each
    i you he she we they
    is are was were be been being am has have had do does did will would shall should can
    could may might must not to of in on at by for with from into onto upon about than
    very mr mrs ms dr st""".split()
)
# Words a break may come before: conjunctions and prepositions.
STARTS_PHRASE = frozenset(
    """and but or nor so yet because although though while whereas if unless until when
    whenever where wherever which who whom whose that as after before since like to of in
    on at by for with from into onto about over under through between without within
    against among""".split()
)


def _bare(word: str) -> str:
    return _STRIP.sub("", word).lower()


def break_cost(words: Sequence[str], i: int) -> float:
    """Cost of a line or cue break between words[i] and words[i + 1]."""
    left, right = words[i], words[i + 1]
    if _SENTENCE_END.search(left):
        return SENTENCE
    if _CLAUSE_END.search(left) or _DASH_START.match(right):
        return CLAUSE
    if _bare(left) in BINDS_FORWARD:
        return BAD
    if _is_name(left) and _is_name(right) and i > 0 and not _SENTENCE_END.search(words[i - 1]):
        return BAD
    if _bare(right) in STARTS_PHRASE:
        return PHRASE
    return NEUTRAL


def _is_name(word: str) -> bool:
    bare = _STRIP.sub("", word)
    return bool(bare) and bare[0].isupper() and bare.lower() not in BINDS_FORWARD


def _width(words: Sequence[str]) -> int:
    return len(" ".join(words))


def layout(words: Sequence[str], style: Subtitles) -> tuple[tuple[str, ...], float] | None:
    """Best lines for one cue and their cost, or None if the words cannot fit."""
    limit = style.max_line_chars

    def fits(part: Sequence[str]) -> bool:
        return _width(part) <= limit or len(part) == 1  # an overlong word stands alone

    n = len(words)

    @cache
    def best(i: int, lines_left: int) -> tuple[float, tuple[int, ...]] | None:
        if fits(words[i:]):
            return (0.0, (n,))
        if lines_left == 1:
            return None
        options = []
        for j in range(i + 1, n):
            if not fits(words[i:j]):
                break
            rest = best(j, lines_left - 1)
            if rest is None:
                continue
            top, bottom = _width(words[i:j]), _width(words[j:])
            # bottom-heavy: a longer top line costs more than a longer bottom line
            shape = max(0, top - bottom) * 0.15 + abs(top - bottom) * 0.02
            options.append((break_cost(words, j - 1) + shape + rest[0], (j, *rest[1])))
        return min(options, default=None)

    found = best(0, style.max_lines)
    if found is None:
        return None
    cost, cuts = found
    starts = (0, *cuts[:-1])
    return tuple(" ".join(words[a:b]) for a, b in zip(starts, cuts, strict=True)), cost


def split_cues(text: str, style: Subtitles) -> list[tuple[str, ...]]:
    """The script cut into cues, each a tuple of lines."""
    words = text.split()
    n = len(words)
    if not n:
        return []
    longest = style.max_line_chars * style.max_lines + 1
    best: list[tuple[float, int] | None] = [None] * (n + 1)  # cost to cover words[:k], cut
    best[0] = (0.0, 0)
    for j in range(1, n + 1):
        options = []
        for i in range(j - 1, -1, -1):
            if best[i] is None:
                continue
            if _width(words[i:j]) > longest and j - i > 1:
                break
            placed = layout(tuple(words[i:j]), style)
            if placed is None:
                continue
            spanned = sum(1 for k in range(i, j - 1) if _SENTENCE_END.search(words[k]))
            end = CUE_BREAK_WEIGHT * break_cost(words, j - 1) if j < n else 0.0
            cost = best[i][0] + placed[1] + end + CUE_COST + SPANNED_SENTENCE * spanned
            options.append((cost, i))
        best[j] = min(options, default=None)
    cues, j = [], n
    while j > 0:
        i = best[j][1]
        cues.append(layout(tuple(words[i:j]), style)[0])
        j = i
    return cues[::-1]


def time_cues(
    cues: Sequence[tuple[str, ...]], start: float, end: float, style: Subtitles, fps: int
) -> list[Cue]:
    """Spread cues over [start, end] in proportion to their length (first version)."""
    if not cues:
        return []
    gap = style.min_gap_frames / fps
    weights = [len(" ".join(c)) + 1 for c in cues]
    total = sum(weights)
    out, t = [], start
    for lines, w in zip(cues, weights, strict=True):
        share = (end - start) * w / total
        out.append(Cue(t, t + share, lines))
        t += share
    # leave the gap by ending each cue a little early
    return [
        Cue(c.start, max(c.start + 0.001, c.end - gap) if k < len(out) - 1 else c.end, c.lines)
        for k, c in enumerate(out)
    ]
