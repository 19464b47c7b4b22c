"""Align the author's script to the recorded voice.

The script is known word for word, so nothing is transcribed. The take's pauses are found
in its level envelope; the script's sentence and clause ends are matched to them by dynamic
programming, judging each match by how well the speech between two matched pauses fits the
length of the text between them. Words between matched pauses share the speech time in
proportion to their length. Where take and script disagree, the fit says so.
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from pipeline.timing import envelope
from pipeline.timing.text import Token, join, quoted, strength

HOP = envelope.HOP
SHORTEST_PAUSE = 0.06  # seconds of quiet that can be a pause between words
MAX_SKIPPED = 10  # boundaries that may go unmatched between two matched ones
# costs, in units of one squared log-ratio of duration
UNMATCHED_BOUNDARY = {3: 1e3, 2: 2.5, 1: 0.5}  # a section or sentence end with no pause is unusual
SECTION_PAUSE = 0.3  # seconds: the shortest pause a section may start after
UNMATCHED_PAUSE = 5.0  # per second of a pause beyond 0.2 s that falls inside a phrase
TOO_FAST, TOO_SLOW = 0.45, 2.2  # speech time against text length, beyond which we warn


@dataclass(frozen=True)
class Pause:
    start: float  # seconds into the take
    end: float

    @property
    def length(self) -> float:
        return self.end - self.start


@dataclass(frozen=True)
class Aligned:
    """A section's script in its take: when each token is said (seconds into the take as
    it is kept, after any retake cut; nan: not said), and where the two disagree."""

    starts: tuple[float, ...]
    ends: tuple[float, ...]
    doubts: tuple[str, ...]  # where take and script disagree: a warning each
    cuts: tuple[str, ...] = ()  # the retakes cut from the take, a line each
    unscripted: tuple[tuple[float, float], ...] = ()  # speech kept that the script lacks

    def said(self, k: int) -> bool:
        return not math.isnan(self.starts[k])


def pauses(level: np.ndarray) -> list[Pause]:
    """Quiet stretches between the first and last word of a take."""
    mask = envelope.speech_mask(level, bridge=0.04, shortest=0.04)
    spans = envelope.runs(~mask)
    found = []
    for a, b in spans:
        if a > 0 and b < len(mask) and (b - a) * HOP >= SHORTEST_PAUSE:
            found.append(Pause(a * HOP, b * HOP))
    return found


def speech_bounds(level: np.ndarray) -> tuple[float, float]:
    runs = envelope.runs(envelope.speech_mask(level, bridge=0.04, shortest=0.04))
    if not runs:
        return 0.0, len(level) * HOP
    return runs[0][0] * HOP, runs[-1][1] * HOP


_VOWELS = re.compile(r"[aeiouy]+", re.IGNORECASE)


def weight(token: Token) -> float:
    """Roughly how long a token takes to say, in syllables: vowel groups for words in the
    Latin alphabet, a syllable for each CJK character, a third of the letters otherwise."""
    text = token.text
    if text.isascii():
        letters = sum(ch.isalpha() for ch in text)
        digits = sum(ch.isdigit() for ch in text)  # a digit is said as a word or two
        return max(1, len(_VOWELS.findall(text))) * (letters > 0) + 1.5 * digits + 0.3
    letters = sum(ch.isalnum() for ch in text)
    return (letters if not token.space else max(1.0, letters / 3)) + 0.3


def align(tokens: Sequence[Token], level: np.ndarray) -> Aligned:
    """When each token of a section's script is spoken in its take."""
    start, end = speech_bounds(level)
    if not tokens:
        return Aligned((), (), ())
    found = [p for p in pauses(level) if start < p.start and p.end < end]
    phrases = _phrases(tokens)
    weights = [sum(weight(tokens[i]) for i in range(a, b)) for a, b in phrases]
    kinds = [strength(tokens, b - 1) for a, b in phrases[:-1]]
    anchors = _match(weights, kinds, found, start, end)
    edges = _phrase_edges(anchors, weights, found, start, end)
    starts, ends = [], []
    for (a, b), (t0, t1) in zip(phrases, edges, strict=True):
        inner = [p for p in found if t0 < p.start and p.end < t1]
        s, e = _spread([weight(t) for t in tokens[a:b]], t0, t1, inner)
        starts += s
        ends += e
    doubts = _doubts(tokens, phrases, weights, edges, found)
    return Aligned(tuple(starts), tuple(ends), tuple(doubts))


def _phrases(tokens: Sequence[Token]) -> list[tuple[int, int]]:
    """[start, end) token ranges between clause and sentence ends."""
    cuts = [i + 1 for i in range(len(tokens) - 1) if strength(tokens, i) > 0]
    bounds = [0, *cuts, len(tokens)]
    return list(itertools.pairwise(bounds))


def _speech_between(t0: float, t1: float, found: Sequence[Pause]) -> float:
    """Seconds of speech between two times: the pauses inside do not count."""
    inside = sum(max(0.0, min(p.end, t1) - max(p.start, t0)) for p in found)
    return t1 - t0 - inside


def _match(
    weights: Sequence[float],
    kinds: Sequence[int],
    found: Sequence[Pause],
    start: float,
    end: float,
    max_skipped: int = MAX_SKIPPED,
    drift: float = 0.25,
) -> dict[int, int]:
    """Boundary index (after phrase k) -> pause index, by dynamic programming.

    States are (boundary k, pause j): boundary 0 is the first word, boundary n the last;
    pause -1 and pause m stand for the start and end of speech. Prefix sums make each
    segment's cost constant time.
    """
    n, m = len(weights), len(found)
    if n == 1 or m == 0:
        return {}
    rate = _speech_between(start, end, found) / sum(weights)
    # prefix sums as lists: numpy's scalars in the inner loop below made the alignment a
    # sixth slower (0.081 s against 0.067 s for the benchmark's ten sections)
    text = np.concatenate(([0.0], np.cumsum(weights))).tolist()
    paused = np.concatenate(([0.0], np.cumsum([p.length for p in found]))).tolist()
    wasted = np.concatenate(
        ([0.0], np.cumsum([UNMATCHED_PAUSE * max(0.0, p.length - 0.2) for p in found]))
    ).tolist()
    skipped = np.concatenate(([0.0], np.cumsum([UNMATCHED_BOUNDARY[k] for k in kinds]))).tolist()
    resume = [start] + [p.end for p in found]  # indexed j + 1: speech resumes after pause j
    stops = [p.start for p in found] + [end]  # indexed j: speech stops at pause j

    def segment(k0: int, j0: int, k1: int, j1: int) -> float:
        """Phrases k0..k1-1 said between pause j0 and pause j1, the pauses between unused."""
        spoken = stops[j1] - resume[j0 + 1] - (paused[j1] - paused[j0 + 1])
        expected = rate * (text[k1] - text[k0])
        if spoken <= 0:
            return math.inf
        cost = 4.0 * math.log(spoken / expected) ** 2
        return cost + (skipped[k1 - 1] - skipped[k0]) + (wasted[j1] - wasted[j0 + 1])

    expected_at = [start + (end - start) * t / text[-1] for t in text]
    window = drift * (end - start) + 2.0
    best: list[dict[int, tuple[float, tuple[int, int] | None]]] = [{-1: (0.0, None)}]
    for k in range(1, n + 1):
        here: dict[int, tuple[float, tuple[int, int] | None]] = {}
        near = (
            [m]
            if k == n
            else [j for j in range(m) if abs(found[j].start - expected_at[k]) < window]
        )
        for j in near:
            options = [
                (cost + segment(k0, j0, k, j), (k0, j0))
                for k0 in range(max(0, k - max_skipped), k)
                for j0, (cost, _) in best[k0].items()
                if j0 < j
            ]
            if options:
                here[j] = min(options)
        best.append(here)
    if m not in best[n] or not math.isfinite(best[n][m][0]):
        return {}
    anchors, state = {}, best[n][m][1]
    while state and state[0] > 0:
        anchors[state[0]] = state[1]
        state = best[state[0]][state[1]][1]
    return anchors


def find_sections(texts: Sequence[Sequence[Token]], level: np.ndarray) -> list[float]:
    """Where each section starts in one take of the whole episode (seconds): the pauses
    between sections matched to the script the same way as sentences within one."""
    start, end = speech_bounds(level)
    found = [p for p in pauses(level) if p.length >= SECTION_PAUSE and start < p.start < end]
    weights = [sum(weight(t) for t in tokens) for tokens in texts]
    anchors = _match(weights, [3] * (len(texts) - 1), found, start, end, max_skipped=1, drift=0.1)
    starts = [start]
    for k in range(1, len(texts)):
        if k in anchors:
            starts.append(found[anchors[k]].end)
        else:  # no pause fits: by the length of the text
            starts.append(start + (end - start) * sum(weights[:k]) / sum(weights))
    return starts


def _phrase_edges(
    anchors: dict[int, int],
    weights: Sequence[float],
    found: Sequence[Pause],
    start: float,
    end: float,
) -> list[tuple[float, float]]:
    """(speech start, speech end) of each phrase."""
    n = len(weights)
    fixed = {0: (start, start), n: (end, end)}  # boundary k -> (speech stops, speech resumes)
    fixed |= {k: (found[j].start, found[j].end) for k, j in anchors.items()}
    marks = sorted(fixed)
    bounds: dict[int, tuple[float, float]] = dict(fixed)
    for k0, k1 in itertools.pairwise(marks):
        t0, t1 = fixed[k0][1], fixed[k1][0]
        total = sum(weights[k0:k1])
        inner = [p for p in found if t0 < p.start and p.end < t1]
        acc = 0.0
        for k in range(k0 + 1, k1):
            acc += weights[k - 1]
            at = _at_speech_fraction(t0, t1, inner, acc / total)
            bounds[k] = (at, at)
    return [(bounds[k][1], bounds[k + 1][0]) for k in range(n)]


def _at_speech_fraction(t0: float, t1: float, inner: Sequence[Pause], fraction: float) -> float:
    """The time by which `fraction` of the speech between t0 and t1 has been said; a
    boundary that lands in a pause sits at the pause's end (where the next word starts)."""
    goal = fraction * _speech_between(t0, t1, inner)
    t = t0
    for p in [*inner, Pause(t1, t1)]:
        stretch = p.start - t
        if goal <= stretch:
            return t + goal
        goal -= stretch
        t = p.end
    return t1


def _spread(
    weights: Sequence[float], t0: float, t1: float, inner: Sequence[Pause]
) -> tuple[list[float], list[float]]:
    """Token starts and ends over a phrase's speech, in proportion to their weights."""
    total = sum(weights) or 1.0
    starts, ends, acc = [], [], 0.0
    for w in weights:
        starts.append(_at_speech_fraction(t0, t1, inner, acc / total))
        acc += w
        ends.append(_at_speech_fraction(t0, t1, inner, acc / total))
    # a pause inside a phrase falls between words: the word after it starts at its end
    for p in inner:
        k = min(range(len(starts)), key=lambda i: abs(starts[i] - p.end))
        if k > 0 and abs(starts[k] - p.end) < 0.3:
            ends[k - 1], starts[k] = min(ends[k - 1], p.start), p.end
    return starts, ends


def _doubts(tokens, phrases, weights, edges, found) -> list[str]:
    """Sentences whose speech is far shorter or longer than their text implies.

    Each sentence's pace is compared with the median pace of the section's sentences, so
    one missing or repeated sentence stands out instead of being averaged away.
    """
    sentences: list[list[int]] = [[]]  # phrase indices of each sentence
    for k, (_a, b) in enumerate(phrases):
        sentences[-1].append(k)
        if k < len(phrases) - 1 and strength(tokens, b - 1) == 2:
            sentences.append([])
    measured = []
    for ks in sentences:
        t0, t1 = edges[ks[0]][0], edges[ks[-1]][1]
        text = sum(weights[k] for k in ks)
        measured.append((ks, t0, t1, text, _speech_between(t0, t1, found)))
    paces = [spoken / text for _, _, _, text, spoken in measured if text >= 6 and spoken > 0]
    if len(paces) < 3:
        return []
    typical = float(np.median(paces))
    doubts = []
    for ks, t0, t1, text, spoken in measured:
        if text < 6:  # too short to judge
            continue
        ratio = spoken / (typical * text)
        quote = quoted(join(tokens[phrases[ks[0]][0] : phrases[ks[-1]][1]]))
        if ratio < TOO_FAST:
            doubts.append(
                f"'{quote}' gets {t1 - t0:.1f} s of speech, "
                "far less than its text needs: is it spoken?"
            )
        elif ratio > TOO_SLOW:
            doubts.append(
                f"'{quote}' gets {t1 - t0:.1f} s of speech, "
                "far more than its text needs: an extra take or unscripted words?"
            )
    return doubts
