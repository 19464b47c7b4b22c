"""`essay check`: validate episodes, a project's folder, or the whole series; render nothing."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from functools import partial
from pathlib import Path

import click

from pipeline.base.errors import EssayError, RenderError
from pipeline.cli import report
from pipeline.script.selection import Selection, select


@click.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
def check(paths: Sequence[Path]) -> None:
    """Validate episodes without rendering: the ones named, the whole series of a project
    (its folder or its essays/ folder), or, with no paths, the series of the project around
    the working directory. Exit status 2 if anything is wrong, 1 if a tool failed."""
    from pipeline.build import check as run_check

    selections, problems = select(paths)
    invalid, broke = bool(problems), False
    if problems:
        report.problems(problems)
    for picked in selections:
        _series_line(picked, whole=not paths or any(p.is_dir() for p in paths))
        for path in picked.episodes:
            try:
                checked = report.guard(partial(run_check, path, project=picked.project))
            except EssayError as err:
                report.problems(err.problems, f"{report.shown(path)} cannot be built as it is")
                invalid = True
                continue
            except RenderError as err:  # a tool failed on input that validated
                report.failed(err, path)
                broke = True
                continue
            finally:  # what its check found damaged in the cache, whatever came of it
                report.mended(picked.project.cache)
            report.warnings(checked.warnings)
            report.on_scratch(path, checked.essay)
            click.echo(f"{report.shown(path)}: ok: {_summary(checked)}")
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
        click.echo(
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
    from pipeline.build.series import check_series

    found = check_series(picked.project)
    report.warnings(p for p in found if p.warning)
    errors = [p for p in found if not p.warning]
    if errors:
        report.problems(errors, "the series' files cannot be written")
    return found
