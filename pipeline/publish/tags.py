"""The tags and chapters every container of the episode carries, in ffmpeg's metadata file."""

from __future__ import annotations

from collections.abc import Sequence

from pipeline.script.model import Meta
from pipeline.timing.timeline import Chapter


def ffmetadata(meta: Meta, chapters: Sequence[Chapter]) -> str:
    """ffmpeg's metadata file: global tags, then one [CHAPTER] per section."""
    tags = {
        "title": meta.title,
        "album": meta.series,
        "artist": meta.author or meta.series,
        "track": str(meta.episode),
        "date": meta.date.isoformat() if meta.date else "",
        "comment": credit(meta),
    }
    lines = [";FFMETADATA1"]
    lines += [f"{k}={_escape(v)}" for k, v in tags.items() if v]
    for c in chapters:
        lines += [
            "[CHAPTER]",
            "TIMEBASE=1/1000",
            f"START={round(c.start * 1000)}",
            f"END={round(c.end * 1000)}",
            f"title={_escape(c.title)}",
        ]
    return "\n".join(lines) + "\n"


def credit(meta: Meta) -> str:
    """The film credit line: "Her (2013), directed by Spike Jonze"."""
    film = meta.film
    return f"{film.title} ({film.year}), directed by {film.director}"


def _escape(value: str) -> str:
    for ch in ("\\", "=", ";", "#", "\n", "\r"):  # a line break would start a line of its own
        value = value.replace(ch, "\\" + ch)
    return value
