"""The YouTube description: chapters as YouTube reads them, or none rather than wrong ones."""

from __future__ import annotations

import itertools
from dataclasses import replace
from types import SimpleNamespace

import pytest
from conftest import Project

from pipeline.produce import build, check
from pipeline.publish.description import check as doubts
from pipeline.publish.description import youtube_chapters
from pipeline.timing.timeline import Chapter


def chapters(*starts: float, end: float) -> list[Chapter]:
    bounds = [*starts, end]
    return [Chapter(a, b, f"Part {k}") for k, (a, b) in enumerate(itertools.pairwise(bounds))]


def test_chapters_start_at_zero_and_ascend() -> None:
    lines = youtube_chapters(chapters(0, 20.9, 75, end=140), 140)
    assert lines == ["0:00 Part 0", "0:20 Part 1", "1:15 Part 2"]


def test_an_hour_long_episode_counts_hours() -> None:
    lines = youtube_chapters(chapters(0, 1800, 3725, end=4000), 4000)
    assert lines == ["0:00 Part 0", "30:00 Part 1", "1:02:05 Part 2"]


@pytest.mark.parametrize(
    "marks",
    [
        chapters(0, 30, end=60),  # two: YouTube needs three
        chapters(0, 30, 35, end=60),  # one of 5 s
        chapters(0, 30, 50, end=55),  # the last of 5 s
        chapters(0, 30, 39.5, end=60),  # 9.5 s: shown as 0:30 and 0:39, 9 s apart
    ],
)
def test_chapters_youtube_would_refuse_are_left_out(marks) -> None:
    assert youtube_chapters(marks, marks[-1].end) == []


def test_long_titles_are_shortened() -> None:
    marks = [replace(c, title="A title " * 12) for c in chapters(0, 20, 40, end=60)]
    lines = youtube_chapters(marks, 60)
    assert all(len(line.split(" ", 1)[1]) == 70 and line.endswith("…") for line in lines)


def test_the_tiny_episode_has_too_few_chapters(project: Project) -> None:
    checked = check(project.episode)
    (found,) = [w for w in checked.warnings if "chapters" in w.message]
    assert found.warning and found.file == project.episode
    assert "at least 3 chapters" in found.message and "without chapters" in found.message
    text = (build(project.episode).folder / "tiny.description.txt").read_text()
    assert text.splitlines()[:3] == [
        "A tiny test", "Her (2013), directed by Spike Jonze", "The Who & The What, episode 1"
    ]  # fmt: skip
    assert "0:00" not in text


def test_a_short_section_is_named(project: Project) -> None:
    essay = check(project.episode).essay
    three = replace(essay, sections=(*essay.sections, essay.sections[1]))
    timed = SimpleNamespace(chapters=chapters(0, 30, 32, end=60), duration=60.0)
    (found,) = doubts(three, timed)
    assert found.key == "sections[1]" and "lasts 2.0 s" in found.message
