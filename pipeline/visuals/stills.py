"""Stills: decoded and scaled once, then each frame is one sub-pixel warp per YUV plane."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
from PIL import Image, ImageOps

from pipeline.script.schema import Move
from pipeline.visuals.motion import cover_scale, view_at
from pipeline.visuals.yuv import FrameBuffer, Overlay, Planes, rgb_to_planes

_WARP = cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP


def load_rgb(path: Path, target: tuple[int, int] | None = None) -> np.ndarray:
    """The still upright as uint8 RGB; JPEGs decode straight at a reduced size when they can."""
    with Image.open(path) as im:
        if target:
            im.draft("RGB", target)  # JPEG decodes at 1/2, 1/4, 1/8 scale, never below target
        im = ImageOps.exif_transpose(im).convert("RGB")
        return np.asarray(im)


class StillFrames:
    """Frames of one still moving by a Ken Burns move, in the encoder's pixel format."""

    def __init__(
        self, path: Path, move: Move, frame: tuple[int, int], overlay: Overlay | None = None
    ):
        with Image.open(path) as im:
            size = ImageOps.exif_transpose(im).size if im.getexif().get(0x0112) else im.size
        self.move, self.frame, self.image_size = move, frame, size
        self.overlay = overlay
        # Scale once so the tightest view of the move samples the still about 1:1.
        self.prescale = min(1.0, cover_scale(size, frame) * max(move.zoom))
        target = (max(2, round(size[0] * self.prescale)), max(2, round(size[1] * self.prescale)))
        rgb = load_rgb(path, target)
        if rgb.shape[1::-1] != target:
            rgb = cv2.resize(rgb, target, interpolation=cv2.INTER_AREA)
        even = rgb[: rgb.shape[0] // 2 * 2, : rgb.shape[1] // 2 * 2]
        self.planes: Planes = rgb_to_planes(np.ascontiguousarray(even))
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
