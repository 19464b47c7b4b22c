"""`essay check`: validate episodes, a project's folder, or the whole series; render nothing."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from functools import partial
from pathlib import Path

import click

from pipeline.cli import report
from pipeline.script.selection import Selection, select


@click.command(name="check")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--strict", is_flag=True,
              help="A take that disagrees with its script is an error, as `essay build "
              "--strict` would refuse it.")  # fmt: skip
def check_command(paths: Sequence[Path], strict: bool) -> None:
    """Validate episodes without rendering: the ones named, the whole series of a project
    (its folder or its essays/ folder), or, with no paths, the series of the project around
    the working directory. Exit status 2 if anything is wrong, 1 if a tool failed."""
    from pipeline.produce import check

    selections, problems = select(paths)
    invalid, broke = bool(problems), False
    if problems:
        report.problems(problems)
    for picked in selections:
        _series_line(picked, whole=not paths or any(p.is_dir() for p in paths))
        for path in picked.episodes:
            refused = f"{report.shown(path)} cannot be built as it is"
            run = partial(check, path, project=picked.project, strict=strict)
            done, _ = report.episode(run, path, picked.project.cache, refused)
            invalid, broke = invalid or bool(done.problems), broke or bool(done.failure)
            if done.value is not None:
                report.warnings(done.value.warnings)
                report.warnings(done.value.timeline.cuts)
                report.on_scratch(path, done.value.essay)
                report.say(f"{report.shown(path)}: ok: {_summary(done.value)}")
    for picked in selections:
        found = _series(picked)
        invalid = invalid or any(not p.warning for p in found)
    if broke or invalid:
        sys.exit(report.EXIT_FAILED if broke else report.EXIT_INVALID)


def _series_line(picked: Selection, whole: bool) -> None:
    """The series file is checked when the project is opened: say so, when it was asked."""
    project = picked.project
    if picked.series_named or whole:
        episodes = report.plural(len(project.episodes), "episode")
        report.say(
            f"{report.shown(project.series_file)}: ok: the series '{project.series.series}', "
            f"{episodes}"
        )


def _summary(checked) -> str:
    t, doubts = checked.timeline, checked.warnings
    counted = [
        report.plural(len(t.sections), "section"),
        report.clock(t.duration),
        report.plural(len(t.shots), "shot"),
        report.plural(len(t.cues), "subtitle cue"),
    ]
    return ", ".join(counted + ([report.plural(len(doubts), "warning")] if doubts else []))


def _series(picked: Selection) -> list:
    """What is wrong between the project's episodes (two with one number, say)."""
    found = picked.project.check_series()
    report.warnings(p for p in found if p.warning)
    errors = [p for p in found if not p.warning]
    if errors:
        report.problems(errors, "the series' files cannot be written")
    return found
