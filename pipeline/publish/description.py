"""The YouTube description: the episode's title and film credit, and its chapters the way
YouTube reads them from a description (first at 0:00, at least three, ascending, each at
least 10 s long; a list that breaks a rule disables them all, so it is left out instead)."""

from __future__ import annotations

import itertools
from collections.abc import Sequence

from pipeline.base.errors import Problem
from pipeline.publish.product import Rendered, text_product
from pipeline.publish.tags import credit
from pipeline.publish.times import clock
from pipeline.script.model import Essay
from pipeline.timing.timeline import Chapter, Timeline

FEWEST, SHORTEST, LONGEST_TITLE = 3, 10, 70  # chapters; seconds; characters


def youtube_chapters(chapters: Sequence[Chapter], duration: float) -> list[str]:
    """`0:00 Title` lines, or none when YouTube would not show these chapters. A stamp is
    the whole second the chapter starts in, so it never lands after the chapter does."""
    if _broken_rule(chapters, duration) is not None:
        return []
    return [f"{clock(int(c.start))} {_title(c.title)}" for c in chapters]


def _broken_rule(chapters: Sequence[Chapter], duration: float) -> tuple[int, str] | None:
    """(index of the chapter at fault, the rule) for the first rule the chapters break."""
    if len(chapters) < FEWEST:
        return 0, f"YouTube needs at least {FEWEST} chapters, this episode has {len(chapters)}"
    starts = [int(c.start) for c in chapters] + [duration]
    for k, (a, b) in enumerate(itertools.pairwise(starts)):
        if b - a < SHORTEST:
            return k, f"its chapter lasts {b - a:.1f} s, under YouTube's {SHORTEST} s"
    return None


def _title(title: str) -> str:
    title = _line(title)
    return title if len(title) <= LONGEST_TITLE else title[: LONGEST_TITLE - 1].rstrip() + "…"


def _line(text: str) -> str:
    """A line of the file: a break inside the text would make a line of its own (a chapter
    YouTube reads, say), so whitespace of any kind is one space."""
    return " ".join(text.split())


def check(essay: Essay, timeline: Timeline) -> list[Problem]:
    """Warnings for `essay check`: the chapter list left out, or a title shortened."""
    found = []
    broken = _broken_rule(timeline.chapters, timeline.duration)
    if broken is not None:
        k, rule = broken
        return [essay.sections[k].origin.problem(
            f"{rule}; the description is written without chapters", warning=True
        )]  # fmt: skip
    for section in essay.sections:
        if len(section.title) > LONGEST_TITLE:
            found.append(section.origin.problem(
                f"the title is over {LONGEST_TITLE} characters; the description shortens it",
                warning=True,
            ))  # fmt: skip
    return found


def description(rendered: Rendered) -> str:
    meta = rendered.essay.meta
    lines = [_line(t) for t in (meta.title, credit(meta), f"{meta.series}, episode {meta.episode}")]
    chapters = youtube_chapters(rendered.timeline.chapters, rendered.timeline.duration)
    if chapters:
        lines += ["", "Chapters", *chapters]
    return "\n".join(lines) + "\n"


DESCRIPTION = text_product(".description.txt", description, check, role="description")
