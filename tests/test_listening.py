"""Takes as narrators hand them in, heard against their script: a flub and its retake, a
line left out, an ad-lib, one take of several sections with spoken headings, and a human
reading (LibriVox) with a line missing. Real speech throughout: the project's own scratch
voice (espeak-ng from its wheel) and ../shared/data/human-speech."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import opentimelineio as otio
import pytest
from click.testing import CliRunner
from conftest import RATE, Project, make_project, spoken, write_wav

from pipeline.base.ffmpeg import decode_audio
from pipeline.cli import main
from pipeline.produce import build, check
from pipeline.publish.profiles import DRAFT
from pipeline.timing import hearing, listen
from pipeline.timing.text import tokenize

LINES = [
    "Phil wakes at six every morning.",
    "The radio plays the same song again.",
    "He decides to learn the piano.",
]
HUMAN = Path(__file__).resolve().parents[2] / "shared" / "data" / "human-speech"


def pause(seconds: float) -> np.ndarray:
    return np.random.default_rng(7).normal(0, 0.001, int(seconds * RATE)).astype(np.float32)


def take(*said: str) -> np.ndarray:
    """The phrases read in order, with a pause between them."""
    parts = [pause(0.3)]
    for text in said:
        parts += [spoken(text), pause(0.6)]
    return np.concatenate(parts)


def with_take(project: Project, samples: np.ndarray, text: str = " ".join(LINES)) -> Project:
    """Section one given `samples` as its take and `text` as its script."""
    path = write_wav(project.root / "assets/t/take.wav", samples)
    data = project.read()
    data["sections"][0]["narration"] = {"audio": str(path.relative_to(project.root)),
                                        "text": text}  # fmt: skip
    project.write(data)
    return project


def essay(project: Project, *args: str):
    result = CliRunner().invoke(main, [*args, str(project.episode)])
    assert "Traceback" not in result.output
    return result


def text_line(project: Project) -> int:
    """The line of the YAML where section one's text is written."""
    lines = project.episode.read_text().splitlines()
    return next(i for i, line in enumerate(lines, 1) if LINES[0][:20] in line)


@pytest.fixture
def fresh(tmp_path: Path) -> Project:
    return make_project(tmp_path / "proj")


def test_a_clean_take_gets_no_warning(fresh) -> None:
    checked = check(with_take(fresh, take(*LINES)).episode)
    assert not checked.timeline.disagreements and not checked.timeline.cuts
    assert not [w.message for w in checked.warnings if "take" in w.message]


def test_a_flub_and_its_retake_is_cut_and_said_once(fresh) -> None:
    flubbed = take(LINES[0], "The radio plays", *LINES[1:])
    clean = check(with_take(fresh, take(*LINES)).episode).timeline
    project = with_take(fresh, flubbed)
    result = essay(project, "build", "--profile", "draft")
    assert result.exit_code == 0, result.output
    said = [line for line in result.stderr.splitlines() if "is read again" in line]
    assert len(said) == 1 and "'The radio plays" in said[0], result.stderr
    built = build(project.episode, DRAFT)
    timeline = check(project.episode).timeline
    assert len(timeline.cuts) == 1 and not timeline.disagreements
    # the flub (about a second and a half with its pause) is gone from the sound
    assert abs(timeline.duration - clean.duration) < 0.3, (timeline.duration, clean.duration)
    sound = decode_audio(built.folder / "tiny.mp4")
    assert abs(len(sound) / 48_000 - timeline.duration) < 0.1
    words = [w.text for w in timeline.words if w.section == 0]
    assert words == " ".join(LINES).split()
    # the editor's timeline carries the cut: section one's take is two clips, the flub
    # between them left out of the file's samples
    assert essay(project, "export").exit_code == 0
    made = otio.adapters.read_from_file(str(project.root / "output/tiny-timeline/tiny.otio"))
    (narration,) = [t for t in made.tracks if t.name == "Narration"]
    clips = [c for c in narration.find_clips() if c.metadata["essay"]["section"] == "one"]
    assert len(clips) == 2
    first, second = (c.source_range for c in clips)
    skipped = (second.start_time - first.end_time_exclusive()).to_seconds()
    assert 1.0 < skipped < 2.5, skipped  # "The radio plays" and its pause


def test_keep_all_keeps_both_readings_and_says_so(fresh) -> None:
    project = with_take(fresh, take(LINES[0], LINES[1], *LINES[1:]))
    data = project.read()
    data["sections"][0]["narration"]["retakes"] = "keep-all"
    project.write(data)
    timeline = check(project.episode).timeline
    assert not timeline.cuts
    assert any("is read twice" in d.message for d in timeline.disagreements), timeline.warnings


def test_a_line_left_out_warns_on_its_line_and_strict_refuses(fresh) -> None:
    project = with_take(fresh, take(LINES[0], LINES[2]))
    result = essay(project, "check")
    assert result.exit_code == 0, result.output
    warned = [line for line in result.stderr.splitlines() if "does not say" in line]
    assert len(warned) == 1, result.stderr
    assert warned[0].startswith(f"{project.episode}:{text_line(project)}:")
    assert f"'{LINES[1]}'" in warned[0]
    strict = essay(project, "build", "--profile", "draft", "--strict")
    assert strict.exit_code == 2 and "nothing was built" in strict.stderr
    assert not (project.root / "output" / "tiny").exists()
    # no cue shows the missing line over the next one
    timeline = check(project.episode).timeline
    assert not any("radio" in c.text for c in timeline.cues)


def test_an_ad_lib_is_warned_and_no_cue_is_up_over_it(fresh) -> None:
    extra = "Honestly, nobody could blame him for that."
    project = with_take(fresh, take(LINES[0], extra, *LINES[1:]))
    timeline = check(project.episode).timeline
    (warned,) = timeline.disagreements
    assert "the script does not have" in warned.message
    heard = [w for w in listen.words_of(extra) if w in warned.message]
    assert len(heard) >= 3, warned.message  # it says what it heard
    ends = [w.end for w in timeline.words if w.text.startswith("morning")]
    starts = [w.start for w in timeline.words if w.text == "The"]
    gap = (ends[0], starts[0])  # the ad-lib is said between these
    assert gap[1] - gap[0] > 1.5
    assert not any(c.start < gap[1] - 0.3 and c.end > gap[0] + 0.3 for c in timeline.cues)


def test_one_take_of_several_sections_is_split_before_each_heading() -> None:
    sections = [(LINES[0] + " " + LINES[1], "The loop"), (LINES[2], "The way out")]
    samples = take(sections[0][1], LINES[0], LINES[1], sections[1][1], LINES[2])
    heading = len(take(sections[0][1], LINES[0], LINES[1])) / RATE  # where "The way out" begins
    at16 = listen.to_16k((samples * 32767).astype(np.int16), RATE)
    starts, heard = hearing.section_starts(at16, [(tokenize(t, 42), h) for t, h in sections])
    said_before = max(h.end for h in heard if h.end < heading)
    assert said_before < starts[1] < heading + 0.05, (starts, heading)


needs_human = pytest.mark.skipif(not (HUMAN / "sonnet2.mp3").exists(),
                                 reason="../shared/data/human-speech is not here")  # fmt: skip


@needs_human
def test_a_human_reading_is_heard_clean_and_a_line_cut_from_it_is_missed() -> None:
    samples = decode_audio(HUMAN / "sonnet2.mp3", rate=16_000, sample_format="s16le")[:, 0]
    lines = (HUMAN / "sonnet2.txt").read_text().splitlines()
    text = " ".join(lines[1:])  # its first line is the sonnet's number, read as a heading
    clean = hearing.hear(samples, tokenize(text, 42), title=lines[0])
    assert clean.heard and not clean.disagreements and not clean.retakes
    # the fifth line cut out of the reading, in the pauses either side of it
    words = [listen.words_of(line) for line in lines]
    first = sum(len(w) for w in words[:5])
    times = listen.align(samples, [w for line in words for w in line])
    assert times is not None
    a = (times[first - 1][1] + times[first][0]) / 2
    b = (times[first + len(words[5]) - 1][1] + times[first + len(words[5])][0]) / 2
    cut = np.concatenate([samples[: int(a * 16_000)], samples[int(b * 16_000) :]])
    found = hearing.hear(cut, tokenize(text, 42), title=lines[0])
    (missing,) = found.disagreements
    assert missing.kind == "left out" and missing.script.startswith(lines[5].split()[0])
    assert abs(missing.start - a) < 0.5


def test_a_text_edit_hears_again_only_what_it_touched_and_finds_the_same(tmp_path) -> None:
    edited = " ".join(LINES).replace(LINES[1], "A dog barks at the postman every day.")
    fresh = with_take(make_project(tmp_path / "fresh"), take(*LINES), edited)
    project = with_take(make_project(tmp_path / "edited"), take(*LINES))
    assert not check(project.episode).timeline.disagreements
    with_take(project, take(*LINES), edited)  # the same take, its script edited
    again, anew = check(project.episode).timeline, check(fresh.episode).timeline
    # both warn of the sentence the take does not say (not always in the same words: the
    # stretch heard again is heard by a model of the new script, the take anew as a whole)
    for timeline in (again, anew):
        warned = " ".join(d.message for d in timeline.disagreements)
        assert "postman every day." in warned, warned
        assert not any(w.text in ("postman", "day.") for w in timeline.words)
