"""A take against its script: where it says each word, what it says twice or begins again
(a retake, to cut), what it leaves out, and what it says that the script does not have.

The take is heard by a model of its own script (timing/listen.py); the words heard are set
against the script's (difflib's longest matching runs), and each difference is read as a
narrator makes it:
- speech before a passage that repeats script words just said, whole or in part, and
  that alignment hears saying them, is a line said twice or begun and abandoned: a
  retake. The last reading is kept (the narrator's convention: "restart a line you
  flub"); the earlier one is cut, from the pause before it to the pause before the last.
- speech that repeats nothing is unscripted: kept, warned of, and no cue is up over it.
  Before a section's first words, the section's own title is its spoken heading.
- script words not heard, or heard as others, are left out or misread: warned of (three
  words or more: fewer are more often the recogniser's slip), and shown in no cue.
Every difference is first aligned with the words around it and stands only if its words
do not prove said there (listen.align_scored: too short, or scored as other speech): the
recogniser mishears; the acoustic model, given the words, tells. Runs of words that match
are timed by forced alignment, each in a window of its own (so nothing unscripted is in
it); where alignment fails, the recogniser's own times stand in.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

import numpy as np

from pipeline.timing import listen
from pipeline.timing.listen import Heard
from pipeline.timing.text import Token, quoted, strength

PAD = 0.25  # seconds of audio either side of a run of words given to the aligner
SMALL = 3  # words: fewer left out or read otherwise are not warned of (recogniser's slips);
# as many more heard than the script has there, unscripted speech unless alignment hears them
REACH = 40  # script words before an insert that a retake may repeat
SHORTEST_PHONE = 0.045  # seconds: a word aligned shorter than this a phone was not said
SLACK = 0.6  # seconds of heard speech a verified difference may leave to pauses
WORST = -6.5  # nor any one word below this (the worst of 100 said words: -6.3)
HEARD_SHARE = 0.8  # of a film's line, for its words to be timed where they are heard
GOOD = -3.0  # listen.align_scored's goodness of words said (5th percentile -2.6 to -3.0)
FILLER = 0.6  # seconds: unscripted speech of a word or two, shorter: a breath or an "um"
MARGIN = 0.08  # seconds before a reading's first word where a cut falls (in its pause)
HEARD_ENOUGH = 0.5  # of the script's words matched: less, and the take was not heard


@dataclass(frozen=True)
class Disagreement:
    kind: str  # "left out", "unscripted", "said twice", "misread"
    start: float  # seconds into the take as recorded
    end: float
    script: str  # the script's words concerned ("" for unscripted speech)
    heard: str  # what was heard there ("" for words left out)

    def line(self) -> str:
        at = f"at {self.start:.1f} s" if self.end - self.start < 0.05 else (
            f"at {self.start:.1f}-{self.end:.1f} s")  # fmt: skip
        if self.kind == "left out":
            return (f"the take does not say '{quoted(self.script, 60)}' (where it would be, {at}); "
                    "record it, or take it out of the script")  # fmt: skip
        if self.kind == "unscripted":
            return (
                f"{at} the take says what the script does not have (heard '"
                f"{quoted(self.heard, 60)}'); add it to the script, or cut it from the take"
            )
        if self.kind == "said twice":
            return (
                f"'{quoted(self.script, 60)}' is read twice; the reading {at} is kept "
                "(narration.retakes: keep-all), so both are heard"
            )
        return (
            f"{at} the take seems to say '{quoted(self.heard, 60)}' where the script says "
            f"'{quoted(self.script, 60)}'"
        )


@dataclass(frozen=True)
class Retake:
    """A stretch of the take cut out: an earlier reading, or a line begun and abandoned."""

    start: float  # seconds into the take as recorded
    end: float
    script: str  # the words read again

    def line(self) -> str:
        return (
            f"'{quoted(self.script, 60)}' is read again at {self.end:.1f} s: the reading at "
            f"{self.start:.1f} s is cut ({self.end - self.start:.1f} s; "
            "narration.retakes: keep-all keeps it)"
        )


@dataclass(frozen=True)
class Hearing:
    times: tuple[tuple[float, float] | None, ...]  # per token, as recorded; None: not said
    disagreements: tuple[Disagreement, ...] = ()
    retakes: tuple[Retake, ...] = ()  # to cut (with keep-last)
    unscripted: tuple[tuple[float, float], ...] = ()  # speech kept that the script lacks
    heard: bool = True  # False: the take could not be heard as its script
    words: tuple[Heard, ...] = ()  # everything heard in the take, as `Before` keeps it


# what was heard in a take against an earlier version of its script: the script's words,
# and the words heard
Before = tuple[Sequence[str], Sequence[Heard]]


@dataclass
class _Script:
    """A section's script as the words said: each word's token, and its sentences."""

    tokens: Sequence[Token]
    words: list[str] = field(default_factory=list)
    token_of: list[int] = field(default_factory=list)
    sentences: list[list[str]] = field(default_factory=list)

    def __post_init__(self) -> None:
        sentence: list[str] = []
        for k, token in enumerate(self.tokens):
            said = listen.words_of(token.text)
            self.words += said
            self.token_of += [k] * len(said)
            sentence += said
            if k == len(self.tokens) - 1 or strength(self.tokens, k) == 2:
                self.sentences.append(sentence)
                sentence = []

    def text(self, a: int, b: int) -> str:
        """The script as written from word a to word b (exclusive)."""
        if a >= b:
            return ""
        first, last = self.token_of[a], self.token_of[b - 1]
        return " ".join(t.text for t in self.tokens[first : last + 1])


def hear(
    samples: np.ndarray,
    tokens: Sequence[Token],
    title: str = "",
    keep_last: bool = True,
    heard: Sequence[Heard] | None = None,
    before: Before | None = None,
) -> Hearing:
    """What `samples` (16 kHz int16, a section's take) says against its script `tokens`;
    `heard`: what recognition already heard there (a take of several sections); `before`:
    what it heard there against an earlier version of the script, of which only the
    stretches the edit touched are heard again."""
    script = _Script(tokens)
    if not script.words:
        return Hearing(tuple(None for _ in tokens))
    heading = listen.words_of(title)
    sentences = [*script.sentences, heading]
    if heard is None:
        heard = _again(samples, script.words, sentences, before) if before else (
            listen.recognise(samples, sentences))  # fmt: skip
    heard = list(heard)
    retakes = _retakes(samples, script, heard)
    kept = [h for h in heard if not any(r.start - 0.01 <= h.start < r.end for r in retakes)]
    ops = _short(_diff(script.words, kept), kept)
    if sum(b - a for op, a, b, _, _ in ops if op == "equal") < HEARD_ENOUGH * len(script.words):
        return Hearing(tuple(None for _ in tokens), heard=False, words=tuple(heard))
    found, unscripted, checked = _differences(samples, script, kept, ops, heading)
    times, verified = _timed(samples, script, kept, ops, checked, retakes)
    if not keep_last:  # both readings stay, warned of; no cue over the earlier one
        found += [Disagreement("said twice", r.start, r.end, r.script, "") for r in retakes]
        unscripted += [(r.start, r.end) for r in retakes]
        retakes = []
    for k, d in checked.items():
        a1, a2 = ops[k][1], ops[k][2]
        if verified.get(k):
            continue
        if d.kind == "unscripted":  # not shown, nor anything over it
            unscripted.append((d.start, d.end))
            found.append(replace(d, heard=listen.transcribe(samples, d.start, d.end) or d.heard))
            times[a1:a2] = [None] * (a2 - a1)
        elif a2 - a1 >= SMALL:  # fewer words: more likely the recogniser's slip (accents)
            found.append(d)  # its words are not shown, nor is anything over what it says
            times[a1:a2] = [None] * (a2 - a1)
            if d.kind == "misread":
                unscripted.append((d.start, d.end))
    return Hearing(
        _token_times(script, times),
        tuple(sorted(found, key=lambda d: d.start)),
        tuple(retakes),
        tuple(unscripted),
        words=tuple(heard),
    )


# where each token of a line is said (seconds; None: a token of no word), None: not heard
Said = tuple[tuple[float, float] | None, ...] | None


def dialogue_times(samples: np.ndarray, tokens: Sequence[Token]) -> Said:
    """Where each token of a film's line of dialogue (a clip's `says`) is said in its sound
    (16 kHz int16, seconds into it): its words aligned at once and scored as said there;
    None where they are not (the film says something else, or its score drowns it)."""
    script = _Script(tokens)
    if not script.words or _heard_share(samples, script) < HEARD_SHARE:
        return None
    found = listen.align_scored(samples, script.words)
    if not found or float(np.mean([score for *_, score in found])) < GOOD:
        return None
    return _token_times(script, [(a, b) for a, b, _ in found])


def _heard_share(samples: np.ndarray, script: _Script) -> float:
    """How much of the script recognition hears in `samples`, in order: alignment alone
    places any words over music and birdsong, and scores them well against a phone loop
    that explains such sound no better (measured on Big Buck Bunny's score)."""
    heard = [h.word for h in listen.recognise(samples, script.sentences)]
    matcher = difflib.SequenceMatcher(a=script.words, b=heard, autojunk=False)
    return sum(m.size for m in matcher.get_matching_blocks()) / len(script.words)


def script_words(tokens: Sequence[Token]) -> list[str]:
    """The words a script is said as, as `Before` keeps them."""
    return _Script(tokens).words


def _again(
    samples: np.ndarray, words: list[str], sentences: list[list[str]], before: Before
) -> list[Heard]:
    """What the take says, from what was heard against the script before an edit: each
    stretch of the take between the words the edit left alone is heard again (a text
    edit costs the recognition of what it touched, not of the whole take)."""
    old_words, old_heard = before
    said = {a + i: b + i for op, a, a2, b, _ in _diff(old_words, old_heard) if op == "equal"
            for i in range(a2 - a)}  # fmt: skip
    length = len(samples) / listen.RATE
    stretches = []
    edits = difflib.SequenceMatcher(None, old_words, words, autojunk=False).get_opcodes()
    for op, a1, a2, _, _ in edits:
        if op != "equal":
            b0 = max((b for a, b in said.items() if a < a1), default=None)
            b1 = min((b for a, b in said.items() if a >= a2), default=None)
            stretches.append((old_heard[b0].end if b0 is not None else 0.0,
                              old_heard[b1].start if b1 is not None else length))  # fmt: skip
    heard = list(old_heard)
    for t0, t1 in _merged_stretches(stretches):
        if t1 - t0 < SHORTEST_PHONE:  # words taken out between two said: nothing to hear
            continue
        again = listen.recognise(samples[round(t0 * listen.RATE) : round(t1 * listen.RATE)],
                                 sentences)  # fmt: skip
        heard = [h for h in heard if not t0 <= h.start < t1] + [
            Heard(h.word, h.start + t0, h.end + t0) for h in again]  # fmt: skip
    return sorted(heard, key=lambda h: h.start)


def _merged_stretches(stretches: list[tuple[float, float]]) -> list[tuple[float, float]]:
    out: list[tuple[float, float]] = []
    for t0, t1 in sorted(stretches):
        if out and t0 <= out[-1][1]:
            out[-1] = (out[-1][0], max(t1, out[-1][1]))
        else:
            out.append((t0, t1))
    return out


def section_starts(
    samples: np.ndarray, sections: Sequence[tuple[Sequence[Token], str]]
) -> tuple[list[float | None], list[Heard]]:
    """Where each section of a take of several begins (seconds into `samples`, 16 kHz
    int16; `sections`: each one's tokens and title), and every word heard in the take.

    A section begins in the pause before its first words, or before its spoken heading
    where one is heard just before them; None where its first words were not heard (the
    pauses must tell). The first section begins where the take does."""
    scripts = [_Script(tokens) for tokens, _ in sections]
    headings = [listen.words_of(title) for _, title in sections]
    heard = listen.recognise(
        samples, [s for script in scripts for s in script.sentences] + [h for h in headings if h]
    )
    words = [w for script in scripts for w in script.words]
    matched = {a + i: b + i for op, a, a2, b, _ in _diff(words, heard) if op == "equal"
               for i in range(a2 - a)}  # fmt: skip
    offsets = np.cumsum([0] + [len(script.words) for script in scripts])
    starts: list[float | None] = [0.0]
    for k in range(1, len(scripts)):
        b = matched.get(int(offsets[k]))
        if not b:  # its first word not heard (or heard first of all): the pauses tell
            starts.append(None)
            continue
        said_before = max((matched[a] for a in matched if a < offsets[k]), default=-1)
        if _is_heading(heard[said_before + 1 : b], headings[k]):
            b = said_before + 1
        starts.append(_before(heard, b))
    return starts, heard


def _short(ops: list, heard: Sequence[Heard]) -> list:
    """The ops with each long match cut into matches of at most listen.PIECE seconds, so
    no run is aligned as one utterance longer than that."""
    out = []
    for op, a1, a2, b1, b2 in ops:
        while op == "equal" and heard[b2 - 1].end - heard[b1].start > listen.PIECE:
            n = next(i for i in range(1, b2 - b1)
                     if heard[b1 + i].end - heard[b1].start > listen.PIECE)  # fmt: skip
            out.append((op, a1, a1 + n, b1, b1 + n))
            a1, b1 = a1 + n, b1 + n
        out.append((op, a1, a2, b1, b2))
    return out


def _diff(words: Sequence[str], heard: Sequence[Heard]) -> list[tuple[str, int, int, int, int]]:
    matcher = difflib.SequenceMatcher(None, list(words), [h.word for h in heard], autojunk=False)
    return matcher.get_opcodes()


# --- retakes ---------------------------------------------------------------------------------


def _retakes(samples: np.ndarray, script: _Script, heard: list[Heard]) -> list[Retake]:
    """Each earlier reading of a passage the take reads again, from the pause before it to
    the pause before the last reading."""
    ops = _diff(script.words, heard)
    matched = {a + i: b + i for op, a, a2, b, _ in ops if op == "equal" for i in range(a2 - a)}
    found = []
    for op, a1, _, b1, b2 in ops:
        if op != "insert" or b2 - b1 < 2:
            continue
        again = _repeats([h.word for h in heard[b1:b2]], script.words, a1)
        if again is None:
            continue
        first_said, last_said, offset = again
        again_said = [a for a in range(first_said, last_said) if a in matched]
        if len(again_said) < max(2, (last_said - first_said) / 2):
            continue  # the other reading is not heard saying them: no retake, a difference
        other = matched[again_said[0]] - (again_said[0] - first_said)
        # the inserted reading: from its own start if it comes first (a flub, with whatever
        # was heard of it), from where its repeat begins if it comes last
        first, last = (b1, other) if b1 < other else (max(0, other), b1 + offset)
        if first >= last or not _says(samples, script.words[first_said:last_said], heard, b1, b2):
            continue  # what was heard again is not the script's words said again
        start, end = _before(heard, first), _before(heard, last)
        found.append(Retake(start, end, script.text(first_said, last_said)))
    return _merged(found)


def _says(samples: np.ndarray, words: list[str], heard: list[Heard], b1: int, b2: int) -> bool:
    """Whether heard words b1..b2 are `words` said (with whatever else): a cut takes out
    sound, so a retake must be heard as one, not only read into what the recogniser made
    of it."""
    lo, hi = _window(heard, b1, b2, len(samples) / listen.RATE)
    aligned = listen.align_scored(samples, words, lo, hi)
    return aligned is not None and _said(words, aligned)


def _repeats(said: list[str], words: list[str], at: int) -> tuple[int, int, int] | None:
    """The script words (a range) that `said`, heard where script word `at` was due, mostly
    repeats, and where in `said` the repeat begins: one run of nearby script words, grown
    from the longest match by neighbours at most two words off (a slip, a word misheard);
    None if it repeats nothing."""
    lo, hi = max(0, at - REACH), min(len(words), at + REACH)
    matcher = difflib.SequenceMatcher(None, said, words[lo:hi], autojunk=False)
    blocks = [b for b in matcher.get_matching_blocks() if b.size]
    if not blocks:
        return None
    best = max(blocks, key=lambda b: b.size)
    a0, a1, s0, s1, size = best.a, best.a + best.size, best.b, best.b + best.size, best.size
    for b in sorted(blocks, key=lambda b: abs(b.a - best.a)):
        if b is best:
            continue
        if 0 <= b.a - a1 <= 2 and 0 <= b.b - s1 <= 2:
            a1, s1, size = b.a + b.size, b.b + b.size, size + b.size
        elif 0 <= a0 - (b.a + b.size) <= 2 and 0 <= s0 - (b.b + b.size) <= 2:
            a0, s0, size = b.a, b.b, size + b.size
    if size < 2 or size < 0.5 * len(said):
        return None
    return lo + s0, lo + s1, a0


def _before(heard: list[Heard], k: int) -> float:
    """A moment before heard word k, in the pause that precedes it."""
    previous = heard[k - 1].end if k > 0 else 0.0
    return max(previous + (heard[k].start - previous) / 2, heard[k].start - MARGIN)


def _merged(found: list[Retake]) -> list[Retake]:
    out: list[Retake] = []
    for r in sorted(found, key=lambda r: r.start):
        if out and r.start < out[-1].end:
            out[-1] = Retake(out[-1].start, max(r.end, out[-1].end), out[-1].script)
        else:
            out.append(r)
    return out


# --- what is left after the retakes ----------------------------------------------------------


def _differences(samples, script: _Script, heard: list[Heard], ops: list, heading: list[str]):
    """Disagreements for sure, the speech the script lacks, and the small differences (by
    their op) that alignment is to check."""
    found: list[Disagreement] = []
    unscripted: list[tuple[float, float]] = []
    checked: dict[int, Disagreement] = {}
    for k, (op, a1, a2, b1, b2) in enumerate(ops):
        if op == "equal":
            continue
        said = " ".join(h.word for h in heard[b1:b2])
        start = heard[b1].start if b2 > b1 else _due(heard, b1, a1 == 0)
        end = heard[b2 - 1].end if b2 > b1 else start
        words = script.text(a1, a2)
        extra = (b2 - b1) - (a2 - a1)
        if op == "insert" or (op == "replace" and extra >= SMALL):
            if _filler(heard[b1:b2]) or (a1 == 0 and _is_heading(heard[b1:b2], heading)):
                unscripted.append((start, end)) if not _filler(heard[b1:b2]) else None
                continue
            if op == "replace":  # or the recogniser heard the script's words as more words
                checked[k] = Disagreement("unscripted", start, end, "", said)
                continue
            unscripted.append((start, end))
            said = listen.transcribe(samples, start, end) or said
            found.append(Disagreement("unscripted", start, end, "", said))
            continue
        if a1 == 0 and _is_heading(heard[b1:b2], heading):  # the heading said, not its words
            op, start, said = "delete", end, ""
        kind = "left out" if op == "delete" else "misread"
        checked[k] = Disagreement(kind, start, end, words, said)  # unless alignment hears it
    return found, unscripted, checked


def _filler(heard: Sequence[Heard]) -> bool:
    """A breath, an "um", a click the recogniser made a word or two of."""
    return 0 < len(heard) <= 2 and heard[-1].end - heard[0].start < FILLER


def _is_heading(heard: Sequence[Heard], heading: list[str]) -> bool:
    """Whether `heard` is the heading said: most of its words, in order, and little else."""
    words = [h.word for h in heard]
    if not heading or not words or len(words) > len(heading) + 2:
        return False
    matcher = difflib.SequenceMatcher(None, words, heading, autojunk=False)
    same = sum(b.size for b in matcher.get_matching_blocks())
    return same >= max(1, 0.5 * len(heading)) and same >= 0.5 * len(words)


def _due(heard: list[Heard], b: int, first: bool) -> float:
    """Where words not said would have been: after the last word heard before them."""
    if first or b == 0:
        return heard[0].start if heard else 0.0
    return heard[b - 1].end


# --- timing ----------------------------------------------------------------------------------


def _timed(samples, script: _Script, heard, ops, checked, retakes):
    """Each script word's (start, end) as recorded (None: not heard), and for each checked
    op whether its words proved said. A run whose alignment fails, or holds a difference
    that is not said, is timed again without it; a difference in a run that failed is
    tested on its own, between its neighbours."""
    first, verified = _aligned_runs(samples, script, heard, ops, checked, retakes)
    doubtful = {k for k in checked if not verified.get(k)}
    if not doubtful:
        return first, verified
    sure = {k: d for k, d in checked.items() if k not in doubtful}
    times, _ = _aligned_runs(samples, script, heard, ops, sure, retakes)
    for k in doubtful:
        a1, a2 = ops[k][1], ops[k][2]
        alone = _alone(samples, script, heard, ops, k) if k not in verified else None
        verified[k] = alone is not None
        # where it stays doubtful, as aligned with the rest (hear() decides what is shown)
        times[a1:a2] = alone or first[a1:a2]
    return times, verified


def _aligned_runs(samples, script: _Script, heard, ops, checked, retakes):
    times: list[tuple[float, float] | None] = [None] * len(script.words)
    verified: dict[int, bool] = {}
    for run in _runs(ops, checked, heard, retakes):
        a1, a2 = ops[run[0]][1], ops[run[-1]][2]
        b1, b2 = ops[run[0]][3], ops[run[-1]][4]
        lo, hi = _window(heard, b1, b2, len(samples) / listen.RATE)
        tested = any(k in checked for k in run)
        aligned = None
        if b2 > b1:
            align = listen.align_scored if tested else listen.align
            aligned = align(samples, script.words[a1:a2], lo, hi)
        if aligned is None:  # the recogniser's own times for what matched
            for k in run:
                op, x1, x2, y1, _ = ops[k]
                if op == "equal":
                    for i in range(x2 - x1):
                        times[x1 + i] = (heard[y1 + i].start, heard[y1 + i].end)
            continue
        times[a1:a2] = [(t[0], t[1]) for t in aligned]
        for k in run:
            if k in checked:
                x1, x2 = ops[k][1], ops[k][2]
                said = aligned[x1 - a1 : x2 - a1]
                verified[k] = _said(script.words[x1:x2], said, _to_cover(heard, ops[k]))
    return times, verified


def _alone(samples, script: _Script, heard, ops, k, context: int = 2):
    """The times of op k's script words where they prove said between the words heard
    either side of it (`context` of them each side), or None."""
    _, a1, a2, b1, b2 = ops[k]
    before = ops[k - 1] if k > 0 and ops[k - 1][0] == "equal" else None
    after = ops[k + 1] if k + 1 < len(ops) and ops[k + 1][0] == "equal" else None
    left = min(context, before[2] - before[1]) if before else 0
    right = min(context, after[2] - after[1]) if after else 0
    if b2 - b1 + left + right == 0:
        return None
    lo, hi = _window(heard, b1 - left, b2 + right, len(samples) / listen.RATE)
    words = script.words[a1 - left : a2 + right]
    aligned = listen.align_scored(samples, words, lo, hi)
    said = None if aligned is None else aligned[left : left + a2 - a1]
    if said is None or not _said(script.words[a1:a2], said, _to_cover(heard, ops[k])):
        return None
    return [(t[0], t[1]) for t in aligned[left : left + a2 - a1]]


def _said(
    words: Sequence[str], aligned: Sequence[tuple[float, float, float]], cover: float = 0.0
) -> bool:
    """Whether words aligned (start, end, goodness) were said there: each long enough for
    its sounds, together scored as speech that says them (GOOD), and lasting as long as
    the speech heard there (`cover` seconds; alignment hides speech it has no words for
    in pauses)."""
    if not aligned:
        return False
    long_enough = all(_fits(w, (t[0], t[1])) for w, t in zip(words, aligned, strict=True))
    lasting = sum(t[1] - t[0] for t in aligned) >= cover - SLACK
    scores = [t[2] for t in aligned]
    return long_enough and lasting and float(np.mean(scores)) >= GOOD and min(scores) >= WORST


def _to_cover(heard: Sequence[Heard], op) -> float:
    """Seconds of speech an op's script words must account for: where the recogniser heard
    more words than the script has, the stretch it heard them in."""
    _, a1, a2, b1, b2 = op
    return heard[b2 - 1].end - heard[b1].start if (b2 - b1) - (a2 - a1) >= SMALL else 0.0


def _runs(ops, checked, heard, retakes) -> list[list[int]]:
    """Ops aligned together: matches and the small differences between them, never across
    a cut or across speech the script lacks."""
    runs, current = [], []
    for k, (op, _, _, b1, _) in enumerate(ops):
        if op == "equal" or k in checked:
            if current and 0 < b1 < len(heard) and (
                _cut_between(heard[b1 - 1], heard[b1], retakes)
                or heard[b1].start - heard[ops[current[0]][3]].start > listen.PIECE
            ):  # fmt: skip
                runs.append(current)
                current = []
            current.append(k)
        else:
            runs.append(current)
            current = []
    runs.append(current)
    return [r for r in runs if r]


def _cut_between(before: Heard, after: Heard, retakes: Sequence[Retake]) -> bool:
    return any(before.end <= r.end and r.start <= after.start for r in retakes)


def _window(heard: list[Heard], b1: int, b2: int, length: float) -> tuple[float, float]:
    """From half way to the word heard before the run (at most PAD before its first), to
    half way to the word after it."""
    lo = heard[b1 - 1].end if b1 > 0 else 0.0
    hi = heard[b2].start if b2 < len(heard) else length
    first, last = heard[b1].start, heard[b2 - 1].end
    return max((lo + first) / 2, first - PAD), min((hi + last) / 2, last + PAD)


def _fits(word: str, time: tuple[float, float] | None) -> bool:
    return time is not None and time[1] - time[0] >= SHORTEST_PHONE * listen.phones(word)


def _token_times(
    script: _Script, times: Sequence[tuple[float, float] | None]
) -> tuple[tuple[float, float] | None, ...]:
    """Word times as token times: a token from its first word's start to its last's end; a
    token of no word (a dash) with the token after it."""
    out: list[tuple[float, float] | None] = [None] * len(script.tokens)
    silent: list[int] = []
    for w, k in enumerate(script.token_of):
        t = times[w]
        if t is not None:
            out[k] = (t[0], t[1]) if out[k] is None else (out[k][0], t[1])
    said = {k for k in script.token_of}
    for k in range(len(script.tokens)):
        if k not in said:
            silent.append(k)
    for k in silent:  # punctuation alone: at the edge of the next token said, else the last
        after = next((out[j] for j in range(k + 1, len(out)) if out[j] and j in said), None)
        before = next((out[j] for j in range(k - 1, -1, -1) if out[j] and j in said), None)
        out[k] = (after[0], after[0]) if after else (before[1], before[1]) if before else None
    return tuple(out)
