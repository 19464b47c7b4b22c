"""`essay watch`: the draft of one episode in the browser, built again at every save."""

from __future__ import annotations

import errno
import gc
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import click

from pipeline.base.errors import EssayError, Problem
from pipeline.base.progress import Job, Progress
from pipeline.cli import report
from pipeline.cli.progress import BarProgress
from pipeline.script.project import EPISODE_TYPES, ESSAYS
from pipeline.script.selection import select

if TYPE_CHECKING:
    from pipeline.produce.watch import Rebuilt

ONE = "essay watch takes one episode, essays/<slug>.yaml"


@click.command(name="watch")
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--port", type=click.IntRange(1, 65535), default=8765, show_default=True,
              help="Serve the preview on 127.0.0.1 at this port.")  # fmt: skip
@click.option("--quiet", "-q", is_flag=True, help="No progress bar: one line per build.")
def watch_command(path: Path, port: int, quiet: bool) -> None:
    """Serve the draft of the episode at PATH on 127.0.0.1 and build it again whenever it,
    the series file, a template or a file it shows or plays is saved: the page reloads at
    the section that changed, and shows the problems of a save that cannot be built over
    the last good build. A save during a build starts it again. Ctrl-C stops it (exit
    status 130; 143/129 for SIGTERM/SIGHUP); 2 if PATH is not an episode, 1 if the port is
    taken."""
    from pipeline.produce.watch import watch

    picked = _episode(path)
    progress = _Bar() if sys.stderr.isatty() and not quiet else Progress()
    try:
        report.guard(
            lambda: watch(picked.project, path, port, _Terminal(), progress),
            "the preview is stopped",
        )
    except OSError as err:
        if err.errno != errno.EADDRINUSE:
            raise
        report.say(f"error: port {port} is in use; choose another with --port", err=True)
        sys.exit(report.EXIT_FAILED)
    finally:
        # The program ends here. Collecting every builds' garbage on the way out took
        # seconds after a session of builds (measured: 2.2 s, 0.1 s without): skip it.
        gc.freeze()


def _episode(path: Path):
    """The project of the one episode named, or one line and exit status 2."""
    selections, problems = select([path])
    if not problems and not path.exists():
        problems = [Problem(path, None, None, "", f"no such file; {ONE}")]
    elif not problems and not _in_essays(path, selections[0].project):
        problems = [Problem(path, None, None, "", f"not an episode; {ONE}")]
    elif not problems:
        try:
            selections[0].project.slug(path)  # it names the draft's folder, served
        except EssayError as err:
            problems = err.problems
    if problems:
        report.problems(problems, "nothing to watch")
        sys.exit(report.EXIT_INVALID)
    return selections[0]


def _in_essays(path: Path, project) -> bool:
    """essays/<slug>.yaml (or .yml), not the series file."""
    essays = (project.root / ESSAYS).resolve()
    inside = path.is_file() and path.resolve().parent == essays
    return inside and path.suffix in EPISODE_TYPES and not project.is_series_file(path)


class _Terminal:
    """One line a build: its time, what it encoded, where to look."""

    def __init__(self) -> None:
        self.warned: tuple[str, ...] = ()

    def serving(self, url: str) -> None:
        report.say(f"serving the draft on {url} (Ctrl-C to stop); building it…", err=True)

    def rebuilt(self, done: Rebuilt, url: str) -> None:
        if done.warnings != self.warned:  # said again only when they change
            for line in done.warnings:
                report.say(line, err=True)
            self.warned = done.warnings
        said = "built" if done.first else "rebuilt"
        frames = report.plural(done.frames_encoded, "frame")
        report.say(f"{said} in {done.seconds:.1f} s: {frames} encoded; {url}")

    def refused(self, lines: Sequence[str]) -> None:
        self.warned = ()
        for line in lines:
            report.say(line, err=True)


class _Bar(BarProgress):
    """The bar while shots and crossfades render, without the stage lines a build prints: a watch
    builds many times."""

    def stage(self, name: str) -> None:
        pass

    def start(self, todo: Sequence[Job], reused: Sequence[Job]) -> None:
        super().start(todo, ())
