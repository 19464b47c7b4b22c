"""`essay verify`: does an output/ tree hold exactly what its manifest lists?"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from pipeline.base.errors import EssayError
from pipeline.cli import report
from pipeline.publish.manifest import MANIFEST, verify
from pipeline.script.project import OUTPUT, project_root


@click.command(name="verify")
@click.argument("output", required=False, type=click.Path(path_type=Path))
def verify_command(output: Path | None) -> None:
    """Check OUTPUT (default: the project's output/) against its manifest.json: every file
    there, with its size and SHA-256, and none the manifest does not list. Exit status 1
    if anything is missing, changed or extra."""
    folder = output or _project_output()
    try:
        found = report.guard(lambda: verify(folder))
    except (OSError, ValueError, KeyError) as err:
        reason = getattr(err, "strerror", None) or str(err)
        click.echo(f"{report.shown(folder / MANIFEST)}: cannot read the manifest: {reason}; "
                   "`essay build` writes it", err=True)  # fmt: skip
        sys.exit(report.EXIT_INVALID)
    for mismatch in found:
        click.echo(f"{mismatch.what}: {report.shown(folder / mismatch.path)}", err=True)
    if found:
        click.echo(f"{report.plural(len(found), 'file')} not as the manifest says", err=True)
        sys.exit(report.EXIT_FAILED)
    click.echo(f"{report.shown(folder)}: every file as the manifest lists it")


def _project_output() -> Path:
    try:
        return project_root(Path.cwd()) / OUTPUT
    except EssayError:
        return Path(OUTPUT)
