"""What the pictures ask of the script, checked before anything is drawn."""

from __future__ import annotations

import math

from pipeline.base.errors import Problem, shown
from pipeline.script.model import Essay, Still
from pipeline.visuals.motion import cover_scale, focus_in_view

SOFT = 1.5  # an image enlarged more than this looks soft on screen


def check_moves(essay: Essay) -> list[Problem]:
    """Every move keeps its still's focus point in frame."""
    frame = (essay.settings.video.width, essay.settings.video.height)
    return [
        visual.move_at.problem(
            "the move takes the focus point out of frame; reduce pan or zoom, or move focus"
        )
        for section in essay.sections
        for visual in section.visuals
        if isinstance(visual, Still) and not focus_in_view(visual.move, visual.size, frame)
    ]


def check_stills(essay: Essay) -> list[Problem]:
    """Warnings for stills enlarged past SOFT at the tightest view of their move; they are
    used as they are."""
    frame = (essay.settings.video.width, essay.settings.video.height)
    return [
        _soft(visual, frame)
        for section in essay.sections
        for visual in section.visuals
        if isinstance(visual, Still) and _enlarged(visual, frame) > SOFT
    ]


def _enlarged(still: Still, frame: tuple[int, int]) -> float:
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
