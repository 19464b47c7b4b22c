"""`<slug>.transcript.json`: every word said and when, as Podcasting 2.0's JSON transcript
(version 1.0.0): one segment a word, times in seconds on the episode's clock, the word as
the script writes it. Podcast apps follow along with it; the feed links it."""

from __future__ import annotations

import json

from pipeline.publish.product import Rendered, text_product
from pipeline.timing.timeline import Timeline

VERSION = "1.0.0"


def transcript_json(timeline: Timeline) -> str:
    segments = [
        {"startTime": round(w.start, 3), "endTime": round(w.end, 3), "body": w.text}
        for w in timeline.words
    ]
    return json.dumps({"version": VERSION, "segments": segments}, ensure_ascii=False) + "\n"


def _text(rendered: Rendered) -> str:
    return transcript_json(rendered.timeline)


WORDS = text_product(".transcript.json", _text, role="words")
