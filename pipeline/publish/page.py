"""`index.html`: the episode's page. It plays the video (poster, renditions, captions on,
chapters) in any browser with nothing fetched from outside its folder; opened from the
folder itself (file://, where browsers refuse track files), it adds the cues it carries."""

from __future__ import annotations

from urllib.parse import quote

from pipeline.publish.episode_json import facts_of
from pipeline.publish.facts import EpisodeFacts
from pipeline.publish.product import Rendered, text_product
from pipeline.publish.times import clock
from pipeline.publish.transcript import transcript

TEMPLATE = "episode.html"
PAGE = "index.html"


def _cues(rendered: Rendered) -> list[dict]:
    return [
        {"start": c.start, "end": c.end, "text": "\n".join(c.lines)} for c in rendered.timeline.cues
    ]


def _open_graph(rendered: Rendered, facts: EpisodeFacts) -> dict:
    """Open Graph wants absolute addresses: the site's, when the series has one."""
    site = rendered.essay.settings.site
    base = f"{site.url}{quote(facts.slug)}/" if site else ""
    web = facts.videos[1] if len(facts.videos) > 1 else facts.videos[0]
    return {
        "url": base + PAGE if base else "",
        "image": base + quote(facts.files.get("poster", "")),
        "video": base + quote(web.file),
        "width": web.width,
        "height": web.height,
    }


def _text(rendered: Rendered) -> str:
    facts = facts_of(rendered)
    context = {
        "episode": facts,
        "sections": transcript(rendered.timeline),
        "cues": _cues(rendered),
        "og": _open_graph(rendered, facts),
        "language": rendered.essay.settings.site.language if rendered.essay.settings.site else "en",
        "clock": clock,
    }
    return rendered.site.render(TEMPLATE, context)


EPISODE_PAGE = text_product("", _text, role="page", named=PAGE, rehearsed=True)
