"""Burned-in subtitles: each cue drawn by the `subtitle` template in the series' style."""

from __future__ import annotations

from dataclasses import dataclass

from pipeline.errors import EssayError
from pipeline.script.model import Essay
from pipeline.timing.timeline import Timeline
from pipeline.visuals.fonts import open_font
from pipeline.visuals.templates import CardTemplates, TemplateProblem

TEMPLATE = "subtitle"


@dataclass(frozen=True)
class Caption:
    first: int  # frame on the episode clock
    end: int  # exclusive
    svg: str


def captions_for(essay: Essay, timeline: Timeline) -> tuple[Caption, ...]:
    settings = essay.settings
    fonts = {name: open_font(path) for name, path in settings.font_names}
    templates = CardTemplates(settings.templates, essay.root, fonts)
    style = settings.subtitles
    fps = timeline.fps
    out = []
    for cue in timeline.cues:
        context = {
            "lines": cue.lines,
            "font": fonts[style.font],
            "size": style.size,
            "outline": style.outline,
            "position": style.position,
        }
        try:
            svg = templates.render(TEMPLATE, context, {})
        except TemplateProblem as err:
            origin = essay.sections[0].narration.script
            raise EssayError([origin.problem(f"cannot burn in subtitles: {err}")]) from None
        out.append(Caption(round(cue.start * fps), round(cue.end * fps), svg))
    return tuple(out)
