"""How the command line reports: exit statuses, problems and warnings one line each."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn, TypeVar

import click

from pipeline.base.cache import Cache
from pipeline.base.characters import neutral

# What a problem or a failure says is base.errors', so the preview page says it the same
# way; describe, plural and reason are the command line's too (report.plural, ...).
from pipeline.base.errors import (
    Outcome,
    Problem,
    RenderError,
    attempt,
    problem_lines,
    reason,
    shown,
)
from pipeline.base.errors import describe as describe
from pipeline.base.errors import plural as plural
from pipeline.base.signals import Stopped, exit_status, name_of

if TYPE_CHECKING:
    from pipeline.script.model import Essay

EXIT_INVALID = 2
EXIT_FAILED = 1
T = TypeVar("T")


def say(text: str, err: bool = False) -> None:
    """Print a line: the one place the command line writes, so every character a terminal
    would act on (an escape sequence in a title, a line break in a file's name) is shown as
    its escape instead, and a line stays one line."""
    click.echo(neutral(text), err=err)


def guard(action: Callable[[], T], after: str | None = None) -> T:
    """Run a stage; an interrupt (Ctrl-C, SIGTERM, SIGHUP) ends the program with one line,
    saying `after`: what the interrupt left as it was."""
    try:
        return action()
    except KeyboardInterrupt as stop:
        stopped(stop, after)


def stopped(stop: KeyboardInterrupt, after: str | None = None) -> NoReturn:
    said = "interrupted" if not isinstance(stop, Stopped) else f"stopped by {name_of(stop)}"
    say(f"{said}; {after}" if after else said, err=True)
    sys.exit(exit_status(stop))


def episode(
    action: Callable[[], T],
    path: Path,
    cache: Cache,
    refused: str,
    stopped_after: str | None = None,
    before_saying: Callable[[], None] = lambda: None,
) -> tuple[Outcome[T], list[str]]:
    """One episode's check, build or export: an interrupt ends the program (saying
    `stopped_after`); problems in the input (then `refused`, what came of them) or a failed
    tool are said a line each, after `before_saying` (a progress bar put away); then the
    cache entries found damaged. Returns what came of it, and those lines."""
    done = guard(lambda: attempt(action), stopped_after)
    before_saying()
    if done.problems:
        problems(done.problems, refused)
    elif done.failure:
        failed(done.failure, path)
    return done, mended(cache)


def unwritable(err: OSError) -> NoReturn:
    """A file the build could not read or write (a full disk, a folder it may not write):
    one line naming the path and the reason."""
    say(f"error: {describe(err)}", err=True)
    sys.exit(EXIT_FAILED)


def failed(err: RenderError | OSError, episode: Path | None = None) -> None:
    said = reason(err)
    say(f"{shown(episode)}: error: {said}" if episode else f"error: {said}", err=True)


def problems(found: Iterable[Problem], what: str | None = None) -> None:
    for line in problem_lines(found, what):
        say(line, err=True)


def warnings(found: Iterable[Problem]) -> None:
    """Doubts that do not stop a build: take and script disagree, a cue reads too fast."""
    for problem in found:
        say(str(problem), err=True)


def on_scratch(path: Path, essay: Essay) -> None:
    """Which sections the synthetic voice still reads, and whether a master build takes them."""
    from pipeline.audio import scratch  # with the build, not with every command

    if not essay.on_scratch:
        return
    allowed = "allowed by allow_scratch" if essay.allow_scratch else (
        f"a master build refuses them: {scratch.FIX}")  # fmt: skip
    say(f"{shown(path)}: {scratch.on_scratch_line(essay.on_scratch)} ({allowed})")


def mended(cache: Cache) -> list[str]:
    """Say which cache entries were found damaged (and were made again); their lines."""
    said = [
        str(Problem(cache.root, None, None, "", f"{d}: removed and made again", warning=True))
        for d in cache.damaged()
    ]
    for line in said:
        say(line, err=True)
    return said


def clock(seconds: float) -> str:
    m, s = divmod(round(seconds), 60)
    return f"{m}:{s:02d}"
