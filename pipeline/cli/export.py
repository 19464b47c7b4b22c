"""`essay export`: hand the cut to an editor, as an OpenTimelineIO timeline."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from functools import partial
from pathlib import Path

import click

from pipeline.base.errors import EssayError, RenderError
from pipeline.cli import report
from pipeline.script.selection import select


@click.command(name="export")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--otio", "otio_", is_flag=True, default=True,
    help="Write <slug>.otio, which DaVinci Resolve imports (always written).",
)  # fmt: skip
@click.option(
    "--fcp7", is_flag=True,
    help="Also write <slug>.xml, FCP 7 XML (needs: pip install otio-fcp-adapter).",
)  # fmt: skip
def export_command(paths: Sequence[Path], otio_: bool, fcp7: bool) -> None:
    """Write the timeline of each episode named (or of a project's whole series) into
    output/<slug>-timeline/: <slug>.otio, its cards as PNG, <slug>.srt. Checks the episode
    as a build does and renders nothing. Exit status 2 if an episode is not valid, 1 if a
    tool failed or a file could not be written."""
    from pipeline.build.export import export_timeline

    selections, problems = select(paths)
    invalid, broke = bool(problems), False
    if problems:
        report.problems(problems, "nothing was exported")
    for picked in selections:
        for path in picked.episodes:
            kept = f"{report.shown(path)} was not exported; its last export is as it was"
            run = partial(export_timeline, path, picked.project, fcp7)
            try:
                done = report.guard(run, kept)
            except EssayError as err:
                report.problems(err.problems, kept)
                invalid = True
                continue
            except RenderError as err:
                report.failed(err, path)
                broke = True
                continue
            finally:
                report.mended(picked.project.cache)
            report.warnings(done.checked.warnings)
            names = ", ".join(p.name for p in done.files if p.parent == Path("."))
            cards = len(done.files) - len([p for p in done.files if p.parent == Path(".")])
            click.echo(
                f"{report.shown(path)}: exported to {report.shown(done.folder)}/: {names}"
                f" and {report.plural(cards, 'picture')}"
            )
    if broke or invalid:
        sys.exit(report.EXIT_FAILED if broke else report.EXIT_INVALID)
