"""Look at rendered files the way a player does: PyAV for streams, atoms for faststart."""

from __future__ import annotations

import struct
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import av
import numpy as np


@dataclass(frozen=True)
class Stream:
    kind: str
    codec: str
    profile: str | None
    duration: float
    frames: int
    rate: Fraction | int | None
    width: int | None = None
    height: int | None = None
    pix_fmt: str | None = None
    colour: tuple[int, int, int] | None = None  # matrix, primaries, transfer (1 = BT.709)
    sar: Fraction | None = None  # sample (pixel) aspect ratio; not 1 in an anamorphic file
    field_order: str | None = None  # "progressive", "tt" (top field first), "bb", ...


# libavcodec's AVFieldOrder, by value
FIELD_ORDERS = ("unknown", "progressive", "tt", "bb", "tb", "bt")


def streams(path: Path) -> dict[str, Stream]:
    out = {}
    with av.open(str(path)) as c:
        for s in c.streams:
            if s.type not in ("video", "audio"):
                continue
            cc = s.codec_context
            out[s.type] = Stream(
                s.type,
                cc.name,
                cc.profile,
                float(s.duration * s.time_base),
                s.frames,
                s.average_rate if s.type == "video" else cc.sample_rate,
                getattr(cc, "width", None),
                getattr(cc, "height", None),
                getattr(cc, "pix_fmt", None),
                (cc.colorspace, cc.color_primaries, cc.color_trc) if s.type == "video" else None,
                *(picture(s) if s.type == "video" else ()),
            )
    return out


def picture(s: av.video.stream.VideoStream) -> tuple[Fraction | None, str]:
    """Pixel shape and field order, what a clip's picture may bring that a render never has."""
    order = int(s.codec_context.field_order or 0)
    return s.sample_aspect_ratio, FIELD_ORDERS[order] if order < len(FIELD_ORDERS) else "?"


def chapters(path: Path) -> list[tuple[float, float, str]]:
    with av.open(str(path)) as c:
        return [
            (
                float(ch["start"] * ch["time_base"]),
                float(ch["end"] * ch["time_base"]),
                ch["metadata"]["title"],
            )
            for ch in c.chapters()
        ]


def top_level_atoms(path: Path) -> list[str]:
    """MP4 box names in file order; faststart means `moov` comes before `mdat`."""
    names = []
    with path.open("rb") as f:
        while header := f.read(8):
            size, name = struct.unpack(">I4s", header)
            if size == 1:
                size = struct.unpack(">Q", f.read(8))[0] - 8
            names.append(name.decode("latin-1"))
            f.seek(size - 8, 1)
    return names


def video_frames(path: Path, every: int = 1) -> list[np.ndarray]:
    """Decoded luma planes, every `every`-th frame."""
    with av.open(str(path)) as c:
        return [
            f.to_ndarray(format="gray") for i, f in enumerate(c.decode(video=0)) if i % every == 0
        ]


def first_frame(path: Path) -> av.VideoFrame:
    """The first decoded picture, with what the decoder attached to it (display matrix)."""
    with av.open(str(path)) as c:
        return next(c.decode(video=0))


def rotation(path: Path) -> int:
    """Degrees the display matrix turns the picture (0 without one), as PyAV reads it:
    counter-clockwise, as `ffmpeg -display_rotation` sets it."""
    return int(first_frame(path).rotation)


def frame_times(path: Path) -> list[float]:
    """Presentation times (s) of the video frames in display order."""
    with av.open(str(path)) as c:
        return sorted(float(f.pts * f.time_base) for f in c.decode(video=0))
