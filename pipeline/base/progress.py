"""What a build reports while it works. Stages call these; only the command line shows them."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol


class Job(Protocol):
    """A piece of rendering as progress sees it: its name (a shot or a crossfade) and its
    frames."""

    @property
    def name(self) -> str: ...

    @property
    def frames(self) -> int: ...


class Progress:
    """Reports nothing; the command line's subclasses show it."""

    def episode(self, name: str, index: int, count: int) -> None: ...
    def stage(self, name: str) -> None: ...
    def note(self, text: str) -> None: ...  # said even in a log: waiting, something mended
    def start(self, todo: Sequence[Job], reused: Sequence[Job]) -> None: ...
    def frame(self, job: Job) -> None: ...
    def done(self, job: Job) -> None: ...
    def close(self) -> None: ...
