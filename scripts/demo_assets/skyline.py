"""Skylines: random buildings along the width, their silhouettes with setbacks and masts,
their lit windows, and a silhouette filled with a hazy colour ramp."""

from __future__ import annotations

import numpy as np

from .paint import Array, H, W, gradient, mix, pixels, rgb


def towers(
    rng: np.random.Generator, heights: tuple[float, float], widths: tuple[float, float], base: float
) -> list[tuple[int, int, int]]:
    """Random buildings along the width as (x0, x1, top), taller towards the middle."""
    boxes, x = [], -rng.uniform(0, widths[1])
    while x < W:
        w = rng.uniform(*widths)
        centre = (x + w / 2) / W
        profile = 0.55 + 0.45 * np.exp(-(((centre - 0.45) / 0.25) ** 2))
        top = base - profile * rng.uniform(*heights) * H
        boxes.append((int(x), int(x + w), int(top)))
        x += w * rng.uniform(0.75, 1.05)
    return boxes


def skyline_mask(rng: np.random.Generator, boxes: list[tuple[int, int, int]], base: int) -> Array:
    """Silhouette of the buildings, with setbacks and the odd mast."""
    mask = np.zeros((H, W), np.float32)
    for x0, x1, top in boxes:
        mask[max(top, 0) : base, max(x0, 0) : max(x1, 0)] = 1
        w = x1 - x0
        if rng.random() < 0.35:
            inset, rise = int(w * 0.2), int(rng.uniform(0.05, 0.12) * H)
            mask[max(top - rise, 0) : top, max(x0 + inset, 0) : max(x1 - inset, 0)] = 1
        if rng.random() < 0.12:
            mid = (x0 + x1) // 2
            mask[max(top - int(0.08 * H), 0) : top, max(mid - 2, 0) : max(mid + 2, 0)] = 1
    return mask


def windows(
    rng: np.random.Generator,
    boxes: list[tuple[int, int, int]],
    base: int,
    cell: tuple[int, int],
    lit: float,
    palette: list[str],
) -> Array:
    """An emissive layer of lit windows on a grid inside each building."""
    layer = np.zeros((H, W, 3), np.float32)
    cw, ch = cell
    tile = np.zeros((ch, cw), np.float32)
    tile[ch // 4 : ch // 4 + ch // 2, cw // 4 : cw // 4 + cw // 2] = 1
    for x0, x1, top in boxes:
        cols, rows = (x1 - x0 - cw) // cw, (base - top - ch) // ch
        if cols < 1 or rows < 1 or x0 + cw < 0:
            continue
        on = (rng.random((rows, cols)) < lit) * rng.uniform(0.35, 1.0, (rows, cols))
        pattern = np.kron(on, tile)
        ys, xs = top + ch // 2, x0 + cw // 2
        crop = layer[ys : ys + pattern.shape[0], max(xs, 0) : xs + pattern.shape[1]]
        patch = pattern[: crop.shape[0], max(-xs, 0) : max(-xs, 0) + crop.shape[1]]
        crop += patch[..., None] * rgb(palette[rng.integers(len(palette))])
    return layer


def paint_skyline(image: Array, mask: Array, top: str, bottom: str, lift: float) -> Array:
    """Fill a silhouette with a vertical colour ramp (``lift`` brightens the base: haze)."""
    _, y = pixels()
    ramp = gradient(y / H, [(0.3, top), (1.0, bottom)])
    ramp = ramp + lift * np.clip((y / H - 0.55) / 0.45, 0, 1)[..., None] * rgb("#F7C9A8")
    return mix(image, ramp, mask)
