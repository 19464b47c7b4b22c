"""`essay export`: hand the cut to an editor, as an OpenTimelineIO timeline."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

import click

from pipeline.cli import report
from pipeline.script.selection import select

if TYPE_CHECKING:
    from pipeline.produce.export import Exported


@click.command(name="export")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--fcp7", is_flag=True,
    help="Also write <slug>.xml, FCP 7 XML (needs: pip install otio-fcp-adapter).",
)  # fmt: skip
def export_command(paths: Sequence[Path], fcp7: bool) -> None:
    """Write the timeline of each episode named (or of a project's whole series) into
    output/<slug>-timeline/: <slug>.otio, its cards as PNG, <slug>.srt. Checks the episode
    as a build does and renders nothing. Exit status 2 if an episode is not valid, 1 if a
    tool failed or a file could not be written."""
    from pipeline.produce.export import export_timeline

    selections, problems = select(paths)
    invalid, broke = bool(problems), False
    if problems:
        report.problems(problems, "nothing was exported")
    for picked in selections:
        for path in picked.episodes:
            kept = f"{report.shown(path)} was not exported; its last export is as it was"
            run = partial(export_timeline, path, picked.project, fcp7)
            done, _ = report.episode(run, path, picked.project.cache, kept, kept)
            invalid, broke = invalid or bool(done.problems), broke or bool(done.failure)
            if done.value is not None:
                _exported(path, done.value)
    if broke or invalid:
        sys.exit(report.EXIT_FAILED if broke else report.EXIT_INVALID)


def _exported(path: Path, done: Exported) -> None:
    report.warnings(done.checked.warnings)
    names = ", ".join(p.name for p in done.files if p.parent == Path("."))
    cards = len(done.files) - len([p for p in done.files if p.parent == Path(".")])
    report.say(
        f"{report.shown(path)}: exported to {report.shown(done.folder)}/: {names}"
        f" and {report.plural(cards, 'picture')}"
    )
