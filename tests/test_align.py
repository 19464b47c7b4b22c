"""Alignment: the script's sentences found in a take, its disagreements reported."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import Project, speechlike, write_wav

from pipeline.produce import check
from pipeline.script.settings import Subtitles
from pipeline.timing.align import align
from pipeline.timing.cues import WordTimes, make_cues
from pipeline.timing.envelope import levels
from pipeline.timing.text import tokenize

RATE = 48_000
SYLLABLE = 0.2  # seconds


def syllables(seconds: float, seed: int) -> np.ndarray:
    """Voiced syllables, varying in loudness, with short dips between them (not pauses)."""
    rng = np.random.default_rng(seed)
    t = np.arange(int(seconds * RATE)) / RATE
    envelope = 0.35 + 0.65 * np.sin(np.pi * t / SYLLABLE) ** 2
    pitch = 110 + 30 * np.sin(2 * np.pi * 0.5 * t + rng.uniform(0, 6))
    voice = np.sin(2 * np.pi * np.cumsum(pitch) / RATE) + rng.normal(0, 0.15, len(t))
    return (0.25 * envelope * voice).astype(np.float32)


SENTENCES = [
    "Then the operating systems leave, all of them, together.",
    "Samantha tells Theodore that she is going somewhere he cannot follow.",
    "In story terms, this is the turn.",
    "As long as Samantha was there, Theodore had an easy alternative to the hard work of grief.",
    "Her departure takes that alternative away.",
]


def narrate(seed: int = 1, pace: float = 1.0) -> tuple[np.ndarray, list[float]]:
    """Sentences as syllables at a varying pace, pauses of 0.3-0.9 s between them and a
    short breath inside some; returns the take and each sentence's true start."""
    rng = np.random.default_rng(seed)
    parts, truth, t = [np.zeros(int(0.4 * RATE))], [], 0.4
    for k, sentence in enumerate(SENTENCES):
        truth.append(t)
        clauses = sentence.split(", ")
        for c, clause in enumerate(clauses):
            count = sum(len(w) for w in clause.split()) / 3.2  # about a syllable a 3 letters
            seconds = count * SYLLABLE * pace * rng.uniform(0.85, 1.15)
            parts.append(syllables(seconds, seed * 10 + k))
            t += seconds
            if c < len(clauses) - 1:
                gap = rng.uniform(0.12, 0.3)  # a comma's breath
                parts.append(np.zeros(int(gap * RATE)))
                t += int(gap * RATE) / RATE
        gap = rng.uniform(0.3, 0.9)
        parts.append(np.zeros(int(gap * RATE)))
        t += int(gap * RATE) / RATE
    take = np.concatenate(parts).astype(np.float32)
    return take + np.random.default_rng(0).normal(0, 0.001, len(take)).astype(np.float32), truth


def sentence_cue_starts(text: str, take: np.ndarray) -> list[float]:
    tokens = tokenize(text, 42)
    result = align(tokens, levels(take))
    cues = make_cues(tokens, WordTimes(result.starts, result.ends), Subtitles(), 30)
    starts = {}
    for cue in cues:
        starts[cue.text.split()[0] + str(len(starts))] = cue.start
    firsts = [s.split()[0] for s in SENTENCES]
    found, k = [], 0
    for cue in cues:
        if k < len(firsts) and cue.text.startswith(SENTENCES[k][:20]):
            found.append(cue.start)
            k += 1
    assert k == len(SENTENCES), "every sentence should begin a cue"
    assert firsts
    return found


@pytest.mark.parametrize("seed, pace", [(1, 1.0), (2, 0.8), (3, 1.25)])
def test_cues_start_within_150_ms_of_each_sentence(seed: int, pace: float) -> None:
    take, truth = narrate(seed, pace)
    starts = sentence_cue_starts(" ".join(SENTENCES), take)
    errors = np.abs(np.array(starts) - np.array(truth))
    assert errors.max() < 0.150, errors


def test_take_and_script_agree_so_no_doubts() -> None:
    take, _ = narrate()
    tokens = tokenize(" ".join(SENTENCES), 42)
    assert align(tokens, levels(take)).doubts == ()


def test_a_sentence_missing_from_the_take_is_doubted() -> None:
    take, truth = narrate()
    # cut the fourth sentence (the longest) out of the recording
    cut = np.concatenate([take[: int(truth[3] * RATE)], take[int(truth[4] * RATE) :]])
    tokens = tokenize(" ".join(SENTENCES), 42)
    doubts = align(tokens, levels(cut)).doubts
    assert doubts and any("is it spoken" in d or "far more" in d for d in doubts)


def test_check_warns_about_a_take_much_longer_than_its_script(project: Project) -> None:
    long_text = "A section with a long text, " * 6 + "and its take is the right length for it."
    data = project.read()
    for k, section in enumerate(data["sections"]):
        section["narration"]["text"] = long_text
        write_wav(project.root / f"assets/t/n{k}.wav", speechlike(9.0, seed=k))
    project.write(data)
    write_wav(project.root / "assets/t/n1.wav", speechlike(30.0, seed=5))  # a retake too many
    warnings = check(project.episode).timeline.warnings
    assert any(
        "sections[1].narration.text" in str(w) and "more than the script" in str(w)
        for w in warnings
    )
    assert all(w.warning for w in warnings)


def test_single_take_sections_are_found_by_alignment(project: Project) -> None:
    texts = [" ".join(SENTENCES[:2]), " ".join(SENTENCES[2:])]
    take, truth = narrate()
    write_wav(project.root / "assets/t/full.wav", take)
    data = project.read()
    data["narration"] = {"take": "assets/t/full.wav"}
    for section, text in zip(data["sections"], texts, strict=True):
        del section["narration"]["audio"]
        section["narration"]["text"] = text
    project.write(data)
    checked = check(project.episode)
    second = checked.timeline.sections[1]
    # the second section's take starts with its first sentence (plus the trim margin)
    first_cue = next(c for c in checked.timeline.cues if c.start >= second.speech_start - 0.1)
    assert first_cue.text.startswith("In story terms")
    margin = 0.15
    assert abs(checked.takes["one"].duration - (truth[2] - truth[0])) < 1.0 + 2 * margin
