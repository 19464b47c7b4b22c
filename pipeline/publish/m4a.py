"""The audio edition as M4A: the MP4's own AAC stream, remuxed with tags, chapters and cover
art (not encoded again)."""

from __future__ import annotations

from pathlib import Path

from pipeline.audio.encoded import AAC
from pipeline.base import ffmpeg
from pipeline.publish.cover import cover_jpeg, edition_recipe
from pipeline.publish.product import Product, Rendered
from pipeline.publish.tags import ffmetadata


def write_m4a(stream: Path, out: Path, metadata: str, cover: bytes, work: Path) -> None:
    tags = work / "edition-metadata.txt"
    tags.write_text(metadata, encoding="utf-8")
    art: list[str] = []
    if cover:
        picture = work / "cover.jpg"
        picture.write_bytes(cover)
        art = ["-i", str(picture), "-map", "2:v", "-disposition:v", "attached_pic"]
    ffmpeg.run(
        *("-i", str(stream), "-f", "ffmetadata", "-i", str(tags), *art),
        *("-map", "0:a", "-map_metadata", "1", "-map_chapters", "1", "-c", "copy"),
        *("-movflags", "+faststart", "-f", "ipod", "-y", str(out)),
        what="writing the M4A edition",
    )


def _metadata(rendered: Rendered) -> str:
    return ffmetadata(rendered.essay.meta, rendered.timeline.chapters)


def _make(rendered: Rendered, out: Path) -> None:
    stream = rendered.sound.path(AAC)
    write_m4a(stream, out, _metadata(rendered), cover_jpeg(rendered), rendered.work)


EDITION = Product(".m4a", edition_recipe, _make, sound=AAC, role="m4a")
