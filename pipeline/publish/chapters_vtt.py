"""The chapters as WebVTT, one cue per section, for <track kind="chapters">."""

from __future__ import annotations

from collections.abc import Sequence

from pipeline.publish.product import Rendered, text_product
from pipeline.publish.vtt import stamp, vtt_file
from pipeline.timing.timeline import Chapter


def chapters_vtt(chapters: Sequence[Chapter]) -> str:
    return vtt_file((stamp(c.start), stamp(c.end), (c.title,)) for c in chapters)


def _text(rendered: Rendered) -> str:
    return chapters_vtt(rendered.timeline.chapters)


CHAPTERS = text_product(".chapters.vtt", _text, role="chapters_vtt")
