"""How close subtitle cues start to the voice: alignment against the truth.

    python benchmarks/alignment.py
    python benchmarks/alignment.py --json out.json

Narration with known sentence starts: espeak-ng speaks each sentence of the demo episode
separately; the sentences are joined with varied pauses over a noise floor, in two voices
and three speaking rates. Each section is aligned as a build would align it, and the error
of every cue that begins a sentence is measured against the true sentence start. The same
is printed for proportional timing (cues spread over the speech by text length, as the
first version did), so the gain is visible.

Human speech has no timings here, so for the two readings in ../shared/data/human-speech
it reports how many cues that begin a line start in the quiet before it (the level at the
cue start within 8 dB of the reading's noise floor) rather than inside a word.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
HUMAN = REPO.parent / "shared" / "data" / "human-speech"
RATE = 48_000
VOICES = ("en-us+m3", "en-gb-x-rp+f3")
SPEEDS = (130, 160, 190)  # words a minute


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", help="also write the figures to this file")
    args = parser.parse_args()
    from pipeline.base.ffmpeg import decode_audio  # noqa: F401 - fail early if not installed

    texts = _episode_texts()
    rows = []
    for voice in VOICES:
        for speed in SPEEDS:
            rows.append(_measure(texts, voice, speed))
            _print_row(rows[-1])
    total = {
        "voice": "all", "speed": "all",
        **_stats([e for r in rows for e in r["aligned_errors"]], "aligned"),
        **_stats([e for r in rows for e in r["proportional_errors"]], "proportional"),
    }  # fmt: skip
    _print_row(total)
    human = [_human(name) for name in ("sonnet2", "sonnet3") if (HUMAN / f"{name}.mp3").exists()]
    for h in human:
        print(
            f"human speech {h['name']}: {h['in_pause']} of {h['line_cues']} line cues "
            "start in the pause before the line"
        )
    if args.json:
        for r in rows:
            r.pop("aligned_errors"), r.pop("proportional_errors")
        Path(args.json).write_text(
            json.dumps({"synthetic": rows, "all": total, "human": human}, indent=2)
        )


def _episode_texts() -> list[str]:
    from pipeline.script.load import load_essay

    return [s.narration.text for s in load_essay(REPO / "essays" / "her.yaml").sections]


def _measure(texts: list[str], voice: str, speed: int) -> dict:
    from pipeline.script.settings import Subtitles
    from pipeline.timing.align import align, speech_bounds
    from pipeline.timing.cues import WordTimes, make_cues, proportional
    from pipeline.timing.envelope import levels
    from pipeline.timing.text import ends_sentence, tokenize

    style = Subtitles()
    rng = np.random.default_rng(speed)
    aligned_errors, proportional_errors = [], []
    for text in texts:
        tokens = tokenize(text, style.max_line_chars)
        first_tokens = [0] + [i + 1 for i in range(len(tokens) - 1) if ends_sentence(tokens, i)]
        sentences = [
            " ".join(t.text for t in tokens[a:b])
            for a, b in zip(first_tokens, [*first_tokens[1:], len(tokens)], strict=True)
        ]
        take, truth = _narrate(sentences, voice, speed, rng)
        level = levels(take)
        result = align(tokens, level)
        timed = {
            "aligned": WordTimes(result.starts, result.ends),
            "proportional": proportional(tokens, *speech_bounds(level)),
        }
        for name, timing in timed.items():
            cues = make_cues(tokens, timing, style, 30)
            starts = _cue_starts(tokens, cues)
            errors = aligned_errors if name == "aligned" else proportional_errors
            errors += [
                starts[i] - t for i, t in zip(first_tokens, truth, strict=True) if i in starts
            ]
    return {
        "voice": voice, "speed": speed,
        "aligned_errors": aligned_errors, "proportional_errors": proportional_errors,
        **_stats(aligned_errors, "aligned"), **_stats(proportional_errors, "proportional"),
    }  # fmt: skip


def _cue_starts(tokens, cues) -> dict[int, float]:
    """Token index -> start time, for the first token of each cue."""
    out, i = {}, 0
    for cue in cues:
        out[i] = cue.start
        i += len(cue.text.split(" ")) if " " in cue.text else 1
        while i < len(tokens) and not tokens[i].space and i not in out:
            i += 1
    return out


def _narrate(sentences: list[str], voice: str, speed: int, rng) -> tuple[np.ndarray, list[float]]:
    """Each sentence spoken alone, joined with pauses of 0.25-0.9 s over a -60 dBFS floor."""
    parts, truth, t = [_silence(0.4)], [], 0.4
    for sentence in sentences:
        voice_part = _espeak(sentence, voice, speed)
        truth.append(t)
        parts.append(voice_part)
        t += len(voice_part) / RATE
        gap = rng.uniform(0.25, 0.9)
        parts.append(_silence(gap))
        t += gap
    take = np.concatenate(parts)
    take += rng.normal(0, 10 ** (-60 / 20), len(take)).astype(np.float32)
    return take, truth


def _silence(seconds: float) -> np.ndarray:
    return np.zeros(int(seconds * RATE), dtype=np.float32)


def _espeak(text: str, voice: str, speed: int) -> np.ndarray:
    """The project's own scratch voice (libespeak-ng from the espeakng-loader wheel), so
    this runs wherever the project is installed, CI included."""
    from pipeline.audio.scratch import speak
    from pipeline.script.settings import Scratch

    x = speak(text, Scratch(voice=voice, rate=speed)).samples.astype(np.float32) / 32768
    loud = np.flatnonzero(np.abs(x) > 0.003)  # espeak pads with digital silence: cut it
    return x[loud[0] : loud[-1] + 1].astype(np.float32) * 0.5


def _human(name: str) -> dict:
    from pipeline.base.ffmpeg import decode_audio
    from pipeline.script.settings import Subtitles
    from pipeline.timing.align import align
    from pipeline.timing.cues import WordTimes, make_cues
    from pipeline.timing.envelope import HOP, levels
    from pipeline.timing.text import tokenize

    lines = (HUMAN / f"{name}.txt").read_text(encoding="utf-8").splitlines()
    take = decode_audio(HUMAN / f"{name}.mp3")[:, 0]
    level = levels(take)
    style = Subtitles()
    tokens = tokenize(" ".join(lines), style.max_line_chars)
    result = align(tokens, level)
    cues = make_cues(tokens, WordTimes(result.starts, result.ends), style, 30)
    line_starts = {_first_word_index(lines, k) for k in range(len(lines))}
    starts = _cue_starts(tokens, cues)
    floor = np.percentile(level, 10)
    at_lines = [t for i, t in starts.items() if i in line_starts]
    quiet = [t for t in at_lines if level[min(len(level) - 1, int(t / HOP))] < floor + 8]
    return {"name": name, "line_cues": len(at_lines), "in_pause": len(quiet)}


def _first_word_index(lines: list[str], k: int) -> int:
    return sum(len(line.split()) for line in lines[:k])


def _stats(errors: list[float], name: str) -> dict:
    e = np.abs(np.array(errors)) * 1000 if errors else np.zeros(1)
    return {
        f"{name}_median_ms": round(float(np.median(e))),
        f"{name}_p95_ms": round(float(np.percentile(e, 95))),
        f"{name}_n": len(errors),
    }


def _print_row(row: dict) -> None:
    print(
        f"{row['voice']:>9} {row['speed']!s:>4} wpm: aligned median {row['aligned_median_ms']} ms, "
        f"p95 {row['aligned_p95_ms']} ms ({row['aligned_n']} sentences) | proportional median "
        f"{row['proportional_median_ms']} ms, p95 {row['proportional_p95_ms']} ms"
    )


if __name__ == "__main__":
    main()
