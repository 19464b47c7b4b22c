"""The audio edition as MP3: the mix's MP3 stream with ID3v2.4 tags, cover art and a chapter
(CHAP) per section."""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from pathlib import Path

from mutagen.id3 import APIC, CHAP, CTOC, ID3, TALB, TDRC, TIT2, TPE1, TRCK, CTOCFlags

from pipeline.audio.encoded import MP3
from pipeline.publish.cover import cover_jpeg, edition_recipe
from pipeline.publish.product import Product, Rendered
from pipeline.script.model import Meta
from pipeline.timing.timeline import Chapter


def write_mp3(
    stream: Path, out: Path, meta: Meta, chapters: Sequence[Chapter], cover: bytes
) -> None:
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
    flags = CTOCFlags.TOP_LEVEL | CTOCFlags.ORDERED
    tags.add(CTOC(element_id="toc", flags=flags, child_element_ids=ids, sub_frames=[toc]))
    for element, chapter in zip(ids, chapters, strict=True):
        title = TIT2(encoding=3, text=[chapter.title])
        start, end = round(chapter.start * 1000), round(chapter.end * 1000)
        tags.add(CHAP(element_id=element, start_time=start, end_time=end, sub_frames=[title]))
    tags.save(out, v2_version=4)


def _make(rendered: Rendered, out: Path) -> None:
    stream, chapters = rendered.sound.path(MP3), rendered.timeline.chapters
    write_mp3(stream, out, rendered.essay.meta, chapters, cover_jpeg(rendered))


EDITION = Product(".mp3", edition_recipe, _make, sound=MP3, role="mp3")
