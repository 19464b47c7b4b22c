"""Takes with known faults, spliced from readings whose lines and pauses are known: what
benchmarks/alignment.py gives the listening aligner (pipeline/timing/hearing.py).

A reading is a take of a script, line by line (a line of verse, or a sentence), with the
pause before each line. Human readings (the LibriVox sonnets) get their words' times by
forced alignment and each pause as the longest quiet stretch (10 ms level within 10 dB of
the reading's floor) between a line's last word and the next line's first; synthesized
ones (espeak-ng) are put together sentence by sentence, so their word times and pauses
are known exactly. Every splice falls at the middle of a pause, except where a line is
begun and abandoned: that is cut half way between its third and fourth words.

A fault is found when hear() reports it near its splice: within TOLERANCE of the splice
point, or anywhere in the quiet the splice falls in (a cut anywhere in a pause is right).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
from scipy import ndimage

RATE = 16_000  # what hear() listens at
TOLERANCE = 0.5  # seconds beyond the pause around a splice where a finding still counts
ROOM = 0.4  # seconds of room tone after a line begun and abandoned, before it is read again
BEGUN = 3  # words said of a line begun and abandoned
QUIET_DB = 10  # a 10 ms frame this close to the reading's floor (5th percentile) is quiet
RUN_ON = 0.15  # seconds: a shorter pause between two lines of verse reads them as one
MAX_LINE_CHARS = 42  # the subtitles' default, as tokenize() is called by a build


@dataclass(frozen=True)
class Piece:
    """Audio to splice, and how much quiet it begins and ends with (seconds)."""

    samples: np.ndarray
    head: float
    tail: float

    @property
    def seconds(self) -> float:
        return len(self.samples) / RATE


@dataclass(frozen=True)
class Reading:
    """A take of `lines` read in order. `pauses[k]` is the quiet before line k (seconds,
    from the take's start for k = 0); `pauses[-1]` the quiet after the last line. With
    `headed`, lines[0] is the section's title said as a heading, not script."""

    name: str
    samples: np.ndarray  # int16 at RATE
    lines: tuple[str, ...]
    words: tuple[tuple[tuple[float, float], ...], ...]  # each line's words: (start, end)
    pauses: tuple[tuple[float, float], ...]  # len(lines) + 1
    title: str
    headed: bool = False
    truth: tuple[float | None, ...] = ()  # synthesized: each script token's true start

    @property
    def first(self) -> int:
        """The first line of script."""
        return 1 if self.headed else 0

    @property
    def last(self) -> int:
        return len(self.lines) - 1

    @property
    def script(self) -> str:
        return " ".join(self.lines[self.first :])

    @property
    def seconds(self) -> float:
        return len(self.samples) / RATE

    def cut(self, k: int) -> float:
        """Where the piece of line k begins: mid-pause before it (the take's start, end)."""
        if k == 0:
            return 0.0
        if k == len(self.lines):
            return self.seconds
        return sum(self.pauses[k]) / 2

    def span(self, first: int, last: int) -> list[Piece]:
        """Lines first..last as one piece; none if first > last."""
        if first > last:
            return []
        a, b = self.cut(first), self.cut(last + 1)
        head = self.pauses[first][1] - a
        tail = b - self.pauses[last + 1][0]
        return [Piece(self._samples(a, b), max(0.0, head), max(0.0, tail))]

    def begun(self, k: int) -> Piece:
        """Line k's first BEGUN words (one fewer if that is all of it), cut off there."""
        words = self.words[k]
        n = max(1, min(BEGUN, len(words) - 1))
        end = (words[n - 1][1] + words[n][0]) / 2 if n < len(words) else words[-1][1]
        a = self.cut(k)
        return Piece(self._samples(a, end), max(0.0, self.pauses[k][1] - a), 0.0)

    def room(self, seconds: float) -> Piece:
        """Room tone: the middle of the longest pause, repeated to `seconds`."""
        q0, q1 = max(self.pauses[1:-1] or self.pauses, key=lambda p: p[1] - p[0])
        middle = self._samples(q0 + 0.25 * (q1 - q0), q1 - 0.25 * (q1 - q0))
        if len(middle) < RATE // 50:
            middle = np.zeros(RATE // 50, dtype=np.int16)
        return Piece(np.resize(middle, round(seconds * RATE)), seconds, seconds)

    def excerpt(self, last: int) -> Reading:
        """Lines 0..last, as a reading of its own."""
        end = self.cut(last + 1)
        pauses = (*self.pauses[: last + 1], (self.pauses[last + 1][0], end))
        from pipeline.timing.text import tokenize

        count = len(tokenize(" ".join(self.lines[self.first : last + 1]), MAX_LINE_CHARS))
        return replace(self, name=f"{self.name} to line {last - self.first + 1}",
                       samples=self._samples(0, end), lines=self.lines[: last + 1],
                       words=self.words[: last + 1], pauses=pauses,
                       truth=self.truth[:count] if self.truth else ())  # fmt: skip

    def label(self, k: int) -> str:
        """Line k, as a report names it: its number in the script and its first words."""
        words = self.lines[k].split()
        return (
            f"line {k - self.first + 1} ('{' '.join(words[:4])}{' …' if len(words) > 4 else ''}')"
        )

    def _samples(self, a: float, b: float) -> np.ndarray:
        return self.samples[round(a * RATE) : round(b * RATE)]


# --- the takes ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Mark:
    """A splice: where it is in the take, and the quiet either side of it (seconds)."""

    at: float
    before: float
    after: float

    def near(self, t: float) -> bool:
        return self.at - self.before - TOLERANCE <= t <= self.at + self.after + TOLERANCE

    def __str__(self) -> str:
        return f"{self.at:.2f} s (quiet {self.at - self.before:.2f}-{self.at + self.after:.2f})"


@dataclass(frozen=True)
class Faulty:
    """A take of `script` with one fault made in it, and where."""

    kind: str  # "flub", "said twice", "left out", "unscripted"
    name: str  # the reading and line
    samples: np.ndarray
    script: str
    title: str
    marks: tuple[Mark, ...]  # flub, said twice: the earlier reading's start, the last's
    words: tuple[str, ...] = ()  # left out: the words of the line left out

    @property
    def expected(self) -> str:
        m = self.marks
        if self.kind in ("flub", "said twice"):
            return f"a retake from {m[0]} to {m[1]}"
        if self.kind == "left out":
            return f"'left out' naming '{' '.join(self.words)}' at {m[0]}"
        return f"'unscripted' at {m[0]}"


@dataclass(frozen=True)
class Sectioned:
    """A take of several sections, each opening with its title said as a heading."""

    name: str
    samples: np.ndarray
    scripts: tuple[str, ...]
    titles: tuple[str, ...]
    marks: tuple[Mark, ...]  # where each section (its heading) begins


def joined(pieces: Sequence[Piece]) -> tuple[np.ndarray, list[Mark]]:
    """The pieces one after another, and a mark at each join (the take's ends included):
    the quiet either side reaches across pieces that are all quiet (room tone)."""
    samples = np.concatenate([p.samples for p in pieces])
    starts = np.cumsum([0.0] + [p.seconds for p in pieces])
    marks = []
    for i, at in enumerate(starts):
        before = after = 0.0
        for p in reversed(pieces[:i]):
            before += p.tail
            if p.tail < p.seconds - 1e-6:
                break
        for p in pieces[i:]:
            after += p.head
            if p.head < p.seconds - 1e-6:
                break
        marks.append(Mark(float(at), before, after))
    return samples, marks


def flub(r: Reading, k: int) -> Faulty:
    """Line k begun, abandoned after a few words, a pause, and read again from its start."""
    pieces = [*r.span(0, k - 1), r.begun(k), r.room(ROOM), *r.span(k, r.last)]
    samples, marks = joined(pieces)
    i = len(r.span(0, k - 1))
    return Faulty("flub", f"{r.name} {r.label(k)}", samples, r.script, r.title,
                  (marks[i], marks[i + 2]))  # fmt: skip


def said_twice(r: Reading, k: int) -> Faulty:
    """Line k read whole, then again."""
    pieces = [*r.span(0, k - 1), *r.span(k, k), *r.span(k, r.last)]
    samples, marks = joined(pieces)
    i = len(r.span(0, k - 1))
    return Faulty("said twice", f"{r.name} {r.label(k)}", samples, r.script,
                  r.title, (marks[i], marks[i + 1]))  # fmt: skip


def left_out(r: Reading, k: int) -> Faulty:
    """Line k not read (the script still has it)."""
    from pipeline.timing.listen import words_of

    pieces = [*r.span(0, k - 1), *r.span(k + 1, r.last)]
    samples, marks = joined(pieces)
    i = len(r.span(0, k - 1))
    return Faulty("left out", f"{r.name} {r.label(k)}", samples, r.script, r.title,
                  (marks[i],), tuple(words_of(r.lines[k])))  # fmt: skip


def unscripted(r: Reading, k: int, other: Reading, j: int) -> Faulty:
    """Line j of `other` read before line k (the script does not have it)."""
    pieces = [*r.span(0, k - 1), *other.span(j, j), *r.span(k, r.last)]
    samples, marks = joined(pieces)
    i = len(r.span(0, k - 1))
    name = f"{r.name} {r.label(k)}, {other.name} {other.label(j)} read before it"
    return Faulty("unscripted", name, samples, r.script, r.title, (marks[i],))


def sectioned(name: str, parts: Sequence[tuple[Reading, int, int, str]]) -> Sectioned:
    """Sections of (reading, first line, last line, title), each read after its reading's
    heading (line 0), one after another in one take."""
    pieces, firsts = [], []
    for r, first, last, _ in parts:
        firsts.append(len(pieces))
        pieces += [*r.span(0, 0), *r.span(first, last)]
    samples, marks = joined(pieces)
    return Sectioned(
        name, samples,
        tuple(" ".join(r.lines[a : b + 1]) for r, a, b, _ in parts),
        tuple(title for *_, title in parts),
        tuple(marks[i] for i in firsts),
    )  # fmt: skip


# --- judging what hear() found --------------------------------------------------------------


@dataclass(frozen=True)
class Verdict:
    found: bool
    extra: tuple[str, ...]  # what else it reported (each warning's line)
    returned: tuple[str, ...]  # all it reported


def judge(case: Faulty, hearing) -> Verdict:
    """Did `hearing` (a Hearing) report the fault made in `case`, near where it was made?"""
    from pipeline.timing.listen import words_of

    m = case.marks
    hits: list = []
    if case.kind in ("flub", "said twice"):
        hits = [r for r in hearing.retakes if m[0].near(r.start) and m[1].near(r.end)][:1]
    elif case.kind == "left out":
        near = [d for d in hearing.disagreements if d.kind == "left out" and m[0].near(d.start)]
        named = Counter(w for d in near for w in words_of(d.script))
        hits = near if near and not Counter(case.words) - named else []
    else:
        hits = [d for d in hearing.disagreements
                if d.kind == "unscripted" and m[0].near(d.start)][:1]  # fmt: skip
    said = [*hearing.retakes, *hearing.disagreements]
    return Verdict(
        bool(hits),
        tuple(_said(x) for x in said if all(x is not h for h in hits)),
        tuple(_said(x) for x in said),
    )


def warnings(hearing) -> tuple[str, ...]:
    """Everything a hearing reports: retakes and disagreements."""
    return tuple(_said(x) for x in [*hearing.retakes, *hearing.disagreements])


def _said(x) -> str:
    kind = getattr(x, "kind", "retake")
    return f"{kind} {x.start:.2f}-{x.end:.2f} s: {x.line()}"


# --- readings --------------------------------------------------------------------------------


def human_reading(mp3: Path, txt: Path) -> Reading:
    """A LibriVox reading whose text's first line is the sonnet's number, said first; lines
    read on without a pause (RUN_ON) are one line here, so every splice is in a pause."""
    from pipeline.base.ffmpeg import decode_audio
    from pipeline.timing import listen

    samples = decode_audio(mp3, rate=RATE, sample_format="s16le")[:, 0]
    lines = tuple(txt.read_text(encoding="utf-8").splitlines())
    said = [listen.words_of(line) for line in lines]
    times = listen.align(samples, [w for s in said for w in s])
    if times is None:
        raise RuntimeError(f"forced alignment of {mp3.name} against its text failed")
    words, at = [], 0
    for s in said:
        words.append(tuple(times[at : at + len(s)]))
        at += len(s)
    level = _level(samples)
    quiet = ndimage.uniform_filter1d(level, 3) < np.percentile(level, 5) + QUIET_DB
    units, unit_words, pauses = [lines[0]], [words[0]], [(0.0, words[0][0][0])]
    for k in range(1, len(lines)):
        pause = _pause(quiet, level, words[k - 1][-1][0], words[k][0][1])
        if k > 1 and pause[1] - pause[0] < RUN_ON:  # read on: one line with the one before
            units[-1] += " " + lines[k]
            unit_words[-1] += words[k]
        else:
            units.append(lines[k])
            unit_words.append(words[k])
            pauses.append(pause)
    pauses.append((words[-1][-1][1], len(samples) / RATE))
    return Reading(mp3.stem, samples, tuple(units), tuple(unit_words), tuple(pauses),
                   title=lines[0].rstrip("."), headed=True)  # fmt: skip


def _level(samples: np.ndarray) -> np.ndarray:
    """dB of each 10 ms frame."""
    hop = RATE // 100
    frames = samples[: len(samples) // hop * hop].astype(np.float64).reshape(-1, hop)
    return 10 * np.log10(np.mean(frames**2, axis=1) + 1.0)


def _pause(quiet: np.ndarray, level: np.ndarray, t0: float, t1: float) -> tuple[float, float]:
    """The longest run of quiet frames between t0 and t1 (seconds); where there is none,
    an empty pause at the quietest frame."""
    a, b = int(t0 * 100), int(t1 * 100)
    runs, count = ndimage.label(quiet[a:b])
    if not count:  # the quietest moment
        t = (a + int(np.argmin(level[a:b]))) / 100
        return t, t
    sizes = ndimage.sum_labels(np.ones(b - a), runs, index=range(1, count + 1))
    frames = np.flatnonzero(runs == 1 + int(np.argmax(sizes)))
    return (a + frames[0]) / 100, (a + frames[-1] + 1) / 100


def synthetic_reading(
    name: str, text: str, title: str, voice: str, rate: int, seed: int,
    headed: bool = False, floor_db: float = -45.0,
) -> Reading:  # fmt: skip
    """`text` read by espeak-ng sentence by sentence (`title` first, as a heading, if
    `headed`), joined with pauses of 0.25-0.9 s over pink noise `floor_db` below the
    speech. Truth: where espeak-ng starts each token's first word (its word event)."""
    from pipeline.timing.text import ends_sentence, join, tokenize

    rng = np.random.default_rng(seed)
    tokens = tokenize(text, MAX_LINE_CHARS)
    ends = [i + 1 for i in range(len(tokens)) if i == len(tokens) - 1 or ends_sentence(tokens, i)]
    sentences = [tokens[a:b] for a, b in zip([0, *ends], ends, strict=False)]
    if headed:
        sentences = [tokenize(f"{title}.", MAX_LINE_CHARS), *sentences]
    parts, words, pauses, truth, at = [], [], [], [], 0.0
    for k, sentence in enumerate(sentences):
        gap = 0.5 if k == 0 else float(rng.uniform(0.25, 0.9))
        parts.append(np.zeros(round(gap * RATE), dtype=np.int16))
        pauses.append((at, at + gap))
        at += gap
        samples, starts = _spoken(sentence, voice, rate, seed * 1000 + k)
        said = [at + s for s in starts if s is not None]
        words.append(tuple(zip(said, [*said[1:], at + len(samples) / RATE], strict=True)))
        if not headed or k > 0:
            truth += [None if s is None else at + s for s in starts]
        parts.append(samples)
        at += len(samples) / RATE
    parts.append(np.zeros(RATE // 2, dtype=np.int16))
    pauses.append((at, at + 0.5))
    take = with_noise(np.concatenate(parts), -floor_db, rng)
    lines = tuple(join(s) for s in sentences)
    return Reading(f"{name} ({voice}, {rate} wpm)", take, lines, tuple(words), tuple(pauses),
                   title, headed, tuple(truth))  # fmt: skip


def _spoken(
    tokens: Sequence, voice: str, rate: int, seed: int
) -> tuple[np.ndarray, list[float | None]]:
    """`tokens` said by espeak-ng at RATE, its digital silence either side cut off, and
    when each token begins (seconds): its first word event; None where it has none or
    says no word (a dash alone). espeak-ng's random numbers (a voice's breath: +f3) are
    seeded, else the same text sounds otherwise in another process."""
    import ctypes

    import espeakng_loader

    from pipeline.audio.scratch import speak
    from pipeline.base.espeak import Espeak
    from pipeline.base.ffmpeg import SAMPLE_RATE
    from pipeline.script.settings import Scratch
    from pipeline.timing import listen
    from pipeline.timing.text import join

    voiced = Scratch(voice=voice, rate=rate)
    with Espeak.lock:
        Espeak.get()  # opened (dlopen gives ctypes the same library) and initialised
        ctypes.CDLL(espeakng_loader.get_library_path()).espeak_ng_SetRandSeed(seed)
    speech = speak(join(tokens), voiced)
    samples = listen.to_16k(speech.samples, SAMPLE_RATE)
    loud = np.flatnonzero(np.abs(samples.astype(np.int32)) > 100)  # -50 dBFS
    lead = loud[0] / RATE
    starts: list[float | None] = []
    position = 0
    for i, token in enumerate(tokens):
        position += 1 if token.space and i else 0
        end = position + len(token.text)
        at = [w.at for w in speech.words if position <= w.position < end]
        said = listen.words_of(token.text)
        starts.append(min(at) - lead if at and said else None)
        position = end
    return samples[loud[0] : loud[-1] + 1], starts


def with_noise(samples: np.ndarray, snr_db: float, rng: np.random.Generator) -> np.ndarray:
    """`samples` (int16) with pink noise `snr_db` below their RMS (pauses included)."""
    from scipy import fft

    x = samples.astype(np.float64)
    n = fft.next_fast_len(len(x), real=True)  # a length with large prime factors costs memory
    f = fft.rfftfreq(n)
    f[0] = f[1]
    noise = fft.irfft(fft.rfft(rng.standard_normal(n)) / np.sqrt(f), n)[: len(x)]
    rms = np.sqrt(np.mean(x**2))
    noise *= rms * 10 ** (-snr_db / 20) / np.sqrt(np.mean(noise**2))
    return np.clip(np.round(x + noise), -32768, 32767).astype(np.int16)
