"""What the pictures ask of the script, checked before anything is drawn."""

from __future__ import annotations

from pipeline.base.errors import Problem
from pipeline.script.model import Essay, Still
from pipeline.visuals.motion import focus_in_view


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
