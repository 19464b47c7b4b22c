"""`<slug>.episode.json`: the facts of a delivered episode, for the series' files."""

from __future__ import annotations

from pipeline.publish.facts import (
    FACTS_SUFFIX,
    ChapterFacts,
    EpisodeFacts,
    VideoFile,
    episode_guid,
)
from pipeline.publish.mp4 import suffix
from pipeline.publish.product import Rendered, text_product
from pipeline.publish.tags import credit
from pipeline.render.rendition import Rendition
from pipeline.script.model import Essay
from pipeline.timing.timeline import Timeline


def facts_of(rendered: Rendered) -> EpisodeFacts:
    return facts_from(rendered.essay, rendered.timeline, rendered.renditions, rendered.files)


def facts_from(
    essay: Essay, timeline: Timeline, renditions: tuple[Rendition, ...], files: dict[str, str]
) -> EpisodeFacts:
    """What the episode's files will say of it, before they are made."""
    meta = essay.meta
    videos = tuple(
        VideoFile(f"{meta.slug}{suffix(r, k)}", r.width, r.height) for k, r in enumerate(renditions)
    )
    return EpisodeFacts(
        slug=meta.slug,
        number=meta.episode,
        title=meta.title,
        series=meta.series,
        film=credit(meta),
        date=meta.date.isoformat() if meta.date else None,
        duration=timeline.duration,
        guid=episode_guid(meta.series, meta.episode, meta.guid),
        summary=meta.summary or "",
        author=meta.author,
        chapters=tuple(ChapterFacts(c.start, c.end, c.title) for c in timeline.chapters),
        videos=videos,
        files=dict(files),
    )


def _text(rendered: Rendered) -> str:
    return facts_of(rendered).to_json()


EPISODE_JSON = text_product(FACTS_SUFFIX, _text, role="facts")
