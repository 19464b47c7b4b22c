"""Scratch narration: the synthetic voice (espeak-ng, really run) speaks the text, its
takes are cached by text and voice, and the subtitles align to it as to a recorded take."""

from __future__ import annotations

import numpy as np
import pytest
from click.testing import CliRunner
from conftest import Project
from test_bad_script import line_of, only, refused

from pipeline.audio.scratch import speak, voiced
from pipeline.base.cache import Cache
from pipeline.base.ffmpeg import SAMPLE_RATE
from pipeline.cli import main
from pipeline.produce import check
from pipeline.script.settings import Scratch

VOICE = Scratch()
SHORT = "The story begins on an ordinary morning."
LONG = (
    "The story begins on an ordinary morning. By the evening, nothing in his life is "
    "where he left it, and he has to decide, quickly, what kind of man he wants to be."
)
# longer sections than the fixture's, so there are cues inside sentences as well
TEXTS = [
    "This is the first section. It sets out the question, and then it asks it again, "
    "more slowly, because the answer matters. Then it stops.",
    "The second section talks about {{ film.title }} and its ending: a short one, "
    "with a pause before the last word. And then another sentence follows it.",
]


def band_share(samples: np.ndarray, low: float, high: float) -> float:
    power = np.abs(np.fft.rfft(samples.astype(np.float64))) ** 2
    freq = np.fft.rfftfreq(len(samples), 1 / SAMPLE_RATE)
    return float(power[(freq >= low) & (freq < high)].sum() / power.sum())


def test_the_voice_speaks_in_the_speech_band() -> None:
    """Most of its energy lies in the telephone band, and the resampling to 48 kHz made
    nothing above espeak's own Nyquist frequency (11025 Hz)."""
    speech = speak(LONG, VOICE)
    inside = band_share(speech.samples, 300, 3400)
    assert inside > 3 * (1 - inside), f"{inside:.0%} in 300-3400 Hz"
    assert band_share(speech.samples, 11_500, SAMPLE_RATE / 2) < 1e-3
    level = 20 * np.log10(np.sqrt(np.mean((speech.samples / 32768.0) ** 2)))
    assert level > -35, f"{level:.1f} dBFS: too quiet to be speech"


def test_its_length_is_in_proportion_to_the_text() -> None:
    short, long = (len(speak(t, VOICE).samples) / SAMPLE_RATE for t in (SHORT, LONG))
    ratio = (long / short) / (len(LONG) / len(SHORT))
    assert 0.75 < ratio < 1.33, (short, long)
    slow = len(speak(SHORT, Scratch(rate=100)).samples) / SAMPLE_RATE
    assert slow > 1.3 * short  # the rate is the voice's


def test_word_events_follow_the_text() -> None:
    speech = speak(LONG, VOICE)
    spoken = [LONG[w.position : w.position + w.length] for w in speech.words]
    assert spoken[:4] == ["The", "story", "begins", "on"]
    starts = [w.at for w in speech.words]
    assert starts == sorted(starts) and starts[-1] < len(speech.samples) / SAMPLE_RATE


def test_a_scratch_take_is_cached_by_text_and_voice(tmp_path) -> None:
    cache = Cache(tmp_path / "cache")
    first = voiced(SHORT, VOICE, cache)
    again = voiced(SHORT, VOICE, cache)
    assert first.made and not again.made and again.wav == first.wav  # not spoken again
    assert again.words == first.words
    assert voiced(SHORT, Scratch(pitch=80), cache).wav != first.wav
    assert voiced(SHORT + " Again.", VOICE, cache).wav != first.wav


def on_scratch(project: Project, texts: list[str] = TEXTS) -> None:
    data = project.read()
    for section, text in zip(data["sections"], texts, strict=True):
        section["narration"] = {"text": text}  # no audio: scratch
    data["sections"][1]["narration"]["audio"] = "scratch"  # or said so
    project.write(data)


def test_cues_start_at_the_voices_own_word_events(project: Project) -> None:
    """Cues are timed by aligning the script to the scratch take as to a recorded one; each
    comes up within 100 ms of the word event espeak reports for its first word."""
    on_scratch(project)
    checked = check(project.episode)
    timeline, cache = checked.timeline, Cache.for_project(project.root)
    assert all(take.scratch for take in checked.takes.values())
    offsets = []
    for k, section in enumerate(checked.essay.sections):
        text, clip = section.narration.text, timeline.narration[k]
        words = voiced(text, checked.essay.settings.scratch, cache).words
        at = 0
        for cue in (c for c in timeline.cues if c.section == k):
            at = text.index(cue.text, at)
            word = next(w for w in words if w.position >= at)
            spoken = (clip.start + round(word.at * SAMPLE_RATE) - clip.source_in) / SAMPLE_RATE
            offsets.append(cue.start - spoken)
    assert len(offsets) >= 5
    assert max(abs(o) for o in offsets) < 0.1, [round(o * 1000) for o in offsets]


def test_the_voice_reads_the_text_as_the_subtitles_show_it(project: Project) -> None:
    on_scratch(project)
    checked = check(project.episode)
    said = checked.essay.sections[1].narration.text
    assert "{{" not in said and "Her and its ending" in said
    cues = " ".join(c.text for c in checked.timeline.cues if c.section == 1)
    assert " ".join(said.split()) == cues


@pytest.mark.usefixtures("in_project")
@pytest.mark.parametrize(
    ("key", "value", "says"),
    [
        ("voice", "xx-yy", "espeak-ng has no voice 'xx-yy'"),
        ("voice", "en-us+nobody", "no variant 'nobody'"),
        ("rate", 500, "from 80 to 450"),
    ],
)
def test_a_voice_espeak_lacks_is_one_line(project: Project, key, value, says) -> None:
    on_scratch(project)
    data = project.read()
    data["scratch"] = {key: value}
    project.write(data)
    p = only(refused("essays/tiny.yaml"))
    assert (p.key, p.line) == (f"scratch.{key}", line_of(project.episode, f"  {key}: "))
    assert says in p.message


@pytest.mark.usefixtures("in_project")
def test_a_start_in_a_scratch_section_is_one_line(project: Project) -> None:
    on_scratch(project)
    data = project.read()
    data["sections"][0]["narration"]["start"] = 1.0
    project.write(data)
    p = only(refused("essays/tiny.yaml"))
    assert p.key == "sections[0].narration.start" and "no take to start in" in p.message


@pytest.mark.usefixtures("in_project")
def test_check_lists_the_sections_on_scratch(project: Project) -> None:
    data = project.read()
    data["sections"][1]["narration"].pop("audio")  # the first keeps its recorded take
    project.write(data)
    result = CliRunner().invoke(main, ["check", "essays/tiny.yaml"])
    assert result.exit_code == 0, result.output
    assert "essays/tiny.yaml: 1 section on scratch narration: two (" in result.output


@pytest.fixture
def in_project(project: Project, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(project.root)  # paths are shown relative to it, as a user sees them
