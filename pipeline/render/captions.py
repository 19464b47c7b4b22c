"""Burned-in subtitles: each cue drawn by the `subtitle` template in the series' style."""

from __future__ import annotations

from dataclasses import dataclass

from pipeline.base.errors import EssayError
from pipeline.script.model import Essay
from pipeline.script.templates import CardTemplates, TemplateProblem
from pipeline.timing.timeline import Timeline

TEMPLATE = "subtitle"


@dataclass(frozen=True)
class Caption:
    first: int  # frame on the episode clock
    end: int  # exclusive
    svg: str


def captions_for(essay: Essay, timeline: Timeline, templates: CardTemplates) -> tuple[Caption, ...]:
    style = essay.settings.subtitles
    fps = timeline.fps
    out = []
    for cue in timeline.cues:
        context = {
            "lines": cue.lines,
            "font": templates.fonts[style.font],
            "size": style.size,
            "outline": style.outline,
            "position": style.position,
        }
        try:
            svg = templates.render(TEMPLATE, context, {})
        except TemplateProblem as err:
            origin = essay.sections[cue.section].narration.script
            raise EssayError([origin.problem(f"cannot burn in subtitles: {err}")]) from None
        out.append(Caption(round(cue.start * fps), round(cue.end * fps), svg))
    return tuple(out)
