"""The series as one project: check and build take episodes, a folder, or nothing at all."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from conftest import Project, make_project

from pipeline.base.errors import EssayError
from pipeline.script.project import Project as SeriesProject
from pipeline.script.selection import select


@pytest.fixture
def series(tmp_path: Path) -> Project:
    """A project of two episodes: tiny (episode 1) and other (episode 2)."""
    project = make_project(tmp_path / "proj")
    data = project.read()
    data.update(episode=2, title="Another tiny test")
    (project.root / "essays" / "other.yaml").write_text(yaml.safe_dump(data, sort_keys=False))
    return project


def essay(project: Project, *args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "pipeline", *args],
        cwd=cwd or project.root, capture_output=True, text=True,
    )  # fmt: skip


def break_episode(project: Project, name: str) -> Path:
    path = project.root / "essays" / name
    data = yaml.safe_load(path.read_text())
    data["sections"][0]["narration"]["audio"] = "assets/t/missing.wav"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


def test_the_project_knows_its_episodes(series: Project) -> None:
    project = SeriesProject.containing(series.root / "essays" / "tiny.yaml")
    assert project.root == series.root.resolve()
    assert [p.name for p in project.episodes] == ["other.yaml", "tiny.yaml"]
    assert project.series.series == "The Who & The What"  # validated once, here


def test_paths_of_one_project_open_it_once(series: Project) -> None:
    essays = series.root / "essays"
    picked, problems = select([essays / "tiny.yaml", essays / "series.yaml", essays / "other.yaml"])
    assert not problems and len(picked) == 1
    assert [p.name for p in picked[0].episodes] == ["tiny.yaml", "other.yaml"]
    assert picked[0].series_named


def test_check_every_yaml_file_of_the_series(series: Project) -> None:
    proc = subprocess.run(
        f"{sys.executable} -m pipeline check essays/*.yaml",
        shell=True, cwd=series.root, capture_output=True, text=True,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[0].startswith("essays/series.yaml: ok: the series 'The Who & The What'")
    assert [line.split(":")[0] for line in lines[1:]] == ["essays/other.yaml", "essays/tiny.yaml"]


@pytest.mark.parametrize("args", [(), ("essays",), (".",)])
def test_check_with_no_paths_or_a_folder_checks_the_whole_series(series, args) -> None:
    proc = essay(series, "check", *args)
    assert proc.returncode == 0, proc.stderr
    assert "essays/tiny.yaml: ok" in proc.stdout and "essays/other.yaml: ok" in proc.stdout


def test_check_from_a_folder_inside_the_project(series: Project) -> None:
    proc = essay(series, "check", cwd=series.root / "assets")
    assert proc.returncode == 0, proc.stderr
    assert "essays/tiny.yaml: ok" in proc.stdout


def test_problems_of_each_episode_against_its_own_file(series: Project) -> None:
    break_episode(series, "tiny.yaml")
    other = break_episode(series, "other.yaml")
    data = yaml.safe_load(other.read_text())
    data["sections"][1]["titel"] = "x"
    other.write_text(yaml.safe_dump(data, sort_keys=False))
    proc = essay(series, "check")
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    problems = [line for line in proc.stderr.splitlines() if ": sections[" in line]
    assert sorted(line.split(":")[0] for line in problems) == [
        "essays/other.yaml", "essays/other.yaml", "essays/tiny.yaml"
    ]  # fmt: skip


def test_an_empty_episode_is_reported_against_itself(series: Project) -> None:
    (series.root / "essays" / "empty.yaml").write_text("")
    proc = essay(series, "check")
    assert proc.returncode == 2
    missing = [line for line in proc.stderr.splitlines() if "required key" in line]
    assert missing and all(line.startswith("essays/empty.yaml:") for line in missing)
    assert "essays/tiny.yaml: ok" in proc.stdout


def test_a_broken_series_file_is_reported_once(series: Project) -> None:
    settings = series.root / "essays" / "series.yaml"
    settings.write_text(settings.read_text().replace("fps: 30", "fps: thirty"))
    proc = essay(series, "check")
    assert proc.returncode == 2
    assert proc.stderr.count("video.fps") == 1
    assert proc.stderr.startswith("essays/series.yaml:")


def test_a_path_in_no_project_is_one_clean_line(tmp_path: Path) -> None:
    stray = tmp_path / "stray.yaml"
    stray.write_text("title: x\n")
    proc = subprocess.run(
        [sys.executable, "-m", "pipeline", "check", str(stray)],
        cwd=tmp_path, capture_output=True, text=True,
    )  # fmt: skip
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert "no essays/series.yaml here or in any folder above" in proc.stderr


def test_loading_outside_a_project_names_the_rule(tmp_path: Path) -> None:
    with pytest.raises(EssayError) as info:
        SeriesProject.containing(tmp_path)
    assert "essays/series.yaml" in str(info.value)


def test_build_the_whole_series_builds_each_valid_episode(series: Project) -> None:
    break_episode(series, "other.yaml")
    proc = essay(series, "build", "--quiet")
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert (series.root / "output" / "tiny" / "tiny.mp4").is_file()
    assert not (series.root / "output" / "other").exists()
    assert "built 1 of 2 episodes" in proc.stdout
    assert "not built (problems in the input): essays/other.yaml" in proc.stderr
    assert "essays/other.yaml:" in proc.stderr and "file not found" in proc.stderr


def test_build_several_named_episodes(series: Project) -> None:
    proc = essay(series, "build", "--quiet", "essays/tiny.yaml", "essays/other.yaml")
    assert proc.returncode == 0, proc.stderr
    assert "built 2 of 2 episodes" in proc.stdout
    for slug in ("tiny", "other"):
        assert (series.root / "output" / slug / f"{slug}.mp4").is_file()
    # the same pictures in both: the second build rendered nothing of its own
    assert proc.stderr.count("unchanged, reused") >= 1


def test_hidden_files_are_not_episodes_and_yml_files_are(series: Project) -> None:
    essays = series.root / "essays"
    (essays / ".#tiny.yaml").write_text("an editor's lock file")
    (essays / "._other.yaml").write_bytes(b"\x00\x05\x16\x07")  # a Mac's resource fork
    (essays / "third.yml").write_text((essays / "tiny.yaml").read_text())
    project = SeriesProject.containing(essays)
    assert [p.name for p in project.episodes] == ["other.yaml", "third.yml", "tiny.yaml"]


def test_a_folder_names_the_series_only_as_the_project_or_its_essays(series: Project) -> None:
    proc = essay(series, "check", "assets")
    assert proc.returncode == 2
    assert "assets: a folder names the whole series only as the project's folder" in proc.stderr


def test_an_episode_lives_in_essays(series: Project) -> None:
    drafts = series.root / "drafts"
    drafts.mkdir()
    (drafts / "tiny.yaml").write_text((series.root / "essays" / "tiny.yaml").read_text())
    proc = essay(series, "build", "drafts/tiny.yaml")  # it would take output/tiny/ over
    assert proc.returncode == 2
    assert "drafts/tiny.yaml: an episode lives in essays/; move it to essays/tiny.yaml" in (
        proc.stderr
    )
    assert not (series.root / "output").exists()
