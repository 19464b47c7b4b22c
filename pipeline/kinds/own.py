"""A kind of the author's own: a Python module of the project, named in series.yaml's
`kinds`, whose `clip(fields, duration, size, fps)` returns a MoviePy clip. Its frames go
through the cache (keyed by the module's source and the shot's fields) and the encoder as
any shot's do. It is code: the build runs it, as mkdocs runs its hooks.

    # assets/kinds/rain.py
    from moviepy import ColorClip

    def clip(fields, duration, size, fps):
        return ColorClip(size, color=(20, 20, 40), duration=duration)
"""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import Field

from pipeline.base.cache import file_digest
from pipeline.base.errors import Problem, RenderError, shown
from pipeline.kinds import Drawing, Editorial, Picture
from pipeline.script.kinds import Making
from pipeline.script.model import Origin, OwnSound, Transition
from pipeline.script.settings import MAX_WEIGHT, Model, TransitionSpec
from pipeline.script.source import KeyPath


class OwnShot(Model):
    lines = frozenset({"fields"})
    kind: str = Field(description="A name in series.yaml's `kinds`.")
    fields: dict[str, str] = Field(default_factory=dict, description="Values its module reads.")
    seconds: float | None = Field(
        None, gt=0, le=3600, description="Its own length (default: a share by weight)."
    )
    weight: float = Field(1.0, gt=0, le=MAX_WEIGHT, description="Share of the section's time.")
    transition: TransitionSpec | None = Field(None, description="How the shot comes in.")


@dataclass(frozen=True)
class Own:
    name: str
    module: Path
    fields: tuple[tuple[str, str], ...]
    seconds: float | None
    weight: float
    transition: Transition
    origin: Origin
    kind: str = "kind"
    sound: OwnSound | None = None


class OwnKind:
    tag = "kind"
    model = OwnShot
    file_keys: frozenset[str] = frozenset()
    heading = "### A shot of a kind of your own"

    def make(self, shot: OwnShot, key: KeyPath, transition: Transition, making: Making) -> Own:
        named = making.setting("kinds")
        module = None
        if shot.kind not in named:
            known = ", ".join(named) or "none yet"
            making.report((*key, "kind"), (
                f"no kind named '{shot.kind}' in series.yaml's `kinds` ({known}); add "
                f"`kinds: {{{shot.kind}: assets/kinds/{shot.kind}.py}}` there"
            ))  # fmt: skip
        else:
            module = making.file(named[shot.kind], ("kinds", shot.kind), (".py",))
        given = shot.fields.items()
        fields = {k: making.text(v, (*key, "fields", k), lines=True) for k, v in given}
        return Own(
            shot.kind, module or Path(named.get(shot.kind, "")), tuple(sorted(fields.items())),
            shot.seconds, shot.weight, transition, making.origin(key),
        )  # fmt: skip

    def files(self, visual: Own) -> tuple[Path, ...]:
        return (visual.module,)

    def pixels(self, visual: Own) -> dict[str, Any]:
        return {"module": file_digest(visual.module), "fields": [list(f) for f in visual.fields]}

    def moves(self, visual: Own) -> bool:
        return True

    def picture(self, visual: Own, drawing: Drawing) -> Picture:
        return _Frames(visual, drawing)

    def checks(self, visual: Own, frame: tuple[int, int]) -> list[Problem]:
        return []

    def editorial(self, visual: Own, frames: int, fps: float) -> Editorial:
        return Editorial(None, 0.0, {"kind": visual.name, "fields": dict(visual.fields)})


class _Frames:
    """The module's MoviePy clip, asked for the frame at each moment; past its length it
    holds its last."""

    def __init__(self, own: Own, drawing: Drawing):
        self.own, self.drawing = own, drawing
        self.length = max(1, drawing.frames)
        make = _load(own).clip
        try:
            self.clip = make(
                dict(own.fields), float(self.length / drawing.fps), drawing.size, float(drawing.fps)
            )
        except Exception as err:  # the author's code: whatever it raises is said in a line
            raise _failed(own, err) from None

    def moment(self, n: int) -> int:
        return min(n, self.length - 1)

    def draw(self, moment: int, out) -> None:
        import cv2
        import numpy as np

        from pipeline.visuals.yuv import rgb_to_planes

        try:
            rgb = np.asarray(self.clip.get_frame(float(moment / self.drawing.fps)))[..., :3]
        except Exception as err:
            raise _failed(self.own, err) from None
        if rgb.shape[1::-1] != self.drawing.size:
            rgb = cv2.resize(rgb, self.drawing.size, interpolation=cv2.INTER_AREA)
        planes = rgb_to_planes(np.ascontiguousarray(rgb, dtype=np.uint8))
        for src, dst in zip(planes, out.planes, strict=True):
            dst[...] = src

    def close(self) -> None:
        closing = getattr(self.clip, "close", None)
        if closing:
            closing()


def _load(own: Own) -> Any:
    spec = importlib.util.spec_from_file_location(f"essay_kind_{own.name}", own.module)
    if spec is None or spec.loader is None:
        raise RenderError(f"cannot load the kind '{own.name}' from {shown(own.module)}")
    module = importlib.util.module_from_spec(spec)
    try:
        spec.loader.exec_module(module)
    except Exception as err:
        raise _failed(own, err) from None
    if not callable(getattr(module, "clip", None)):
        raise RenderError(
            f"{shown(own.module)} has no `clip(fields, duration, size, fps)`; the kind "
            f"'{own.name}' needs one that returns a MoviePy clip"
        )
    return module


def _failed(own: Own, err: Exception) -> RenderError:
    return RenderError(
        f"the kind '{own.name}' ({shown(own.module)}) failed: {type(err).__name__}: {err}"
    )


KIND = OwnKind()
