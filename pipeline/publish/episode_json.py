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


def facts_of(rendered: Rendered) -> EpisodeFacts:
    meta, timeline = rendered.essay.meta, rendered.timeline
    videos = tuple(
        VideoFile(f"{meta.slug}{suffix(r, k)}", r.width, r.height)
        for k, r in enumerate(rendered.renditions)
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
        files=dict(rendered.files),
    )


def _text(rendered: Rendered) -> str:
    return facts_of(rendered).to_json()


EPISODE_JSON = text_product(FACTS_SUFFIX, _text, role="facts")
