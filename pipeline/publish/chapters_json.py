"""The chapters as Podcasting 2.0 reads them (version 1.2.0), for the feed's podcast:chapters."""

from __future__ import annotations

import json

from pipeline.publish.product import Rendered, text_product

VERSION = "1.2.0"


def _text(rendered: Rendered) -> str:
    chapters = [
        {"startTime": round(c.start, 3), "endTime": round(c.end, 3), "title": c.title}
        for c in rendered.timeline.chapters
    ]
    return json.dumps({"version": VERSION, "chapters": chapters}, indent=1, ensure_ascii=False)


CHAPTERS_JSON = text_product(".chapters.json", _text, role="chapters")
