"""`essay publish`: send output/ to the series' store (`publish:` in series.yaml), only
what changed, in an order that never leaves a page pointing at a missing file."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from pipeline.base.errors import EssayError, RenderError
from pipeline.cli import report
from pipeline.script.project import Project

if TYPE_CHECKING:
    from pipeline.produce.publishing import Publishing, Watcher

MAX_DELETES = 50  # files a publish deletes without --force
AFTER_STOP = "what was sent stays, the remote is whole; run it again to send the rest"


@click.command(name="publish")
@click.argument("path", required=False, type=click.Path(path_type=Path))
@click.option("--dry-run", "-n", is_flag=True, help="Print the plan; send and delete nothing.")
@click.option("--max-deletes", type=click.IntRange(0), default=MAX_DELETES, show_default=True,
              help="Refuse to publish if it would delete more files than this.")  # fmt: skip
@click.option("--force", is_flag=True, help="Delete however many files the plan says.")
@click.option("--quiet", "-q", is_flag=True,
              help="No progress bar: one line per file sent.")  # fmt: skip
@click.option("--subscribers", "subscribers", envvar="ESSAY_SUBSCRIBERS", metavar="CSV",
              type=click.Path(path_type=Path, dir_okay=False, exists=True),
              help="Also publish each subscriber's private feed (a CSV of id, email, name; "
              "or ESSAY_SUBSCRIBERS), its token made with the secret in ESSAY_FEED_SECRET.",
              )  # fmt: skip
def publish_command(
    path: Path | None,
    dry_run: bool,
    max_deletes: int,
    force: bool,
    quiet: bool,
    subscribers: Path | None,
) -> None:
    """Send the project's output/ (at PATH, or around the working directory) to where
    series.yaml's `publish:` says: the files whose digest differs from the remote's
    manifest, media first, then pages, feeds, and the manifest last; then delete what the
    manifest no longer lists. Exit status 2 if the project, the subscribers or the plan
    (too many deletions) cannot be published as they are, 1 if the store failed or a file
    could not be read, 130/143/129 if stopped (the remote stays whole)."""
    from pipeline.produce import publishing as p

    project = _project(path)
    who = p.Subscribers(subscribers, os.environ) if subscribers else None
    with p.work_folder() as work:
        doing = _attempt(lambda: report.guard(
            lambda: p.prepare(project, who, Path(work)), "nothing was sent"))  # fmt: skip
        for line in _plan_lines(doing) if dry_run else ():
            report.say(line)
        refused = p.refused(doing, max_deletes, force)
        if refused:
            report.say(f"{report.shown(project.series_file)}: publish: {refused}", err=True)
            sys.exit(report.EXIT_INVALID)
        if dry_run:
            report.say(_summary(doing, dry=True) + "; nothing was changed (--dry-run)")
            return
        watcher = _watcher(sys.stderr.isatty() and not quiet)
        try:
            _attempt(lambda: report.guard(
                lambda: p.run(doing, project.output, Path(work), watcher), AFTER_STOP))  # fmt: skip
        finally:
            watcher.close()
    report.say(f"{_summary(doing, dry=False)} ({doing.store.where})")


def _project(path: Path | None) -> Project:
    try:
        return Project.containing(path or Path.cwd())
    except EssayError as err:
        report.problems(err.problems, "nothing was published")
        sys.exit(report.EXIT_INVALID)


def _attempt(action):
    """Run a step of the publish; a problem of the input ends it with 2, a store or a file
    that failed with 1, each said in one line."""
    try:
        return action()
    except EssayError as err:
        report.problems(err.problems, "nothing was published")
        sys.exit(report.EXIT_INVALID)
    except (RenderError, OSError) as err:
        report.failed(err)
        sys.exit(report.EXIT_FAILED)


def _plan_lines(doing: Publishing) -> list[str]:
    from pipeline.publish.upload import described

    lines = [*described(doing.public), *(described(doing.private) if doing.private else ())]
    for upload in doing.last:
        shown = "the private feeds' manifest" if upload.private else upload.path
        lines.append(f"upload {shown} ({upload.size:,} bytes, last)")
    return lines


def _summary(doing: Publishing, dry: bool) -> str:
    """What was sent (or would be), deleted and left as it was, in a line."""
    uploads = doing.uploads + doing.last
    sent = "would send" if dry else "sent"
    said = (
        f"{'plan' if dry else 'published'}: {sent} {report.plural(len(uploads), 'file')} "
        f"({_bytes(sum(u.size for u in uploads))}), {'would delete' if dry else 'deleted'} "
        f"{doing.deletes}, {doing.public.unchanged} unchanged"
    )
    if doing.resumed:
        said += f" ({doing.resumed} of them sent by a publish that was stopped)"
    if doing.private:
        feeds = len(doing.private.uploads) + doing.private.unchanged
        said += f"; {report.plural(feeds, 'private feed')}"
    return said


def _bytes(n: float) -> str:
    for unit in ("bytes", "kB", "MB", "GB"):
        if n < 1000 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "bytes" else f"{n:.1f} {unit}"
        n /= 1000
    return ""


def _watcher(live: bool) -> Watcher:
    from pipeline.produce.publishing import Watcher

    class Lines(Watcher):
        """For logs: a line per file sent, a subscriber's feed never named."""

        def uploaded(self, upload) -> None:
            shown = upload.path
            if upload.private:  # its path is its token
                feed = upload.path.endswith(".xml")
                shown = "a subscriber's private feed" if feed else "the private feeds' manifest"
            report.say(f"sent {shown} ({_bytes(upload.size)})", err=True)

        def deleted(self, paths, private) -> None:
            if private:
                report.say(f"deleted {report.plural(len(paths), 'revoked private feed')}",
                           err=True)  # fmt: skip
            for path in () if private else paths:
                report.say(f"deleted {path}", err=True)

        def close(self) -> None: ...

    class Bar(Lines):
        """On a terminal: files and bytes sent, and the speed."""

        def __init__(self) -> None:
            from rich.console import Console
            from rich.progress import (
                BarColumn,
                DownloadColumn,
                TextColumn,
                TransferSpeedColumn,
            )
            from rich.progress import Progress as Progress_

            self.bar = Progress_(
                TextColumn("{task.description}"), BarColumn(), DownloadColumn(),
                TransferSpeedColumn(), console=Console(stderr=True), transient=True,
            )  # fmt: skip
            self.task, self.files, self.count = None, 0, 0

        def start(self, files: int, size: int) -> None:
            self.count = files
            self.bar.start()
            self.task = self.bar.add_task(self._label(), total=size)

        def sent(self, size: int) -> None:
            self.bar.update(self.task, advance=size)

        def uploaded(self, upload) -> None:
            self.files += 1
            self.bar.update(self.task, description=self._label())

        def _label(self) -> str:
            return f"files {self.files}/{self.count}"

        def close(self) -> None:
            self.bar.stop()

    return Bar() if live else Lines()
