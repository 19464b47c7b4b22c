"""A still: an image, moved by a Ken Burns move (or at rest), with a caption and a credit
drawn over it. It takes a share of its section's time by weight."""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import Field, field_validator

from pipeline.base.cache import file_digest
from pipeline.base.errors import Problem, shown
from pipeline.kinds import Drawing, Editorial, Held, Picture
from pipeline.script.assets import IMAGE_TYPES
from pipeline.script.kinds import Making
from pipeline.script.model import Origin, OwnSound, Transition
from pipeline.script.settings import MAX_WEIGHT, Model, Move, TransitionSpec
from pipeline.script.source import KeyPath
from pipeline.script.templates import OVERLAY_TEMPLATE

SOFT = 1.5  # an image enlarged more than this looks soft on screen


class StillShot(Model):
    lines = frozenset({"caption", "credit"})
    still: str = Field(description="Image file (JPEG, PNG, WebP).")
    caption: str | None = Field(None, description="Text shown over the still.")
    credit: str | None = Field(None, description="Where the image comes from, shown small.")
    move: Move | None = Field(
        None,
        description="Ken Burns move; keys left out come from `defaults.move`; `none` holds still.",
    )
    weight: float = Field(1.0, gt=0, le=MAX_WEIGHT, description="Share of the section's time.")
    transition: TransitionSpec | None = Field(None, description="How the shot comes in.")

    @field_validator("move", mode="before")
    @classmethod
    def _hold(cls, v: Any) -> Any:
        return {"zoom": (1.0, 1.0), "pan": (0.0, 0.0)} if v == "none" else v


@dataclass(frozen=True)
class Still:
    image: Path
    size: tuple[int, int]  # pixels, upright (as its EXIF orientation shows it)
    move: Move
    overlay_svg: str | None  # caption and credit, drawn over the still
    weight: float
    transition: Transition
    origin: Origin
    move_at: Origin  # where its move was written (the shot, when the default applies)
    kind: str = "still"
    seconds: None = None  # a share of its section by weight
    sound: OwnSound | None = None


def overlay_of(shot: Any, key: KeyPath, making: Making) -> str | None:
    """The caption and credit a shot shows (a clip has a credit only), drawn by the
    `caption` template."""
    given = ((name, getattr(shot, name, None)) for name in ("caption", "credit"))
    fields = {name: making.text(value, (*key, name), lines=True) for name, value in given if value}
    return making.fill(OVERLAY_TEMPLATE, fields, key) if fields else None


class StillKind:
    tag = "still"
    model = StillShot
    file_keys = frozenset({"still"})
    heading = "### A still shot"

    def make(self, shot: StillShot, key: KeyPath, transition: Transition, making: Making) -> Still:
        image = making.file(shot.still, (*key, "still"), IMAGE_TYPES)
        size = making.image_size(image, (*key, "still")) if image else None
        move = making.setting("move")
        if shot.move is not None:
            move = type(move)(**{**move.model_dump(), **shot.move.model_dump(exclude_unset=True)})
        return Still(
            image or Path(shot.still), size or (0, 0), move, overlay_of(shot, key, making),
            shot.weight, transition, making.origin(key), making.origin((*key, "move")),
        )  # fmt: skip

    def files(self, visual: Still) -> tuple[Path, ...]:
        return (visual.image,)

    def pixels(self, visual: Still) -> dict[str, Any]:
        return {
            "still": file_digest(visual.image),
            "move": visual.move.model_dump(),
            "overlay": visual.overlay_svg,
        }

    def moves(self, visual: Still) -> bool:
        from pipeline.visuals.motion import moves

        return moves(visual.move)

    def picture(self, visual: Still, drawing: Drawing) -> Picture:
        from pipeline.visuals.cards import overlay
        from pipeline.visuals.stills import StillFrames

        svg = visual.overlay_svg
        over = overlay(svg, drawing.fonts, drawing.size) if svg else None
        frames = StillFrames(visual.image, visual.size, visual.move, drawing.size, over)
        if not frames.moves:
            return Held(lambda out: frames.draw(0.0, out))
        return _Moving(frames, drawing.frames)

    def checks(self, visual: Still, frame: tuple[int, int]) -> list[Problem]:
        from pipeline.visuals.motion import focus_in_view

        found = []
        if not focus_in_view(visual.move, visual.size, frame):
            found.append(visual.move_at.problem(
                "the move takes the focus point out of frame; reduce pan or zoom, or move focus"
            ))  # fmt: skip
        if _enlarged(visual, frame) > SOFT:
            found.append(_soft(visual, frame))
        return found

    def editorial(self, visual: Still, frames: int, fps: float) -> Editorial:
        # OTIO has no still: an image file with no available range is one, and the move is
        # ours to say (Resolve does not take keyframes from .otio)
        return Editorial(visual.image.resolve(), 0.0, {
            "kind": "still",
            "move": visual.move.model_dump(mode="json"),
            "move_frames": frames,  # then it holds
            "overlay": visual.overlay_svg is not None,
            "image_size": list(visual.size),
        }, visual.overlay_svg)  # fmt: skip


class _Moving:
    """A still along its move, eased over the shot's own frames; after them it holds."""

    def __init__(self, frames, length: int):
        self.frames, self.length = frames, length

    def moment(self, n: int) -> int:
        return min(n, self.length - 1)

    def draw(self, moment: int, out) -> None:
        from pipeline.visuals.motion import progress

        self.frames.draw(progress(moment, 0, self.length), out)

    def close(self) -> None:
        pass


def _enlarged(still: Still, frame: tuple[int, int]) -> float:
    from pipeline.visuals.motion import cover_scale

    return cover_scale(still.size, frame) * max(still.move.zoom)


def _soft(still: Still, frame: tuple[int, int]) -> Problem:
    zoom = max(still.move.zoom)
    need = f"{math.ceil(frame[0] * zoom)}x{math.ceil(frame[1] * zoom)}"
    at = f" at zoom {zoom:g}" if zoom != 1 else ""
    o = still.origin
    return Problem(o.file, o.line, o.col, f"{o.key}.still", (
        f"upscaled {_enlarged(still, frame):.1f}x: {shown(still.image)} is "
        f"{still.size[0]}x{still.size[1]}, for a {frame[0]}x{frame[1]} frame{at}, and will "
        f"look soft; use an image at least {need}"
    ), warning=True)  # fmt: skip


KIND = StillKind()
