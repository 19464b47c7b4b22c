"""The subtitles as SRT: numbered from 1, HH:MM:SS,mmm, a blank line after each cue."""

from __future__ import annotations

import datetime
from collections.abc import Sequence

import srt

from pipeline.publish.product import Rendered, text_product
from pipeline.timing.cues import Cue


def to_srt(cues: Sequence[Cue]) -> str:
    """UTF-8, no BOM."""
    subs = [
        srt.Subtitle(i, _td(c.start), _td(c.end), "\n".join(c.lines))
        for i, c in enumerate(cues, start=1)
    ]
    return srt.compose(subs, reindex=False)


def _td(seconds: float) -> datetime.timedelta:
    return datetime.timedelta(milliseconds=round(seconds * 1000))


def _text(rendered: Rendered) -> str:
    return to_srt(rendered.timeline.cues)


SUBTITLES = text_product(".srt", _text, role="subtitles")
