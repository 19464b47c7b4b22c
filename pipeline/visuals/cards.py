"""Cards and overlays: filled SVG templates rasterised by resvg with the project's fonts."""

from __future__ import annotations

import io
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

import cv2
import numpy as np
import resvg_py
from PIL import Image

from pipeline.base.errors import RenderError
from pipeline.script.svg import svg_problem
from pipeline.visuals.yuv import Overlay, Planes, overlay_from_rgba, rgb_to_planes


def rasterise(svg: str, fonts: Sequence[Path], size: tuple[int, int]) -> np.ndarray:
    """RGBA uint8 (h, w, 4). Only the given font files are used, never the system's, and
    nothing the card would load from elsewhere (checked when it was filled, and here)."""
    wrong = svg_problem(svg)
    if wrong:
        raise RenderError(f"cannot rasterise a card: {wrong}")
    try:
        png = resvg_py.svg_to_bytes(
            svg_string=svg,
            width=size[0],
            height=size[1],
            skip_system_fonts=True,
            font_files=[str(f) for f in fonts],
        )
    except ValueError as err:
        raise RenderError(f"cannot rasterise a card: {err}") from None
    with Image.open(io.BytesIO(bytes(png))) as im:
        rgba = np.asarray(im.convert("RGBA"))
    if rgba.shape[1::-1] != size:  # a template whose viewBox has another aspect ratio
        rgba = np.asarray(Image.fromarray(rgba).resize(size, Image.Resampling.LANCZOS))
    return rgba


@lru_cache(maxsize=4)
def card_planes(svg: str, fonts: tuple[Path, ...], size: tuple[int, int]) -> Planes:
    """A card as a frame: its transparent parts show black."""
    rgba = rasterise(svg, fonts, size)
    alpha = cv2.merge([rgba[..., 3]] * 3)
    return rgb_to_planes(cv2.multiply(rgba[..., :3], alpha, scale=1 / 255))


def overlay(svg: str, fonts: Sequence[Path], size: tuple[int, int]) -> Overlay | None:
    return overlay_from_rgba(rasterise(svg, fonts, size))
