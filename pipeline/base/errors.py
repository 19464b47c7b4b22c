"""Problems with the author's input, reported one line each and all at once."""

from __future__ import annotations

import errno
import os
import re
import shutil
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Generic, TypeVar

from pipeline.base.characters import neutral

T = TypeVar("T")


@dataclass(frozen=True)
class Problem:
    """One thing wrong (or, as a warning, doubtful) in an essay, located in its YAML."""

    file: Path | None
    line: int | None  # 1-based, as editors count
    col: int | None
    key: str  # "sections[2].narration.audio"
    message: str  # what is wrong, ending with how to fix it
    warning: bool = False

    def __str__(self) -> str:
        where = [shown(self.file)] if self.file else []
        if self.line is not None:
            where.append(str(self.line))
            if self.col is not None:
                where.append(str(self.col))
        prefix = ":".join(where)
        parts = [p for p in (prefix, self.key) if p]
        if self.warning:
            parts.append("warning")
        # one line whatever a file's name or a quoted value holds (a line break, an escape)
        return neutral(": ".join([*parts, self.message]))


class EssayError(Exception):
    """The input cannot be rendered; carries every problem found, not just the first."""

    def __init__(self, problems: Iterable[Problem]):
        self.problems = sorted(problems, key=_order)
        super().__init__("\n".join(str(p) for p in self.problems))


class RenderError(Exception):
    """A tool the pipeline runs (ffmpeg, the rasteriser) failed on input that validated."""


@dataclass(frozen=True)
class Outcome(Generic[T]):
    """What came of one episode's check, build or export: its result, or why there is none."""

    value: T | None = None
    problems: tuple[Problem, ...] = ()  # the input cannot be built as it is (exit status 2)
    failure: RenderError | OSError | None = None  # a tool failed, a file could not be written

    @property
    def status(self) -> str:
        return "invalid" if self.problems else "failed" if self.failure else "ok"


def attempt(action: Callable[[], T]) -> Outcome[T]:
    """Run one episode's work under the one rule every command follows: problems in the
    input, and a tool or a file that failed, end that episode alone; an interrupt ends all."""
    try:
        return Outcome(action())
    except EssayError as err:
        return Outcome(problems=tuple(err.problems))
    except (RenderError, OSError) as err:
        return Outcome(failure=err)


def problem_lines(found: Iterable[Problem], what: str | None = None) -> list[str]:
    """Problems as the user is told them, a line each, and a last line counting them and
    saying `what` came of it: the same in the terminal and in the preview page."""
    lines = [str(p) for p in found]
    said = f"{plural(len(lines), 'problem')} found"
    return [*lines, f"{said}; {what}" if what else said]


def describe(err: OSError) -> str:
    """`path: reason`; a copy's gathered failures are told as one by `writing`."""
    reason = (err.strerror or str(err)).lower()
    if err.filename is None:
        return reason
    return f"{shown(Path(os.fsdecode(err.filename)))}: {reason}"


def reason(err: RenderError | OSError) -> str:
    """What a failed tool or an unwritable file says: one line."""
    return describe(err) if isinstance(err, OSError) else str(err)


def plural(count: int, noun: str, many: str | None = None) -> str:
    return f"{count} {noun if count == 1 else many or noun + 's'}"


def _order(p: Problem) -> tuple:
    return (str(p.file or ""), p.line or 0, p.col or 0, p.key)


def shown(path: Path) -> str:
    """A path as the user would type it: relative to the working directory when inside it."""
    try:
        rel = os.path.relpath(path)
    except ValueError:
        return str(path)
    return str(path) if rel.startswith("..") else rel


@contextmanager
def writing(path: Path) -> Iterator[None]:
    """A failed write inside is told as one of `path`, the file the user knows, rather than
    of the hidden temporary it was being made under."""
    try:
        yield
    except shutil.Error as err:  # copytree gathers its failures: the first tells the story
        why = str(err.args[0][0][2]) if err.args and isinstance(err.args[0], list) else str(err)
        code = re.search(r"\[Errno (\d+)\]", why)
        number = int(code.group(1)) if code else errno.EIO
        raise OSError(number, os.strerror(number), str(path)) from None
    except OSError as err:
        raise OSError(err.errno, err.strerror, str(path)) from None
