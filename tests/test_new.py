"""`essay new`, through the real command line: an episode from the series' outline that
checks and drafts at once on scratch narration; a master build refuses scratch unless the
episode allows it; a recorded take dropped in replaces the scratch one, and only its
section is rendered again."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from conftest import Project, make_project, speechlike, write_wav
from test_bad_script import LINE

from pipeline.cli import main
from pipeline.produce import build
from pipeline.publish.profiles import DRAFT

SLUG = "third-man"
NEW = ["new", SLUG, "--film", "The Third Man", "--year", "1949", "--director", "Carol Reed"]
IDS = ["cold-open", "the-who", "the-what", "the-flaw", "the-turn", "the-ending"]


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The tiny project (episode 1, recorded), its voice quick so the drafts are short."""
    project = make_project(tmp_path_factory.mktemp("pristine") / "proj")
    series = project.root / "essays" / "series.yaml"
    data = yaml.safe_load(series.read_text())
    series.write_text(yaml.safe_dump({**data, "scratch": {"rate": 300}}, sort_keys=False))
    return project.root


@pytest.fixture
def project(pristine: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Project:
    shutil.copytree(pristine, tmp_path / "proj")
    monkeypatch.chdir(tmp_path / "proj")  # `essay new` finds the project around it
    return Project(tmp_path / "proj")


def essay(*args: str, code: int = 0):
    result = CliRunner().invoke(main, list(args))
    assert result.exit_code == code, result.output
    assert "Traceback" not in result.output
    return result


def refusal(*args: str) -> str:
    """The one line a refused command says, after asserting it is one clean line."""
    result = essay(*args, code=2)
    lines = [t for t in result.stderr.splitlines() if ": warning: " not in t]
    assert len(lines) in (1, 2) and (len(lines) == 1 or "problem" in lines[1]), result.stderr
    return lines[0]


def test_new_writes_the_outline_and_its_folders(project: Project) -> None:
    said = essay(*NEW).output
    episode = project.root / "essays" / f"{SLUG}.yaml"
    assert f"wrote essays/{SLUG}.yaml: episode 2, 6 sections on scratch narration" in said
    data = yaml.safe_load(episode.read_text())
    assert data["episode"] == 2  # the next free number: the tiny one is 1
    assert data["film"] == {"title": "The Third Man", "year": 1949, "director": "Carol Reed"}
    assert [s["id"] for s in data["sections"]] == IDS
    assert all(s["narration"]["audio"] == "scratch" for s in data["sections"])
    cards = [[v["card"] for v in s["visuals"]] for s in data["sections"]]
    assert cards[0] == ["title"] and cards[-1] == ["heading", "end"]
    assert all(c == ["heading"] for c in cards[1:-1])
    for folder in ("narration", "stills"):
        assert (project.root / "assets" / SLUG / folder).is_dir()
    assert "narration/" in (project.root / "assets" / SLUG / "README.md").read_text()


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["new", "tiny"], "essays/tiny.yaml: the episode exists already"),
        (["new", "Third_Man"], "slug: got 'Third_Man'; an episode's name is lowercase"),
        (["new", "series"], "slug: got 'series'"),
        (["new", "x", "--year", "1800"], "--year: got '1800'; use the film's release year"),
        (["new", "x", "--year", "soon"], "--year: got 'soon'"),
    ],
)
def test_new_refuses_in_one_line_and_writes_nothing(project: Project, args, says) -> None:
    before = sorted(p.name for p in (project.root / "essays").iterdir())
    tiny = project.episode.read_bytes()
    options = {"--film": "X", "--year": "1949", "--director": "Y"}
    given = dict(zip(args[2::2], args[3::2], strict=True))
    line = refusal(*args[:2], *(x for k, v in {**options, **given}.items() for x in (k, v)))
    assert line.startswith(says), line
    assert sorted(p.name for p in (project.root / "essays").iterdir()) == before
    assert project.episode.read_bytes() == tiny and not (project.root / "assets" / "x").exists()


def test_a_new_episode_checks_and_drafts_with_no_take(project: Project) -> None:
    essay(*NEW)
    path = f"essays/{SLUG}.yaml"
    checked = essay("check", path).output
    assert f"{path}: 6 sections on scratch narration: {', '.join(IDS)} (" in checked
    assert f"{path}: ok: 6 sections" in checked
    first = build(project.root / path, DRAFT)
    assert first.frames_encoded == first.checked.timeline.frames
    assert all(take.scratch for take in first.checked.takes.values())

    # a master build refuses it: one line naming the file, the sections and the fix
    line = refusal("build", "-q", path)
    said = LINE.match(line)
    assert said and said["file"] == path and said["key"] == "sections[0].narration.audio"
    assert f"6 sections on scratch narration: {', '.join(IDS)}" in said["message"]
    assert said["message"].endswith("record their takes, or set allow_scratch: true")
    assert not (project.root / "output" / SLUG).exists()

    # the take of one section is recorded: it replaces the scratch one, alone re-rendered
    take = f"assets/{SLUG}/narration/05-the-turn.wav"
    write_wav(project.root / take, speechlike(8.0, seed=5))
    episode = project.root / path
    before, turn = episode.read_text().split("- id: the-turn")
    episode.write_text(f"{before}- id: the-turn{turn.replace('scratch', take, 1)}")
    again = build(episode, DRAFT)
    assert [s.section for s in again.segments if not s.reused] == ["the-turn"]
    assert not again.checked.takes["the-turn"].scratch
    assert again.checked.essay.on_scratch == tuple(i for i in IDS if i != "the-turn")


@pytest.mark.slow  # a master build of six scratch sections: the default suite drafts them
def test_allow_scratch_lets_a_master_build_deliver_it(project: Project) -> None:
    data = project.read()
    for section in data["sections"]:
        section["narration"].pop("audio")
    project.write({**data, "allow_scratch": True})
    result = essay("build", "-q", "essays/tiny.yaml")
    assert "2 sections on scratch narration: one, two (allowed by allow_scratch)" in result.output
    assert (project.root / "output" / "tiny" / "tiny.mp4").is_file()


@pytest.mark.slow
def test_the_series_build_refuses_the_scratch_episode_and_builds_the_others(
    project: Project,
) -> None:
    essay(*NEW)
    result = essay("build", "-q", code=2)
    assert "built 1 of 2 episodes" in result.output
    assert f"not built (problems in the input): essays/{SLUG}.yaml" in result.stderr
    assert (project.root / "output" / "tiny" / "tiny.mp4").is_file()
    assert not (project.root / "output" / SLUG).exists()
