"""`<slug>.transcript.html`: the script as it is read, by section, each passage stamped with
when it is said and linked to that moment in the episode's page (WCAG 1.2.1)."""

from __future__ import annotations

from pipeline.publish.episode_json import facts_of
from pipeline.publish.product import Rendered, text_product
from pipeline.publish.times import clock
from pipeline.timing.timeline import Timeline

TEMPLATE = "transcript.html"


def transcript(timeline: Timeline) -> list[dict]:
    """The sections, each with its title, start and the cues said in it, each cue with its
    words and when each is said (the page marks the word being said)."""
    sections = [
        {"title": s.title, "start": timeline.seconds(s.first_frame), "cues": []}
        for s in timeline.sections
    ]
    words = iter(timeline.words)
    for cue in timeline.cues:
        said = [next(words) for _ in range(cue.words)]
        sections[cue.section]["cues"].append({
            "start": cue.start,
            "text": " ".join(cue.lines),
            "words": [
                {"start": w.start, "end": w.end, "text": w.text, "space": w.space} for w in said
            ],
        })  # fmt: skip
    return sections


def _text(rendered: Rendered) -> str:
    context = {
        "episode": facts_of(rendered),
        "sections": transcript(rendered.timeline),
        "clock": clock,
    }
    return rendered.site.render(TEMPLATE, context)


TRANSCRIPT = text_product(".transcript.html", _text, role="transcript", rehearsed=True)
