"""How well the listening aligner (pipeline/timing/hearing.py, `hear`) hears a take against
its script: where it puts each word, which faults of a take it finds, what it warns of in
a take that has none, and how fast.

    python benchmarks/alignment.py                   # all of it (about 17 minutes)
    python benchmarks/alignment.py --quick           # the subset CI runs (under a minute)
    python benchmarks/alignment.py --long            # and a 30-minute take: peak memory
    python benchmarks/alignment.py --json out.json   # also write the figures
    python benchmarks/alignment.py --keep DIR        # and each take it went wrong on (WAV)

1. Word onset error, on synthesized speech. The demo episodes' narration (each section of
   essays/her.yaml and essays/groundhog-day.yaml) is read by espeak-ng, the scratch
   voice's own library from its wheel, in two voices at 130, 160 and 190 words a minute,
   sentence by sentence, joined by pauses of 0.25-0.9 s over pink noise 45 dB below the
   speech; hear() listens at 16 kHz. A token's error is hear().times[k][0] minus its
   truth: espeak-ng's word event for the token's first word, the moment it begins that
   word's first phoneme. Checked against the waveform after pauses: the sound rises above
   -45 dBFS at the event for a vowel, nasal or r, some 15 ms after it for a fricative or
   voiced stop, up to 50 ms after for a voiceless stop (its closure is silent), so the
   truth is the word's start as a phonetician marks it, a stop's closure included.
   Tokens that say no word (a dash) are not counted; tokens hear() leaves untimed are
   counted apart. Target (../shared/STANDARDS.md): median 30 ms, p90 80 ms at most.
2. Faults found and missed, in takes spliced from readings whose lines and pauses are
   known (faulty_takes.py): the LibriVox sonnets (human; lines read on without a pause
   count as one line) and espeak-ng's reading of a demo section (sentences as lines).
   (a) a line begun, abandoned after three words, and read again; (b) a line read twice;
   (c) a line left out of the take; (d) a line of the other sonnet (another episode's
   sentence) read before one; each also with pink noise 20 dB below the take's RMS.
   Found: (a), (b) a retake cut from the earlier reading's start to the last one's;
   (c) 'left out' naming every word of the line; (d) 'unscripted'; each within 0.5 s of
   its splice, or in the pause the splice falls in. (e) three sections in one take,
   each opening with its title said as a heading: found where the section's start is
   found (hearing.section_starts, as a build finds it) and hear() warns of nothing in
   it, the heading included.
3. False alarms: every clean take (each sonnet as read, and every synthesized reading
   of part 1; in the full run each again with the noise) must give no disagreement and
   no retake.
4. Speed: hear()'s realtime factor (seconds of audio over seconds of wall time, calls
   that recognise the take themselves) and the process's peak resident memory (VmHWM,
   which is ru_maxrss without what Linux carries over from a parent; the benchmark's own
   takes are in it), naming the calls that raised it; with --long, a 30-minute take
   heard in a process that holds only it (target: under 500 MB): espeak-ng reads the GPL
   (/usr/share/common-licenses, where there is one) at 190 words a minute, prose that
   says no passage twice.
Everything missed or warned of is listed after the table, with what hear() returned.
"""

from __future__ import annotations

import argparse
import json
import resource
import time
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path

import numpy as np
from faulty_takes import (
    MAX_LINE_CHARS,
    Faulty,
    Reading,
    Sectioned,
    flub,
    human_reading,
    judge,
    left_out,
    said_twice,
    sectioned,
    synthetic_reading,
    unscripted,
    warnings,
    with_noise,
)

REPO = Path(__file__).resolve().parent.parent
HUMAN = REPO.parent / "shared" / "data" / "human-speech"
VOICES = ("en-us+m3", "en-gb-x-rp+f3")
SPEEDS = (130, 160, 190)  # words a minute
SNR = 20.0  # dB: the noisy takes' pink noise below their RMS
TARGET_MEDIAN_MS, TARGET_P90_MS = 30, 80
LONG_MINUTES = 30
GPL = Path("/usr/share/common-licenses/GPL-3")  # --long reads it, where the system has it
GREW_MB = 25  # a call that raises the peak memory this much is named
KINDS = {
    "flub": "(a) line begun, read again",
    "said twice": "(b) line said twice",
    "left out": "(c) line left out",
    "unscripted": "(d) line not in script",
    "heading": "(e) sections with headings",
}
SOURCES = ("human", "human + noise", "synthesized", "synthesized + noise")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", help="also write the figures to this file")
    parser.add_argument("--quick", action="store_true", help="the subset CI runs")
    parser.add_argument("--long", action="store_true", help="and a 30-minute take")
    parser.add_argument("--keep", help="write each take missed or warned of here (WAV, script)")
    args = parser.parse_args()
    began = time.perf_counter()
    ear = Ear(Path(args.keep) if args.keep else None)
    long = long_take() if args.long else None  # first: its process starts from a small one
    onset = measure_onsets(ear, args.quick)
    cases = fault_cases(args.quick)
    outcomes = [judged(ear, case, source) for case, source in cases]
    for case, source in sectioned_cases(args.quick):
        outcomes += heard_sections(ear, case, source)
    alarms = false_alarms(ear, onset["readings"], args.quick)
    figures = {
        "quick": args.quick,
        "source": source_digest(),
        "onset": {"rows": onset["rows"], "all": onset["all"]},
        "faults": summary(outcomes),
        "false_alarms": alarms,
        "speed": ear.speed(),
    }
    if long:
        figures["long"] = long
    figures["wall_seconds"] = round(time.perf_counter() - began, 1)
    figures["source_changed"] = source_digest() != figures["source"]
    report(figures)
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=2))


# --- listening, timed ------------------------------------------------------------------------


@dataclass
class Ear:
    """hear() and section_starts(), with the audio each heard and the wall time it took."""

    keep: Path | None = None  # where to write the takes it went wrong on
    calls: list[tuple[float, float, str]] = field(default_factory=list)  # (audio, wall, what)
    growth: list[str] = field(default_factory=list)  # the calls that raised the peak memory

    def hear(self, name: str, samples: np.ndarray, script: str, title: str, heard=None):
        from pipeline.timing.hearing import hear
        from pipeline.timing.text import tokenize

        tokens = tokenize(script, MAX_LINE_CHARS)
        began, peak = time.perf_counter(), peak_mb()
        found = hear(samples, tokens, title=title, keep_last=True, heard=heard)
        if heard is None:
            self.calls.append((len(samples) / 16_000, time.perf_counter() - began, name))
        self._grew(peak, f"hear() of {name} ({len(samples) / 16_000:.0f} s)")
        return found

    def section_starts(self, samples: np.ndarray, scripts: Sequence[str], titles: Sequence[str]):
        from pipeline.timing import hearing
        from pipeline.timing.text import tokenize

        find = getattr(hearing, "section_starts", None)
        if find is None:
            return None
        sections = [(tokenize(s, MAX_LINE_CHARS), t) for s, t in zip(scripts, titles, strict=True)]
        began, peak = time.perf_counter(), peak_mb()
        found = find(samples, sections)
        self.calls.append((len(samples) / 16_000, time.perf_counter() - began, "section_starts()"))
        self._grew(peak, f"section_starts() ({len(samples) / 16_000:.0f} s)")
        return found

    def _grew(self, before: float, what: str) -> None:
        if peak_mb() - before >= GREW_MB:
            self.growth.append(f"{what}: peak {before:.0f} -> {peak_mb():.0f} MB")

    def kept(self, name: str, samples: np.ndarray, script: str, title: str) -> None:
        """`samples` as a WAV, and its script beside it, for whoever fixes the aligner."""
        if self.keep is None:
            return
        import wave

        self.keep.mkdir(parents=True, exist_ok=True)
        stem = self.keep / "".join(c if c.isalnum() or c in "-+." else "_" for c in name)[:120]
        with wave.open(str(stem.with_suffix(".wav")), "wb") as out:
            out.setnchannels(1)
            out.setsampwidth(2)
            out.setframerate(16_000)
            out.writeframes(samples.astype("<i2").tobytes())
        stem.with_suffix(".txt").write_text(f"title: {title}\n\n{script}\n", encoding="utf-8")

    def speed(self) -> dict:
        audio = sum(a for a, _, _ in self.calls)
        wall = sum(w for _, w, _ in self.calls)
        slowest = min(self.calls, key=lambda c: c[0] / c[1], default=(0, 1, ""))
        return {
            "calls": len(self.calls),
            "audio_seconds": round(audio, 1),
            "wall_seconds": round(wall, 1),
            "realtime": round(audio / wall, 1) if wall else None,
            "slowest_realtime": round(slowest[0] / slowest[1], 1),
            "slowest": f"{slowest[2]}: {slowest[0]:.0f} s of audio in {slowest[1]:.0f} s",
            "peak_mb": round(peak_mb()),
            "peak_grew": self.growth,
        }


def peak_mb() -> float:
    """This process's peak resident memory, MB: Linux's VmHWM, else ru_maxrss (which Linux
    carries over fork and exec, so a process started by a bigger one reports its peak)."""
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def source_digest() -> str:
    """What the figures are of: a digest of timing/hearing.py and timing/listen.py."""
    import hashlib

    timing = REPO / "pipeline" / "timing"
    text = b"".join((timing / name).read_bytes() for name in ("hearing.py", "listen.py"))
    return hashlib.sha256(text).hexdigest()[:12]


# --- 1. word onsets --------------------------------------------------------------------------


@cache
def demo_sections() -> list[tuple[str, str]]:
    """(title, narration text) of every section of the two demo episodes."""
    from pipeline.script.load import load_essay

    return [
        (s.title, s.narration.text)
        for name in ("her", "groundhog-day")
        for s in load_essay(REPO / "essays" / f"{name}.yaml").sections
    ]


def measure_onsets(ear: Ear, quick: bool) -> dict:
    """Each synthesized reading heard, and its tokens' onset errors by voice and rate."""
    sections = demo_sections()
    if quick:
        sections = [s for s in sections if s[0] in ("Cold open", "The departure")]
    rows, everything, readings = [], [], []
    for voice in VOICES:
        for speed in (160,) if quick else SPEEDS:
            errors, untimed = [], 0
            for seed, (title, text) in enumerate(sections):
                r = synthetic_reading(title, text, title, voice, speed, seed)
                found = ear.hear(r.name, r.samples, r.script, r.title)
                readings.append((r, found))
                for truth, times in zip(r.truth, found.times, strict=True):
                    if truth is None:
                        continue
                    if times is None:
                        untimed += 1
                    else:
                        errors.append(times[0] - truth)
            rows.append({"voice": voice, "wpm": speed, **onset_stats(errors), "untimed": untimed})
            everything += errors
    untimed = sum(r["untimed"] for r in rows)
    total = {"voice": "all", "wpm": "", **onset_stats(everything), "untimed": untimed}
    return {"rows": rows, "all": total, "readings": readings}


def onset_stats(errors: Sequence[float]) -> dict:
    e = np.asarray(errors) * 1000
    return {
        "tokens": len(e),
        "median_ms": round(float(np.median(np.abs(e))), 1),
        "p90_ms": round(float(np.percentile(np.abs(e), 90)), 1),
        "bias_ms": round(float(np.median(e)), 1),  # signed: + is late
        "worst_ms": round(float(e[np.argmax(np.abs(e))]), 1),
    }


# --- 2. faults -------------------------------------------------------------------------------


def sonnets(quick: bool = False) -> tuple[Reading, Reading]:
    """The two readings (with --quick, the first to its fourth line only)."""
    two, three = sonnet("sonnet2"), sonnet("sonnet3")
    return (two.excerpt(4), three) if quick else (two, three)


@cache
def sonnet(name: str) -> Reading:
    return human_reading(HUMAN / f"{name}.mp3", HUMAN / f"{name}.txt")


def fault_cases(quick: bool) -> list[tuple[Faulty, str]]:
    """Each fault made at a line at the start, in the middle and at the end of a reading
    (in the middle only, of a short one, with --quick), with noise and without."""
    human = sonnets(quick)
    pairs = [(human[0], human[1], "human")] + ([] if quick else [(human[1], human[0], "human")])
    title, text = _section("Cold open" if quick else "Man and machine")
    other_title, other_text = _section("Phil's contempt")
    for voice in VOICES[:1] if quick else VOICES:
        r = synthetic_reading(title, text, title, voice, 160, seed=10)
        o = synthetic_reading(other_title, other_text, other_title, voice, 160, seed=11)
        pairs.append((r, o, "synthesized"))
    cases = []
    for r, other, source in pairs:
        lines = range(r.first, r.last + 1)
        theirs = range(other.first, other.last + 1)
        at = [lines[len(lines) // 2]] if quick else [lines[0], lines[len(lines) // 2], lines[-1]]
        for k in at:
            # the other sonnet's line in the same place; the other episode's sentence two on
            # (its first is the series' opening line, which Cold open says too)
            j = theirs[(k - r.first + (0 if source == "human" else 2)) % len(theirs)]
            made = [flub(r, k), said_twice(r, k), left_out(r, k), unscripted(r, k, other, j)]
            cases += [(c, source) for c in made]
    if not quick:
        rng = np.random.default_rng(20)
        cases += [(noisy(c, rng), f"{s} + noise") for c, s in list(cases)]
    return cases


def _section(title: str) -> tuple[str, str]:
    return next(s for s in demo_sections() if s[0] == title)


def noisy(case, rng: np.random.Generator):
    return replace(case, samples=with_noise(case.samples, SNR, rng))


def sectioned_cases(quick: bool) -> list[tuple[Sectioned, str]]:
    """Three sections in one take, each after its title said as a heading: sonnet 2's
    first lines, sonnet 3, and the rest of sonnet 2 after its number said again; and three
    demo sections read by espeak-ng."""
    two, three = sonnets(quick)
    split = 2 if quick else 4
    cases = [(sectioned("sonnets 2, 3, 2", [
        (two, 1, split, "Two"),
        (three, 1, 2 if quick else three.last, "Three"),
        (two, split + 1, two.last, "Two, continued"),
    ]), "human")]  # fmt: skip
    if not quick:
        titles = ("Cold open", "The departure", "Character and theme")
        for voice in VOICES:
            parts = [synthetic_reading(t, _section(t)[1], t, voice, 160, seed, headed=True)
                     for seed, t in enumerate(titles)]  # fmt: skip
            name = f"three demo sections ({voice}, 160 wpm)"
            cases.append((sectioned(name, [(r, 1, r.last, r.title) for r in parts]), "synthesized"))
        rng = np.random.default_rng(21)
        cases += [(noisy(c, rng), f"{s} + noise") for c, s in list(cases)]
    return cases


@dataclass(frozen=True)
class Outcome:
    kind: str
    source: str
    name: str
    found: bool
    expected: str
    returned: tuple[str, ...]
    extra: tuple[str, ...]


def judged(ear: Ear, case: Faulty, source: str) -> Outcome:
    found = ear.hear(case.name, case.samples, case.script, case.title)
    verdict = judge(case, found)
    if not verdict.found or verdict.extra:
        ear.kept(f"{case.kind} {source} {case.name}", case.samples, case.script, case.title)
    return Outcome(case.kind, source, case.name, verdict.found, case.expected,
                   verdict.returned, verdict.extra)  # fmt: skip


def heard_sections(ear: Ear, case: Sectioned, source: str) -> list[Outcome]:
    """Each section's start found, and the section heard on its own as a build hears it
    (the words heard in the whole take, on its clock); without section_starts (not there
    yet), each section is cut at its true start."""
    rate = 16_000
    found = ear.section_starts(case.samples, case.scripts, case.titles)
    starts, heard = found if found is not None else ([m.at for m in case.marks], None)
    bounds = [s if s is not None else m.at for s, m in zip(starts, case.marks, strict=True)]
    bounds.append(len(case.samples) / rate)
    out: list[Outcome] = []
    for k, (script, title) in enumerate(zip(case.scripts, case.titles, strict=True)):
        a, b = bounds[k], bounds[k + 1]
        words = None
        if heard is not None:
            words = [
                replace(w, start=w.start - a, end=w.end - a) for w in heard if a <= w.start < b
            ]
        piece = case.samples[round(a * rate) : round(b * rate)]
        hearing = ear.hear(f"{case.name}, section {k + 1}", piece, script, title, words)
        said = tuple(_shifted(line, a) for line in warnings(hearing))
        start_ok = k == 0 or (starts[k] is not None and case.marks[k].near(starts[k]))
        at = "not found" if starts[k] is None else f"found at {starts[k]:.2f} s"
        start_said = () if start_ok else (f"section start {at}",)
        out.append(Outcome(
            "heading", source, f"{case.name}, section {k + 1} '{title}'", start_ok and not said,
            f"start at {case.marks[k]}, nothing warned of", start_said + said, start_said + said,
        ))  # fmt: skip
    if not all(o.found for o in out):
        ear.kept(f"heading {source} {case.name}", case.samples, "\n\n".join(
            f"[{t}] {s}" for s, t in zip(case.scripts, case.titles, strict=True)), "")  # fmt: skip
    return out


def _shifted(line: str, at: float) -> str:
    return f"(section from {at:.2f} s) {line}"


def summary(outcomes: Sequence[Outcome]) -> dict:
    table = {
        kind: {
            source: [sum(o.found for o in mine), len(mine)]
            for source in SOURCES
            if (mine := [o for o in outcomes if o.kind == kind and o.source == source])
        }
        for kind in KINDS
    }
    return {
        "made": len(outcomes),
        "found": sum(o.found for o in outcomes),
        "missed": sum(not o.found for o in outcomes),
        "extra_warnings": sum(len(o.extra) for o in outcomes if o.found),
        "table": table,
        "cases": [o.__dict__ for o in outcomes],
    }


# --- 3. false alarms -------------------------------------------------------------------------


def false_alarms(ear: Ear, synthesized: list, quick: bool) -> dict:
    """Warnings on takes read as written: the sonnets, and part 1's readings."""
    takes = [(r, "human", None) for r in sonnets(quick)]
    takes += [(r, "synthesized", found) for r, found in synthesized]
    if not quick:
        rng = np.random.default_rng(30)
        takes += [(replace(r, samples=with_noise(r.samples, SNR, rng)), f"{s} + noise", None)
                  for r, s, _ in takes if s == "human" or r.name.endswith("160 wpm)")]  # fmt: skip
    alarms = []
    for r, source, found in takes:
        found = found or ear.hear(r.name, r.samples, r.script, r.title)
        if warnings(found) or not found.heard:
            ear.kept(f"clean {source} {r.name}", r.samples, r.script, r.title)
        alarms += [{"take": r.name, "source": source, "warning": w} for w in warnings(found)]
        if not found.heard:
            alarms.append({"take": r.name, "source": source, "warning": "not heard as its script"})
    return {"takes": len(takes), "count": len(alarms), "list": alarms}


# --- 4. a long take --------------------------------------------------------------------------


def long_take() -> dict:
    """hear() over a LONG_MINUTES take: read in one process, heard in another that holds
    nothing else, so that its peak memory is hear()'s and the take's."""
    import multiprocessing
    import tempfile
    from concurrent.futures import ProcessPoolExecutor

    spawn = multiprocessing.get_context("spawn")
    with tempfile.TemporaryDirectory() as tmp:
        with ProcessPoolExecutor(1, mp_context=spawn) as pool:
            read = pool.submit(_long_reading, Path(tmp) / "take.npy").result()
        with ProcessPoolExecutor(1, mp_context=spawn) as pool:
            return {**read, **pool.submit(_long_hearing, Path(tmp) / "take.npy").result()}


def long_text() -> tuple[str, list[str]]:
    """Prose to read for LONG_MINUTES that does not say a passage twice (a script that does
    reads as a retake): the GPL's text as the system ships it, paragraph by paragraph (its
    lines with addresses left out); else the demo narration, over and over."""
    if GPL.exists():
        text = GPL.read_text(encoding="utf-8").split("Preamble", 1)[-1]
        kept = [line for line in text.splitlines() if "<" not in line and "http" not in line]
        return GPL.name, [" ".join(p.split()) for p in "\n".join(kept).split("\n\n") if p.strip()]
    return "demo narration, repeated", [text for _, text in demo_sections()] * 12


def _long_reading(path: Path) -> dict:
    """The take, saved at `path`, its script beside it."""
    source, paragraphs = long_text()
    parts, scripts, seconds = [], [], 0.0
    while paragraphs and seconds < LONG_MINUTES * 60:  # read in parts of 300 words or more
        words = 0
        part = []
        while paragraphs and words < 300:
            part.append(paragraphs.pop(0))
            words += len(part[-1].split())
        r = synthetic_reading("long", " ".join(part), "", VOICES[0], SPEEDS[-1], len(parts))
        parts.append(r.samples)
        scripts.append(r.script)
        seconds += r.seconds
    np.save(path, np.concatenate(parts))
    path.with_suffix(".txt").write_text(" ".join(scripts), encoding="utf-8")
    return {"text": source, "minutes": round(seconds / 60, 1)}


def _long_hearing(path: Path) -> dict:
    samples = np.load(path)
    script = path.with_suffix(".txt").read_text(encoding="utf-8")
    ear = Ear()
    before = resident_mb()
    found = ear.hear("the long take", samples, script, "")
    return {
        "realtime": ear.speed()["realtime"],
        "rss_mb_before_hear": round(before),
        "peak_mb": round(peak_mb()),
        "heard": found.heard,
        "warnings": len(warnings(found)),
        "warning_lines": warnings(found),  # the take reads its script as written: all false
        "tokens": len(found.times),
        "untimed_tokens": sum(t is None for t in found.times),
    }


def resident_mb() -> float:
    """This process's resident memory now, MB (0 where /proc is not there)."""
    status = Path("/proc/self/status")
    lines = status.read_text().splitlines() if status.exists() else []
    return next((int(line.split()[1]) / 1024 for line in lines if line.startswith("VmRSS:")), 0)


# --- the report ------------------------------------------------------------------------------


def report(figures: dict) -> None:
    onset = figures["onset"]
    print("1. Word onset error, synthesized speech (truth: espeak-ng's word events)")
    print(f"   {'voice':<15}{'wpm':>4}{'tokens':>8}{'median':>9}{'p90':>8}{'bias':>8}"
          f"{'worst':>9}{'untimed':>9}")  # fmt: skip
    for row in [*onset["rows"], onset["all"]]:
        print(f"   {row['voice']:<15}{row['wpm']!s:>4}{row['tokens']:>8}{row['median_ms']:>6.0f} ms"
              f"{row['p90_ms']:>5.0f} ms{row['bias_ms']:>+5.0f} ms{row['worst_ms']:>+6.0f} ms"
              f"{row['untimed']:>9}")  # fmt: skip
    print(f"   {'target':<27}{TARGET_MEDIAN_MS:>6} ms{TARGET_P90_MS:>5} ms")
    faults = figures["faults"]
    print(f"\n2. Faults spliced into takes: {faults['found']} of {faults['made']} found")
    print(f"   {'':<29}" + "".join(f"{s:>21}" for s in SOURCES))
    for kind, label in KINDS.items():
        cells = faults["table"][kind]
        row = "".join(f"{_found(cells.get(s)):>21}" for s in SOURCES)
        print(f"   {label:<29}{row}")
    print(f"   other warnings in takes whose fault was found: {faults['extra_warnings']}")
    alarms = figures["false_alarms"]
    print(f"\n3. False alarms on clean takes: {alarms['count']} in {alarms['takes']} takes")
    speed = figures["speed"]
    minutes = speed["audio_seconds"] / 60
    print(f"\n4. Speed: hear() {speed['realtime']}x realtime over {minutes:.1f} min of audio "
          f"({speed['calls']} calls; slowest {speed['slowest_realtime']}x, {speed['slowest']}); "
          f"peak memory {speed['peak_mb']} MB")  # fmt: skip
    if "long" in figures:
        long = figures["long"]
        print(f"   {long['minutes']} min take ({long['text']}): {long['realtime']}x realtime, "
              f"peak memory {long['peak_mb']} MB ({long['rss_mb_before_hear']} MB before hear()); "
              f"{'heard' if long['heard'] else 'NOT heard as its script'}, {long['warnings']} "
              f"warnings, {long['untimed_tokens']} of {long['tokens']} tokens untimed")  # fmt: skip
    for line in speed["peak_grew"]:
        print(f"   {line}")
    print(f"   wall time of the benchmark: {figures['wall_seconds']} s")
    if figures["source_changed"]:
        print("   (timing/hearing.py or listen.py changed while it ran: figures of both)")
    missed = [c for c in faults["cases"] if not c["found"]]
    if missed:
        print("\nMissed:")
    for c in missed:
        print(f"- {KINDS[c['kind']]}, {c['source']}: {c['name']}\n  expected {c['expected']}")
        for line in c["returned"] or ("(nothing)",):
            print(f"  hear(): {line}")
    extra = [c for c in faults["cases"] if c["found"] and c["extra"]]
    if extra:
        print("\nFound, with other warnings besides:")
    for c in extra:
        print(f"- {KINDS[c['kind']]}, {c['source']}: {c['name']}")
        for line in c["extra"]:
            print(f"  hear(): {line}")
    if alarms["list"]:
        print("\nFalse alarms:")
    for a in alarms["list"]:
        print(f"- {a['take']} ({a['source']}): {a['warning']}")


def _found(cell: list[int] | None) -> str:
    return f"{cell[0]}/{cell[1]} found" if cell else "-"


if __name__ == "__main__":
    main()
