"""`essay verify`: does an output/ tree hold exactly what its manifest lists?"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from pipeline.base.errors import EssayError
from pipeline.cli import report
from pipeline.publish.manifest import MANIFEST, BadManifest, verify
from pipeline.script.project import OUTPUT, project_root


@click.command(name="verify")
@click.argument("output", required=False, type=click.Path(path_type=Path))
def verify_command(output: Path | None) -> None:
    """Check OUTPUT (default: the project's output/) against its manifest.json: every file
    there, with its size and SHA-256, none reached through a link, and none (nor any link)
    the manifest does not list but the episodes' drafts and timelines. Exit status 1 if
    anything is missing, changed, linked or extra; 2 if the manifest is not one to check
    against (unreadable, empty, or naming files outside the tree)."""
    folder = output or _project_output()
    try:
        found = report.guard(lambda: verify(folder))
    except BadManifest as err:
        report.say(f"{report.shown(folder / MANIFEST)}: the manifest cannot be checked "
                   f"against: {err}; `essay build` writes it", err=True)  # fmt: skip
        sys.exit(report.EXIT_INVALID)
    except OSError as err:
        reason = err.strerror or str(err)
        report.say(f"{report.shown(folder / MANIFEST)}: cannot read the manifest: {reason}; "
                   "`essay build` writes it", err=True)  # fmt: skip
        sys.exit(report.EXIT_INVALID)
    for mismatch in found:
        report.say(f"{mismatch.what}: {report.shown(folder / mismatch.path)}", err=True)
    if found:
        report.say(f"{report.plural(len(found), 'file')} not as the manifest says", err=True)
        sys.exit(report.EXIT_FAILED)
    report.say(f"{report.shown(folder)}: every file as the manifest lists it")


def _project_output() -> Path:
    try:
        return project_root(Path.cwd()) / OUTPUT
    except EssayError:
        return Path(OUTPUT)
