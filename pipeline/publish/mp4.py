"""The episode's video: segments joined without re-encoding, the sound muxed once, chapters
and tags, faststart."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from pipeline.audio.encoded import AAC
from pipeline.base import ffmpeg
from pipeline.publish.product import Product, Rendered
from pipeline.publish.tags import ffmetadata


def assemble(
    segments: Sequence[Path], audio: Path, metadata: str, out: Path, scratch: Path
) -> None:
    """`audio` is the encoded sound, exactly as long as the segments together; both are
    copied, not re-encoded. `metadata` is ffmpeg's metadata file (tags and chapters)."""
    listing = scratch / "segments.txt"
    listing.write_text("".join(f"file '{_quote(p)}'\n" for p in segments), encoding="utf-8")
    tags = scratch / "metadata.txt"
    tags.write_text(metadata, encoding="utf-8")
    ffmpeg.run(
        *("-f", "concat", "-safe", "0", "-i", str(listing), "-i", str(audio)),
        *("-f", "ffmetadata", "-i", str(tags), "-map", "0:v:0", "-map", "1:a:0"),
        *("-map_metadata", "2", "-map_chapters", "2", "-c", "copy"),
        *("-movflags", "+faststart", "-y", str(out)),
        what="joining the segments and the sound",
    )


def _quote(path: Path) -> str:
    return str(path.resolve()).replace("'", "'\\''")


def _metadata(rendered: Rendered) -> str:
    return ffmetadata(rendered.essay.meta, rendered.timeline.chapters)


def _key(rendered: Rendered) -> object:
    return [[p.stem for p in rendered.segments], rendered.sound.folder.name, _metadata(rendered)]


def _make(rendered: Rendered, out: Path) -> None:
    audio = rendered.sound.path(AAC)
    assemble(rendered.segments, audio, _metadata(rendered), out, rendered.scratch)


VIDEO = Product(".mp4", _key, _make, sound=AAC)
