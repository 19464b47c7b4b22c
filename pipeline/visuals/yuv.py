"""Pictures in the encoder's own pixel format: BT.709 limited-range YUV 4:2:0 planes.

Converting once, up front, lets every frame be made with one cheap resample per plane and
piped to x264 without another conversion.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

# RGB (0-255) to limited-range BT.709 Y'CbCr, as a 3x4 affine matrix for cv2.transform.
_KR, _KB = 0.2126, 0.0722
_KG = 1 - _KR - _KB
_RGB_TO_YUV = np.array(
    [
        [219 * _KR / 255, 219 * _KG / 255, 219 * _KB / 255, 16],
        [
            -224 * _KR / (2 * (1 - _KB)) / 255,
            -224 * _KG / (2 * (1 - _KB)) / 255,
            224 / 2 / 255,
            128,
        ],
        [
            224 / 2 / 255,
            -224 * _KG / (2 * (1 - _KR)) / 255,
            -224 * _KB / (2 * (1 - _KR)) / 255,
            128,
        ],
    ],
    dtype=np.float32,
)
_BGR_TO_YUV = np.ascontiguousarray(_RGB_TO_YUV[:, [2, 1, 0, 3]])
BLACK = (16, 128, 128)


@dataclass
class Planes:
    """Y at full size, U and V at half size in each direction."""

    y: np.ndarray
    u: np.ndarray
    v: np.ndarray

    def __iter__(self):
        return iter((self.y, self.u, self.v))


class FrameBuffer:
    """One yuv420p frame in a single contiguous buffer, as the encoder reads it."""

    def __init__(self, width: int, height: int):
        self.width, self.height = width, height
        self.data = np.empty(width * height * 3 // 2, dtype=np.uint8)
        n, q = width * height, width * height // 4
        self.planes = Planes(
            self.data[:n].reshape(height, width),
            self.data[n : n + q].reshape(height // 2, width // 2),
            self.data[n + q :].reshape(height // 2, width // 2),
        )

    def fill(self, color: tuple[int, int, int] = BLACK) -> None:
        for plane, value in zip(self.planes, color, strict=True):
            plane.fill(value)

    def copy_from(self, other: FrameBuffer) -> None:
        np.copyto(self.data, other.data)


def rgb_to_planes(rgb: np.ndarray) -> Planes:
    """uint8 RGB (h, w, 3), h and w even, to uint8 YUV 4:2:0 planes."""
    return _to_planes(rgb, _RGB_TO_YUV)


def bgr_to_planes(bgr: np.ndarray) -> Planes:
    """The same for OpenCV's BGR order."""
    return _to_planes(bgr, _BGR_TO_YUV)


def _to_planes(pixels: np.ndarray, matrix: np.ndarray) -> Planes:
    # uint8 in, uint8 out: OpenCV rounds and saturates in one pass
    yuv = cv2.transform(pixels, matrix)
    h, w = pixels.shape[:2]
    half = (w // 2, h // 2)
    y, u, v = cv2.split(yuv)
    return Planes(
        y,
        cv2.resize(u, half, interpolation=cv2.INTER_AREA),
        cv2.resize(v, half, interpolation=cv2.INTER_AREA),
    )


@dataclass
class Overlay:
    """A picture with transparency to lay over frames, cropped to where it is visible."""

    top: int  # even, so chroma rows line up
    left: int
    planes: Planes
    alpha: np.ndarray  # float32 0-1, full size
    alpha_half: np.ndarray  # float32 0-1, chroma size

    def apply(self, frame: Planes) -> None:
        for k, (plane, over) in enumerate(zip(frame, self.planes, strict=True)):
            scale = 1 if k == 0 else 2
            alpha = self.alpha if k == 0 else self.alpha_half
            t, left = self.top // scale, self.left // scale
            h, w = over.shape
            region = plane[t : t + h, left : left + w]
            cv2.blendLinear(region, over, 1 - alpha, alpha, dst=region)


def overlay_from_rgba(rgba: np.ndarray) -> Overlay | None:
    """None when the picture is fully transparent."""
    alpha = rgba[..., 3]
    rows, cols = np.nonzero(alpha.any(axis=1))[0], np.nonzero(alpha.any(axis=0))[0]
    if not len(rows):
        return None
    top, bottom = rows[0] // 2 * 2, min(alpha.shape[0], (rows[-1] + 2) // 2 * 2)
    left, right = cols[0] // 2 * 2, min(alpha.shape[1], (cols[-1] + 2) // 2 * 2)
    crop = rgba[top:bottom, left:right]
    a = crop[..., 3].astype(np.float32) / 255
    half = ((right - left) // 2, (bottom - top) // 2)
    return Overlay(
        top,
        left,
        rgb_to_planes(np.ascontiguousarray(crop[..., :3])),
        a,
        cv2.resize(a, half, interpolation=cv2.INTER_AREA),
    )


_YUV_TO_RGB = np.linalg.inv(_RGB_TO_YUV[:, :3].astype(np.float64))
_OFFSET = -_YUV_TO_RGB @ _RGB_TO_YUV[:, 3].astype(np.float64)
_YUV_TO_RGB_AFFINE = np.hstack([_YUV_TO_RGB, _OFFSET[:, None]]).astype(np.float32)


def planes_to_rgb(planes: Planes) -> np.ndarray:
    """uint8 YUV 4:2:0 planes (BT.709, limited range) back to uint8 RGB (h, w, 3)."""
    h, w = planes.y.shape
    u = cv2.resize(planes.u, (w, h), interpolation=cv2.INTER_LINEAR)
    v = cv2.resize(planes.v, (w, h), interpolation=cv2.INTER_LINEAR)
    yuv = cv2.merge([planes.y, u, v]).astype(np.float32)
    return np.clip(np.rint(cv2.transform(yuv, _YUV_TO_RGB_AFFINE)), 0, 255).astype(np.uint8)
