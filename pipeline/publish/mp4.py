"""The episode's video, a file a rendition: segments joined without re-encoding, the sound
muxed once, chapters and tags, faststart. The web renditions carry no edit lists, which some
players ignore (their first packets start at 0)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from pipeline.audio.encoded import AAC
from pipeline.base import ffmpeg
from pipeline.publish.product import Product, Rendered
from pipeline.publish.tags import ffmetadata
from pipeline.render.rendition import Rendition
from pipeline.script.settings import Rate

_NO_EDIT_LIST = ("-use_editlist", "0", "-movflags", "+faststart+negative_cts_offsets")


def assemble(
    segments: Sequence[tuple[Path, int]],
    fps: Rate,
    audio: Path,
    metadata: str,
    out: Path,
    work: Path,
    edit_list: bool = True,
) -> None:
    """`segments`: each file and its frames. `audio` is the encoded sound, exactly as long as
    the segments together; both are copied, not re-encoded. `metadata` is ffmpeg's metadata
    file (tags and chapters)."""
    listing = work / f"{out.name}.segments.txt"
    listing.write_text(_listing(segments, fps), encoding="utf-8")
    tags = work / f"{out.name}.metadata.txt"
    tags.write_text(metadata, encoding="utf-8")
    ffmpeg.run(
        *("-f", "concat", "-safe", "0", "-i", str(listing), "-i", str(audio)),
        *("-f", "ffmetadata", "-i", str(tags), "-map", "0:v:0", "-map", "1:a:0"),
        *("-map_metadata", "2", "-map_chapters", "2", "-c", "copy"),
        *(("-movflags", "+faststart") if edit_list else _NO_EDIT_LIST),
        "-y",
        str(out),
        what="joining the segments and the sound",
    )


def _listing(segments: Sequence[tuple[Path, int]], fps: Rate) -> str:
    """ffmpeg's concat list, each file with its duration: read from the file, a segment that
    starts with B-frames is as long as its edit list, in the container's whole milliseconds,
    and every frame after it came 0.3 to 0.7 ms early. Given in microseconds, as the
    demuxer counts, from the frame count (each the difference of two rounded ends, so the
    rounding never adds up)."""
    lines, frames = [], 0
    for path, count in segments:
        start, frames = frames, frames + count
        micros = round(frames * 1_000_000 / fps) - round(start * 1_000_000 / fps)
        lines.append(f"file '{_quote(path)}'\nduration {micros}us\n")
    return "".join(lines)


def _quote(path: Path) -> str:
    return str(path.resolve()).replace("'", "'\\''")


def _metadata(rendered: Rendered) -> str:
    return ffmetadata(rendered.essay.meta, rendered.timeline.chapters)


def suffix(rendition: Rendition, index: int) -> str:
    """`<slug>.mp4` for the first (the master, or a draft's one), `<slug>-720p.mp4` after."""
    return ".mp4" if index == 0 else f"-{rendition.name}.mp4"


def video(rendition: Rendition, index: int) -> Product:
    """The product of the index-th rendition."""

    def key(rendered: Rendered) -> object:
        stems = [p.stem for p in rendered.segments[index]]
        return [stems, rendered.sound.folder.name, _metadata(rendered), index == 0]

    def make(rendered: Rendered, out: Path) -> None:
        audio, tags = rendered.sound.path(AAC), _metadata(rendered)
        frames = [job.frames for job in rendered.jobs]
        segments = list(zip(rendered.segments[index], frames, strict=True))
        assemble(segments, rendition.fps, audio, tags, out, rendered.work, index == 0)

    # 2: each segment's duration given, so the frames after a join keep their times
    return Product(suffix(rendition, index), key, make, sound=AAC, version=2)
