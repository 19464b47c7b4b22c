"""How the command line reports: exit statuses, problems and warnings one line each."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TypeVar

import click

from pipeline.base.errors import Problem, RenderError, shown

EXIT_INVALID = 2
EXIT_FAILED = 1
EXIT_INTERRUPTED = 130
T = TypeVar("T")


def guard(action: Callable[[], T], interrupted: str = "interrupted") -> T:
    """Run a stage; an interrupt ends the program with one clean line."""
    try:
        return action()
    except KeyboardInterrupt:
        click.echo(interrupted, err=True)
        sys.exit(EXIT_INTERRUPTED)


def failed(err: RenderError, episode: Path | None = None) -> None:
    click.echo(f"{shown(episode)}: error: {err}" if episode else f"error: {err}", err=True)


def problems(found: Iterable[Problem], what: str | None = None) -> None:
    found = list(found)
    for problem in found:
        click.echo(str(problem), err=True)
    said = f"{plural(len(found), 'problem')} found"
    click.echo(f"{said}; {what}" if what else said, err=True)


def warnings(found: Iterable[Problem]) -> None:
    """Doubts that do not stop a build: take and script disagree, a cue reads too fast."""
    for problem in found:
        click.echo(str(problem), err=True)


def clock(seconds: float) -> str:
    m, s = divmod(round(seconds), 60)
    return f"{m}:{s:02d}"


def plural(count: int, noun: str, many: str | None = None) -> str:
    return f"{count} {noun if count == 1 else many or noun + 's'}"
