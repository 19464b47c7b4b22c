"""Stills: decoded and scaled once, then each frame is one sub-pixel resample per YUV plane."""

from __future__ import annotations

import math
from functools import lru_cache
from pathlib import Path

import cv2
import numpy as np
from PIL import Image, ImageOps

from pipeline.script.assets import STILL_FORMATS
from pipeline.script.settings import Move
from pipeline.visuals.motion import cover_scale, moves, view_at
from pipeline.visuals.yuv import FrameBuffer, Overlay, Planes, bgr_to_planes

_WARP = cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP
OVERSAMPLE = 1.25
PAD = 64  # edge pixels repeated around a prepared still: room to start a crop before it
TOLERANCE = 1 / 32  # of a pixel: the step of warpAffine's own sub-pixel grid


def load_bgr(path: Path, target: tuple[int, int]) -> np.ndarray:
    """The still upright (EXIF) as uint8 BGR, at `target` size. JPEGs decode straight at
    1/2, 1/4 or 1/8 scale when that is still at least the target."""
    with Image.open(path, formats=STILL_FORMATS) as im:
        size = ImageOps.exif_transpose(im).size if im.getexif().get(0x0112) else im.size
        # OpenCV drops the alpha channel, showing whatever colour transparent pixels hold
        bgr = _over_black(im) if _transparent(im) else _decoded(path, size, target)
        if bgr is None:  # a format OpenCV does not read: let Pillow do it
            bgr = np.asarray(ImageOps.exif_transpose(im).convert("RGB"))[..., ::-1]
    if bgr.shape[1::-1] != target:
        bgr = cv2.resize(bgr, target, interpolation=cv2.INTER_AREA)
    return bgr


def _transparent(im: Image.Image) -> bool:
    return im.mode in ("RGBA", "RGBa", "LA", "La", "PA") or "transparency" in im.info


def _over_black(im: Image.Image) -> np.ndarray:
    """An image with transparency, composed over black, the frame behind every shot."""
    rgba = np.asarray(ImageOps.exif_transpose(im).convert("RGBA"), dtype=np.uint16)
    rgb = (rgba[..., :3] * rgba[..., 3:] + 127) // 255
    return np.ascontiguousarray(rgb[..., ::-1], dtype=np.uint8)


def _decoded(path: Path, size: tuple[int, int], target: tuple[int, int]) -> np.ndarray | None:
    """By OpenCV, which reads 16-bit, palette and CMYK images as 8-bit BGR, at the smallest
    JPEG reduction still at least `target`; None if it cannot read the format."""
    flags = cv2.IMREAD_COLOR
    for reduced, factor in (
        (cv2.IMREAD_REDUCED_COLOR_8, 8),
        (cv2.IMREAD_REDUCED_COLOR_4, 4),
        (cv2.IMREAD_REDUCED_COLOR_2, 2),
    ):
        if size[0] // factor >= target[0] and size[1] // factor >= target[1]:
            flags = reduced
            break
    return cv2.imread(str(path), flags)


@lru_cache(maxsize=4)
def _prepared(path: Path, mtime: int, target: tuple[int, int]) -> Planes:
    """A still decoded, scaled and converted once per build, though two sections use it
    (the one it ends and the one whose first shot crossfades over it)."""
    bgr = load_bgr(path, target)
    even = bgr[: bgr.shape[0] // 2 * 2, : bgr.shape[1] // 2 * 2]
    planes = bgr_to_planes(np.ascontiguousarray(even))
    return Planes(
        *(cv2.copyMakeBorder(p, PAD, PAD, PAD, PAD, cv2.BORDER_REPLICATE) for p in planes)
    )


class StillFrames:
    """Frames of one still moving by a Ken Burns move, in the encoder's pixel format."""

    def __init__(
        self,
        path: Path,
        size: tuple[int, int],
        move: Move,
        frame: tuple[int, int],
        overlay: Overlay | None = None,
    ):
        """`size`: the still's, upright, as the loader found it."""
        self.move, self.frame, self.image_size = move, frame, size
        self.overlay = overlay
        # Scale once so the tightest view of the move samples the still a little finer than
        # 1:1: each frame's bilinear warp then loses less detail (benchmarks/quality.py).
        self.prescale = min(1.0, cover_scale(size, frame) * max(move.zoom) * OVERSAMPLE)
        target = (max(2, round(size[0] * self.prescale)), max(2, round(size[1] * self.prescale)))
        self.planes = _prepared(path, path.stat().st_mtime_ns, target)
        self.moves = moves(move)

    def draw(self, p: float, out: FrameBuffer) -> None:
        """Draw the view at progress p (0-1) into `out`."""
        view = view_at(self.move, self.image_size, self.frame, p)
        k = view.scale / self.prescale  # output pixels per prepared pixel
        cx, cy = view.cx * self.prescale, view.cy * self.prescale
        w, h = self.frame
        for plane, src, sub in zip(out.planes, self.planes, (1, 2, 2), strict=True):
            # where the centre of output pixel (0, 0) falls on the prepared plane
            x = (0.5 - w / sub / 2) / k + cx / sub - 0.5 + PAD
            y = (0.5 - h / sub / 2) / k + cy / sub - 0.5 + PAD
            resample(src, plane, 1 / k, x, y)
        if self.overlay:
            self.overlay.apply(out.planes)


def resample(src: np.ndarray, out: np.ndarray, step: float, x: float, y: float) -> None:
    """out[i, j] = src at (x + step * j, y + step * i), bilinear, pixel centres.

    cv2.resize does this three times faster than warpAffine, but only from a whole-pixel
    crop origin x0: output pixel j falls at x0 + (j + 0.5) step - 0.5. Resizing n more
    pixels and dropping them moves that to x0 + (n + 0.5) step - 0.5, and some n < PAD
    brings it within TOLERANCE of x; when none does (a whole-number step), warpAffine.
    """
    h, w = out.shape
    ox, oy = _origin(x, step), _origin(y, step)
    if ox is not None and oy is not None:
        (x0, nx), (y0, ny) = ox, oy
        crop = src[y0 : y0 + int((ny + h) * step) + 3, x0 : x0 + int((nx + w) * step) + 3]
        big = cv2.resize(crop, None, fx=1 / step, fy=1 / step, interpolation=cv2.INTER_LINEAR)
        if big.shape[0] >= ny + h and big.shape[1] >= nx + w:  # the crop was not cut short
            out[...] = big[ny : ny + h, nx : nx + w]
            return
    m = np.array([[step, 0, x], [0, step, y]])
    cv2.warpAffine(src, m, (w, h), dst=out, flags=_WARP, borderMode=cv2.BORDER_REPLICATE)


def _origin(at: float, step: float) -> tuple[int, int] | None:
    """A crop start x0 >= 0 and a count n with x0 + (n + 0.5) step - 0.5 close to `at`.
    Enlarging, the first pixels fall before the crop's first column: those are dropped too."""
    n = np.arange(math.ceil(max(0.0, 0.5 / step - 0.5)), int(PAD / step) + 1)
    x0 = at + 0.5 - (n + 0.5) * step
    near = np.flatnonzero((np.abs(x0 - np.rint(x0)) <= TOLERANCE) & (x0 > -0.5))
    return (int(np.rint(x0[near[0]])), int(n[near[0]])) if len(near) else None
