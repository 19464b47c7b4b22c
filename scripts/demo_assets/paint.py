"""Drawing primitives on the 2400x1600 float RGB canvas every still is painted on:
colours and gradients, noise, glows and bokeh, blends, anti-aliased masks, and the finish."""

from __future__ import annotations

import cv2
import numpy as np
from PIL import Image

W, H = 2400, 1600

Array = np.ndarray

# Shared by the scenes, so that the six stills read as one set
WARM_LIGHTS = ["#FFD9A0", "#FFC38A", "#FBE6C8", "#F6A77E", "#FFE9C2"]
BOKEH = ["#FFD3A1", "#F7A582", "#E8756A", "#FBE3C3", "#F2B8A0"]


def rgb(code: str) -> Array:
    """A '#rrggbb' colour as float32 RGB in [0, 1]."""
    return np.array([int(code[i : i + 2], 16) for i in (1, 3, 5)], np.float32) / 255


def gradient(t: Array, stops: list[tuple[float, str]]) -> Array:
    """Map values ``t`` through colour stops [(position, '#rrggbb'), ...] to RGB."""
    positions = [p for p, _ in stops]
    colours = np.stack([rgb(c) for _, c in stops])
    channels = [np.interp(t, positions, colours[:, c]) for c in range(3)]
    return np.stack(channels, axis=-1).astype(np.float32)


def pixels() -> tuple[Array, Array]:
    """Pixel x and y coordinates of the canvas, float32, shape (H, W) each."""
    y, x = np.mgrid[0:H, 0:W].astype(np.float32)
    return x, y


def glow(cx: float, cy: float, radius: float, colour: str, strength: float) -> Array:
    """A soft Gaussian glow as an additive RGB layer."""
    x, y = pixels()
    falloff = np.exp(-((x - cx) ** 2 + (y - cy) ** 2) / radius**2)
    return (strength * falloff)[..., None] * rgb(colour)


def blur(image: Array, sigma: float) -> Array:
    """Gaussian blur; large radii are done on a smaller copy, which looks the same."""
    if sigma <= 8:
        return cv2.GaussianBlur(image, (0, 0), sigma).reshape(image.shape)
    factor = sigma / 4
    h, w = image.shape[:2]
    small = cv2.resize(
        image, (max(int(w / factor), 1), max(int(h / factor), 1)), interpolation=cv2.INTER_AREA
    )
    small = cv2.GaussianBlur(small, (0, 0), 4)
    return cv2.resize(small, (w, h), interpolation=cv2.INTER_CUBIC).reshape(image.shape)


def fbm(rng: np.random.Generator, shape: tuple[int, int], cells: int, octaves: int = 4) -> Array:
    """Fractal value noise in [0, 1]: ``cells`` blobs across the width at the coarsest octave."""
    h, w = shape
    total = np.zeros(shape, np.float32)
    amplitude, weight = 1.0, 0.0
    for octave in range(octaves):
        across = cells * 2**octave
        grid = rng.random((max(int(across * h / w), 1) + 2, across + 2), dtype=np.float32)
        total += amplitude * cv2.resize(grid, (w, h), interpolation=cv2.INTER_CUBIC)
        weight += amplitude
        amplitude *= 0.5
    total /= weight
    return (total - total.min()) / (np.ptp(total) + 1e-6)


def streaks(rng: np.random.Generator, stretch: int, cells: int, octaves: int = 4) -> Array:
    """Noise stretched horizontally ``stretch`` times (mist, clouds, wood grain)."""
    narrow = fbm(rng, (H, W // stretch), cells, octaves)
    return cv2.resize(narrow, (W, H), interpolation=cv2.INTER_CUBIC)


def screen(base: Array, layer: Array) -> Array:
    """Screen blend: light added the way projected light adds."""
    return 1 - (1 - base) * (1 - np.clip(layer, 0, 1))


def mix(base: Array, colour: Array | str, alpha: Array) -> Array:
    """Lay ``colour`` over ``base`` with a per-pixel alpha of shape (H, W)."""
    colour = rgb(colour) if isinstance(colour, str) else colour
    return base * (1 - alpha[..., None]) + colour * alpha[..., None]


def add_disc(layer: Array, cx: float, cy: float, r: float, colour: Array, alpha: float) -> None:
    """Add one bokeh disc (anti-aliased, faintly brighter at the rim) to ``layer`` in place."""
    h, w = layer.shape[:2]
    x0, x1 = max(int(cx - r - 2), 0), min(int(cx + r + 3), w)
    y0, y1 = max(int(cy - r - 2), 0), min(int(cy + r + 3), h)
    if x0 >= x1 or y0 >= y1:
        return
    yy, xx = np.mgrid[y0:y1, x0:x1].astype(np.float32)
    d = np.hypot(xx - cx, yy - cy)
    cover = np.clip(r - d + 0.5, 0, 1) * (0.8 + 0.25 * np.clip(d / r, 0, 1) ** 4)
    layer[y0:y1, x0:x1] += (alpha * cover)[..., None] * colour


def bokeh(
    rng: np.random.Generator,
    count: int,
    area: tuple[float, float, float, float],
    radius: tuple[float, float],
    alpha: tuple[float, float],
    palette: list[str],
) -> Array:
    """An additive layer of ``count`` soft discs placed in ``area`` (x0, y0, x1, y1, 0..1)."""
    layer = np.zeros((H, W, 3), np.float32)
    for _ in range(count):
        cx, cy = rng.uniform(area[0], area[2]) * W, rng.uniform(area[1], area[3]) * H
        colour = rgb(palette[rng.integers(len(palette))])
        add_disc(layer, cx, cy, rng.uniform(*radius), colour, rng.uniform(*alpha))
    return blur(layer, 1.6)


def splat(xs: Array, ys: Array, colours: Array, sigma: float) -> Array:
    """Soft points of light: each point a Gaussian whose peak is its colour."""
    layer = np.zeros((H, W, 3), np.float32)
    inside = (xs >= 0) & (xs < W) & (ys >= 0) & (ys < H)
    np.add.at(layer, (ys[inside].astype(int), xs[inside].astype(int)), colours[inside])
    return blur(layer, sigma) * (2 * np.pi * sigma**2)


def polyline_mask(curves: list[Array], thickness: int, shape: tuple[int, int] = (H, W)) -> Array:
    """Anti-aliased polylines (each an (n, 2) array of x, y) as a float mask in [0, 1]."""
    canvas = np.zeros(shape, np.uint8)
    pts = [np.round(c * 16).astype(np.int32).reshape(-1, 1, 2) for c in curves]
    cv2.polylines(canvas, pts, False, 255, thickness, cv2.LINE_AA, shift=4)
    return canvas.astype(np.float32) / 255


def polygon_mask(polygons: list[Array], shape: tuple[int, int] = (H, W)) -> Array:
    """Anti-aliased filled polygons as a float mask in [0, 1]."""
    union = np.zeros(shape, np.uint8)
    for polygon in polygons:
        canvas = np.zeros(shape, np.uint8)
        pts = np.round(polygon * 16).astype(np.int32).reshape(1, -1, 2)
        cv2.fillPoly(canvas, pts, 255, cv2.LINE_AA, shift=4)
        np.maximum(union, canvas, out=union)
    return union.astype(np.float32) / 255


def finish(image: Array, rng: np.random.Generator, grain: float, vignette: float) -> Image.Image:
    """Vignette and fine film grain, then 8-bit."""
    x, y = pixels()
    r2 = ((x - W / 2) / (W / 2)) ** 2 + ((y - H / 2) / (H / 2)) ** 2
    image = image * (1 - vignette * np.clip(r2 / 2, 0, 1) ** 1.3)[..., None]
    noise = cv2.GaussianBlur(rng.normal(0, 1, (H, W)).astype(np.float32), (0, 0), 0.6)
    image = image + (grain * noise * (0.4 + image.mean(axis=2)))[..., None]
    return Image.fromarray(np.clip(image * 255 + 0.5, 0, 255).astype(np.uint8))


# ------------------------------------------------------------------------ skylines


def ellipse(cx: float, cy: float, rx: float, ry: float) -> Array:
    """An ellipse as a polygon."""
    angle = np.linspace(0, 2 * np.pi, 72, endpoint=False)
    return np.stack([cx + rx * np.cos(angle), cy + ry * np.sin(angle)], axis=1)


def rounded_rect(x0: float, y0: float, x1: float, y1: float, r: float) -> Array:
    """A rectangle with corners rounded to radius ``r``, as a polygon."""
    angle = np.linspace(0, np.pi / 2, 12)
    corners = [(x1 - r, y1 - r, 0), (x0 + r, y1 - r, 1), (x0 + r, y0 + r, 2), (x1 - r, y0 + r, 3)]
    arcs = [
        np.stack(
            [cx + r * np.cos(angle + k * np.pi / 2), cy + r * np.sin(angle + k * np.pi / 2)], 1
        )
        for cx, cy, k in corners
    ]
    return np.concatenate(arcs)
