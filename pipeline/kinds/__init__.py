"""Kinds of shot, one module each: a still, a card, a film clip, a kind of the author's own.

A kind's module holds a `KIND` that says everything about it: its YAML model and how a
shot becomes its Essay value (`script/kinds.py`, which the script reaches by this package's
name), and here, what the layers above ask of it: the files it shows (for `watch`), what
its pixels are made of (the segment key), whether its picture changes from frame to frame,
the picture itself at any frame of the shot, its checks, and what the editor's timeline
shows for it. The renderer, the planner, the export, watch and the checks ask the kind and
never branch on its type, so a new kind is one module here and its tests.

The modules import the drawing and decoding they need inside their functions: the format
(and `essay --help`) loads every kind without paying for OpenCV or an ffmpeg.
"""

from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from pipeline.base.errors import Problem
from pipeline.script.kinds import ShotKind
from pipeline.script.model import Essay, Visual
from pipeline.script.settings import Rate

if TYPE_CHECKING:
    from pipeline.visuals.yuv import FrameBuffer


class Picture(Protocol):
    """A shot's picture at each of its frames (0 its first; past its own length, under the
    next shot's fade-in, it holds its last)."""

    def moment(self, n: int) -> int:
        """Which view frame n shows: two frames with one moment look the same; -1 always."""
        ...

    def draw(self, moment: int, out: FrameBuffer) -> None: ...

    def close(self) -> None: ...


@dataclass(frozen=True)
class Editorial:
    """What the editor's timeline shows for a shot: a file and where in it the shot starts
    (None: a picture the export draws, as a card is), and what more an editor should know."""

    file: Path | None
    start: float = 0.0  # seconds into the file
    about: dict[str, Any] = field(default_factory=dict)
    overlay: str | None = None  # the SVG drawn over it (a caption, a credit)


@dataclass(frozen=True)
class Drawing:
    """What a picture is drawn with, besides the shot itself."""

    size: tuple[int, int]  # the frame, pixels
    fps: Rate
    fonts: tuple[Path, ...]
    frames: int  # the shot's own length (its move's; a clip's), frames


class Kind(ShotKind, Protocol):
    def files(self, visual: Visual) -> tuple[Path, ...]: ...

    def pixels(self, visual: Visual) -> dict[str, Any]: ...

    def moves(self, visual: Visual) -> bool: ...

    def picture(self, visual: Visual, drawing: Drawing) -> Picture: ...

    def checks(self, visual: Visual, frame: tuple[int, int]) -> list[Problem]: ...

    def editorial(self, visual: Visual, frames: int, fps: float) -> Editorial: ...


class Held:
    """A picture that is the same at every frame (a card, a still at rest)."""

    def __init__(self, draw_once):
        self._draw_once = draw_once

    def moment(self, n: int) -> int:
        return -1

    def draw(self, moment: int, out: FrameBuffer) -> None:
        self._draw_once(out)

    def close(self) -> None:
        pass


def _found() -> list[Kind]:
    modules = sorted(m.name for m in pkgutil.iter_modules(__path__) if not m.name.startswith("_"))
    return [importlib.import_module(f"{__name__}.{name}").KIND for name in modules]


KINDS: list[Kind] = _found()
_BY_TAG = {kind.tag: kind for kind in KINDS}


def kind_of(visual: Visual) -> Kind:
    return _BY_TAG[visual.kind]


def check_shots(essay: Essay) -> list[Problem]:
    """What each shot's kind finds wrong with it (errors) or doubtful (warnings), against
    the series' frame, whatever a profile draws."""
    frame = (essay.settings.video.width, essay.settings.video.height)
    return [
        problem
        for section in essay.sections
        for visual in section.visuals
        for problem in kind_of(visual).checks(visual, frame)
    ]
