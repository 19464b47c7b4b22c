"""How the command line reports: exit statuses, problems and warnings one line each."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TypeVar

import click

from pipeline.base.errors import Problem, RenderError

EXIT_INVALID = 2
EXIT_FAILED = 1
EXIT_INTERRUPTED = 130
T = TypeVar("T")


def guard(action: Callable[[], T]) -> T:
    """Run a stage; an interrupt ends the program with one clean line."""
    try:
        return action()
    except KeyboardInterrupt:
        click.echo("interrupted; output/ is as it was before this build", err=True)
        sys.exit(EXIT_INTERRUPTED)


def failed(err: RenderError) -> None:
    click.echo(f"error: {err}", err=True)


def problems(found: Iterable[Problem], what: str = "nothing was built") -> None:
    found = list(found)
    for problem in found:
        click.echo(str(problem), err=True)
    count = len(found)
    click.echo(f"{count} problem{'s' if count != 1 else ''} found; {what}", err=True)


def warnings(found: Iterable[Problem]) -> None:
    """Doubts that do not stop a build: take and script disagree, a cue reads too fast."""
    for problem in found:
        click.echo(str(problem), err=True)


def clock(seconds: float) -> str:
    m, s = divmod(round(seconds), 60)
    return f"{m}:{s:02d}"


def shown(path: Path) -> str:
    """A path as the user would type it: relative to the working directory when inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def plural(count: int, noun: str, many: str | None = None) -> str:
    return f"{count} {noun if count == 1 else many or noun + 's'}"
