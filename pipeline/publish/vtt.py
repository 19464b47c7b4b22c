"""The subtitles as WebVTT, for <track kind="captions">."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from pipeline.publish.product import Rendered, text_product
from pipeline.timing.cues import Cue

_BREAKS = re.compile("[\r\n\x0b\x0c\x1c-\x1e\x85\u2028\u2029]+")


def to_vtt(cues: Sequence[Cue]) -> str:
    return vtt_file((stamp(c.start), stamp(c.end), c.lines) for c in cues)


def vtt_file(cues: Iterable[tuple[str, str, Sequence[str]]]) -> str:
    """A WebVTT file of (start, end, lines) cues."""
    blocks = ["WEBVTT\n"]
    for start, end, lines in cues:
        text = "\n".join(vtt_escape(_one_line(line)) for line in lines)
        blocks.append(f"{start} --> {end}\n{text}\n")
    return "\n".join(blocks)


def vtt_escape(text: str) -> str:
    """WebVTT cue text: &, < and > as entities, so `-->` can never appear either."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _one_line(line: str) -> str:
    """A line of a cue as one line: a break inside it (or a blank line) would end the cue."""
    return _BREAKS.sub(" ", line)


def stamp(seconds: float) -> str:
    ms = round(seconds * 1000)
    h, rest = divmod(ms, 3_600_000)
    m, rest = divmod(rest, 60_000)
    s, ms = divmod(rest, 1000)
    return f"{h:02d}:{m:02d}:{s:02d}.{ms:03d}"


def _text(rendered: Rendered) -> str:
    return to_vtt(rendered.timeline.cues)


CAPTIONS = text_product(".vtt", _text, role="captions")
