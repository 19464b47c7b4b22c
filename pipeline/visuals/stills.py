"""Stills: decoded and scaled once, then each frame is one sub-pixel warp per YUV plane."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import cv2
import numpy as np
from PIL import Image, ImageOps

from pipeline.script.schema import Move
from pipeline.visuals.motion import cover_scale, view_at
from pipeline.visuals.yuv import FrameBuffer, Overlay, Planes, bgr_to_planes

_WARP = cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP
OVERSAMPLE = 1.25


def load_bgr(path: Path, target: tuple[int, int]) -> np.ndarray:
    """The still upright (EXIF) as uint8 BGR, at `target` size. JPEGs decode straight at
    1/2, 1/4 or 1/8 scale when that is still at least the target."""
    flags = cv2.IMREAD_COLOR
    with Image.open(path) as im:
        size = ImageOps.exif_transpose(im).size if im.getexif().get(0x0112) else im.size
    for reduced, factor in (
        (cv2.IMREAD_REDUCED_COLOR_8, 8),
        (cv2.IMREAD_REDUCED_COLOR_4, 4),
        (cv2.IMREAD_REDUCED_COLOR_2, 2),
    ):
        if size[0] // factor >= target[0] and size[1] // factor >= target[1]:
            flags = reduced
            break
    bgr = cv2.imread(str(path), flags)
    if bgr is None:  # a format OpenCV does not read: let Pillow do it
        with Image.open(path) as im:
            bgr = np.asarray(ImageOps.exif_transpose(im).convert("RGB"))[..., ::-1]
    if bgr.shape[1::-1] != target:
        bgr = cv2.resize(bgr, target, interpolation=cv2.INTER_AREA)
    return bgr


def image_size(path: Path) -> tuple[int, int]:
    """Upright size, as the EXIF orientation says it is shown."""
    with Image.open(path) as im:
        turned = im.getexif().get(0x0112, 1) in (5, 6, 7, 8)
        return (im.height, im.width) if turned else im.size


@lru_cache(maxsize=4)
def _prepared(path: Path, mtime: int, target: tuple[int, int]) -> Planes:
    """A still decoded, scaled and converted once per build, though two sections use it
    (the one it ends and the one whose first shot crossfades over it)."""
    bgr = load_bgr(path, target)
    even = bgr[: bgr.shape[0] // 2 * 2, : bgr.shape[1] // 2 * 2]
    return bgr_to_planes(np.ascontiguousarray(even))


class StillFrames:
    """Frames of one still moving by a Ken Burns move, in the encoder's pixel format."""

    def __init__(
        self, path: Path, move: Move, frame: tuple[int, int], overlay: Overlay | None = None
    ):
        size = image_size(path)
        self.move, self.frame, self.image_size = move, frame, size
        self.overlay = overlay
        # Scale once so the tightest view of the move samples the still a little finer than
        # 1:1: each frame's bilinear warp then loses less detail (benchmarks/quality.py).
        self.prescale = min(1.0, cover_scale(size, frame) * max(move.zoom) * OVERSAMPLE)
        target = (max(2, round(size[0] * self.prescale)), max(2, round(size[1] * self.prescale)))
        self.planes = _prepared(path, path.stat().st_mtime_ns, target)
        self.moves = move.zoom[0] != move.zoom[1] or move.pan != (0.0, 0.0)

    def draw(self, p: float, out: FrameBuffer) -> None:
        """Draw the view at progress p (0-1) into `out`."""
        view = view_at(self.move, self.image_size, self.frame, p)
        k = view.scale / self.prescale  # output pixels per prepared pixel
        cx, cy = view.cx * self.prescale, view.cy * self.prescale
        w, h = self.frame
        for plane, src, sub in zip(out.planes, self.planes, (1, 2, 2), strict=True):
            # dst pixel index -> src pixel index, both measured at pixel centres
            m = np.array(
                [
                    [1 / k, 0, (0.5 - w / sub / 2) / k + cx / sub - 0.5],
                    [0, 1 / k, (0.5 - h / sub / 2) / k + cy / sub - 0.5],
                ]
            )
            cv2.warpAffine(
                src, m, plane.shape[::-1], dst=plane, flags=_WARP, borderMode=cv2.BORDER_REPLICATE
            )
        if self.overlay:
            self.overlay.apply(out.planes)
