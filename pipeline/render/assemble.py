"""Join segments without re-encoding, mux the mixed audio once, add chapters, faststart."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from pipeline import ffmpeg
from pipeline.script.model import Meta
from pipeline.timing.timeline import Chapter


def assemble(
    segments: Sequence[Path],
    audio: Path,
    chapters: Sequence[Chapter],
    meta: Meta,
    out: Path,
    scratch: Path,
) -> None:
    """`audio` is the encoded sound, exactly as long as the segments together; both are
    copied, not re-encoded."""
    listing = scratch / "segments.txt"
    listing.write_text("".join(f"file '{_quote(p)}'\n" for p in segments), encoding="utf-8")
    metadata = scratch / "metadata.txt"
    metadata.write_text(ffmetadata(meta, chapters), encoding="utf-8")
    ffmpeg.run(
        *("-f", "concat", "-safe", "0", "-i", str(listing), "-i", str(audio)),
        *("-f", "ffmetadata", "-i", str(metadata), "-map", "0:v:0", "-map", "1:a:0"),
        *("-map_metadata", "2", "-map_chapters", "2", "-c", "copy"),
        *("-movflags", "+faststart", "-y", str(out)),
        what="joining the segments and the sound",
    )


def _quote(path: Path) -> str:
    return str(path.resolve()).replace("'", "'\\''")


def ffmetadata(meta: Meta, chapters: Sequence[Chapter]) -> str:
    """ffmpeg's metadata file: global tags, then one [CHAPTER] per section."""
    tags = {
        "title": meta.title,
        "album": meta.series,
        "artist": meta.author or meta.series,
        "track": str(meta.episode),
        "date": meta.date.isoformat() if meta.date else "",
        "comment": f"{meta.film.title} ({meta.film.year}), directed by {meta.film.director}",
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


def _escape(value: str) -> str:
    for ch in ("\\", "=", ";", "#", "\n"):
        value = value.replace(ch, "\\" + ch)
    return value
