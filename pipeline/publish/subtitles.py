"""One cue model written as SRT, as WebVTT, and as a WebVTT chapters file."""

from __future__ import annotations

import datetime
from collections.abc import Sequence

import srt

from pipeline.timing.cues import Cue
from pipeline.timing.timeline import Chapter


def to_srt(cues: Sequence[Cue]) -> str:
    """Numbered from 1, HH:MM:SS,mmm, a blank line after each cue (UTF-8, no BOM)."""
    subs = [
        srt.Subtitle(i, _td(c.start), _td(c.end), "\n".join(c.lines))
        for i, c in enumerate(cues, start=1)
    ]
    return srt.compose(subs, reindex=False)


def to_vtt(cues: Sequence[Cue]) -> str:
    return _vtt((_stamp(c.start), _stamp(c.end), c.lines) for c in cues)


def chapters_vtt(chapters: Sequence[Chapter]) -> str:
    """For <track kind="chapters">: one cue per section."""
    return _vtt((_stamp(c.start), _stamp(c.end), (c.title,)) for c in chapters)


def _vtt(cues) -> str:
    blocks = ["WEBVTT\n"]
    for start, end, lines in cues:
        text = "\n".join(vtt_escape(line) for line in lines)
        blocks.append(f"{start} --> {end}\n{text}\n")
    return "\n".join(blocks)


def vtt_escape(text: str) -> str:
    """WebVTT cue text: &, < and > as entities, so `-->` can never appear either."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _td(seconds: float) -> datetime.timedelta:
    return datetime.timedelta(milliseconds=round(seconds * 1000))


def _stamp(seconds: float) -> str:
    ms = round(seconds * 1000)
    h, rest = divmod(ms, 3_600_000)
    m, rest = divmod(rest, 60_000)
    s, ms = divmod(rest, 1000)
    return f"{h:02d}:{m:02d}:{s:02d}.{ms:03d}"
