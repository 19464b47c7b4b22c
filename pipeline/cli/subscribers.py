"""`essay subscribers`: each subscriber's private feed address, for the mailing tool."""

from __future__ import annotations

import csv
import io
import os
import sys
from pathlib import Path

import click

from pipeline.base.errors import EssayError
from pipeline.cli import report
from pipeline.script.project import Project


@click.command(name="subscribers")
@click.argument("path", required=False, type=click.Path(path_type=Path))
@click.option("--subscribers", "subscribers", envvar="ESSAY_SUBSCRIBERS", metavar="CSV",
              required=True, type=click.Path(path_type=Path, dir_okay=False, exists=True),
              help="The subscribers (a CSV of id, email, name; or ESSAY_SUBSCRIBERS).")  # fmt: skip
def subscribers_command(path: Path | None, subscribers: Path) -> None:
    """Print, as CSV (id, email, name, feed), each subscriber's private feed address under
    the series' `site.url`: what `essay publish --subscribers` puts there, made with the
    secret in ESSAY_FEED_SECRET. Exit status 2 if the project, the file or the secret
    cannot be used."""
    from pipeline.publish.subscribers import (
        SubscribersError,
        feed_path,
        read_subscribers,
        secret_from,
    )

    try:
        project = Project.containing(path or Path.cwd())
    except EssayError as err:
        report.problems(err.problems)
        sys.exit(report.EXIT_INVALID)
    site = project.series.site
    if site is None:
        report.say(f"{report.shown(project.series_file)}: site: no `site:`, so no address "
                   "for the private feeds; add `site: {url: https://...}`", err=True)  # fmt: skip
        sys.exit(report.EXIT_INVALID)
    try:
        secret = secret_from(dict(os.environ))
        who = read_subscribers(subscribers, project.output)
    except (SubscribersError, OSError) as err:
        report.say(f"error: {err if isinstance(err, SubscribersError) else report.describe(err)}",
                   err=True)  # fmt: skip
        sys.exit(report.EXIT_INVALID)
    out = io.StringIO()
    rows = csv.writer(out, lineterminator="\n")
    rows.writerow(["id", "email", "name", "feed"])
    for s in who:
        rows.writerow([s.id, s.email, s.name, site.url + feed_path(secret, s.id)])
    for line in out.getvalue().splitlines():
        report.say(line)
