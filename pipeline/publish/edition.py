"""The audio edition: the same mix as MP3 (ID3 chapters, tags, cover) and as M4A."""

from __future__ import annotations

import io
import shutil
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from mutagen.id3 import (
    APIC,
    CHAP,
    CTOC,
    ID3,
    TALB,
    TDRC,
    TIT2,
    TPE1,
    TRCK,
    CTOCFlags,
)
from PIL import Image, ImageFilter

from pipeline import ffmpeg
from pipeline.render.assemble import ffmetadata
from pipeline.script.model import Meta
from pipeline.timing.timeline import Chapter

COVER_SIZE = 1400  # podcast apps ask for square art, 1400 to 3000 px


def cover_art(card: np.ndarray) -> bytes:
    """A square JPEG: the card whole, centred on a blurred, enlarged copy of itself."""
    picture = Image.fromarray(card[..., :3])
    back = picture.resize((COVER_SIZE, COVER_SIZE), Image.Resampling.BILINEAR)
    back = back.filter(ImageFilter.GaussianBlur(40))
    width = COVER_SIZE
    height = round(width * picture.height / picture.width)
    front = picture.resize((width, height), Image.Resampling.LANCZOS)
    back.paste(front, (0, (COVER_SIZE - height) // 2))
    out = io.BytesIO()
    back.save(out, "JPEG", quality=88)
    return out.getvalue()


def write_mp3(
    stream: Path, out: Path, meta: Meta, chapters: Sequence[Chapter], cover: bytes
) -> None:
    """The encoded MP3 with ID3v2.4 tags, cover art, and a chapter (CHAP) per section."""
    shutil.copyfile(stream, out)
    tags = ID3()
    tags.add(TIT2(encoding=3, text=[meta.title]))
    tags.add(TPE1(encoding=3, text=[meta.author or meta.series]))
    tags.add(TALB(encoding=3, text=[meta.series]))
    tags.add(TRCK(encoding=3, text=[str(meta.episode)]))
    if meta.date:
        tags.add(TDRC(encoding=3, text=[meta.date.isoformat()]))
    if cover:
        tags.add(APIC(encoding=3, mime="image/jpeg", type=3, desc="Cover", data=cover))
    ids = [f"chp{i}" for i in range(len(chapters))]
    toc = TIT2(encoding=3, text=["Chapters"])
    tags.add(
        CTOC(
            element_id="toc",
            flags=CTOCFlags.TOP_LEVEL | CTOCFlags.ORDERED,
            child_element_ids=ids,
            sub_frames=[toc],
        )
    )
    for element, chapter in zip(ids, chapters, strict=True):
        title = TIT2(encoding=3, text=[chapter.title])
        start, end = round(chapter.start * 1000), round(chapter.end * 1000)
        tags.add(CHAP(element_id=element, start_time=start, end_time=end, sub_frames=[title]))
    tags.save(out, v2_version=4)


def write_m4a(
    stream: Path, out: Path, meta: Meta, chapters: Sequence[Chapter], cover: bytes, scratch: Path
) -> None:
    """The encoded AAC in an M4A with tags, chapters and cover art (remuxed, not re-encoded)."""
    metadata = scratch / "edition-metadata.txt"
    metadata.write_text(ffmetadata(meta, chapters), encoding="utf-8")
    art: list[str] = []
    if cover:
        picture = scratch / "cover.jpg"
        picture.write_bytes(cover)
        art = ["-i", str(picture), "-map", "2:v", "-disposition:v", "attached_pic"]
    ffmpeg.run(
        *("-i", str(stream), "-f", "ffmetadata", "-i", str(metadata), *art),
        *("-map", "0:a", "-map_metadata", "1", "-map_chapters", "1", "-c", "copy"),
        *("-movflags", "+faststart", "-f", "ipod", "-y", str(out)),
        what="writing the M4A edition",
    )
