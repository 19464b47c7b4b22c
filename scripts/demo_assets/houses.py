"""Small-town houses: a row of them along the width, gable end or side on, their outlines,
the snow lying on their roofs and their lit windows."""

from __future__ import annotations

import numpy as np

from .paint import WARM_LIGHTS, Array, H, W, blur, mix, polygon_mask, polyline_mask, rgb
from .skyline import paint_skyline

House = tuple[int, int, int, int, bool]  # x0, x1, top of the walls, roof's peak, gable end on


def houses(
    rng: np.random.Generator, base: float, widths: tuple[float, float], walls: tuple[float, float]
) -> list[House]:
    """A row of small houses along the width, some showing their gable end, some their side."""
    row, x = [], -rng.uniform(0, widths[1])
    while x < W:
        gable = rng.random() < 0.6
        w = rng.uniform(*widths) * (1 if gable else 1.5)
        top = base - rng.uniform(*walls) * H
        peak = top - (w * rng.uniform(0.3, 0.5) if gable else rng.uniform(0.5, 0.8) * (base - top))
        row.append((int(x), int(x + w), int(top), int(peak), gable))
        x += w * rng.uniform(0.8, 1.25)
    return row


def roof(house: House) -> Array:
    """The roof as the eye sees it: a triangle at a gable end, else a sloping plane."""
    x0, x1, top, peak, gable = house
    eave, w = (x1 - x0) * 0.07, x1 - x0
    if gable:
        return np.array(
            [[x0 - eave, top + eave * 0.5], [(x0 + x1) / 2, peak], [x1 + eave, top + eave * 0.5]]
        )
    return np.array(
        [[x0 - eave, top], [x0 + w * 0.16, peak], [x1 - w * 0.16, peak], [x1 + eave, top]]
    )


def house_shapes(row: list[House], base: float) -> list[list[Array]]:
    """Each house's outline: walls, roof and, on the wider ones, a chimney."""
    shapes = []
    for house in row:
        x0, x1, top, peak, _ = house
        parts = [np.array([[x0, base], [x0, top], [x1, top], [x1, base]]), roof(house)]
        if x1 - x0 > 120:
            cx, cap = x0 + (x1 - x0) * 0.7, peak + (top - peak) * 0.25
            parts.append(np.array([[cx, top], [cx, cap], [cx + 20, cap], [cx + 20, top]]))
        shapes.append(parts)
    return shapes


def roof_snow(row: list[House], depth: float) -> Array:
    """Snow lying on the roofs: a thick band along a gable's edges, a side roof covered."""
    rakes = [roof(h) + np.array([0, depth * 0.3]) for h in row if h[4]]
    planes = [roof(h) for h in row if not h[4]]
    ridges = [roof(h)[1:3] for h in row if not h[4]]
    snow = np.maximum(polyline_mask(rakes, int(depth)), polygon_mask(planes) * 0.7)
    return blur(np.maximum(snow, polyline_mask(ridges, int(depth * 0.8))), 1.0)


def paint_houses(
    rng: np.random.Generator,
    image: Array,
    row: list[House],
    base: float,
    colours: tuple[str, str],
    snow: float,
    lit: float,
) -> Array:
    """The row filled with a colour ramp, snow lying on the roofs and some windows lit.
    Every other house stands a little behind its neighbours, in a little more shade."""
    depth = np.median([x1 - x0 for x0, x1, *_ in row]) * 0.07
    for rank, shade in ((row[::2], 0.88), (row[1::2], 1.0)):
        body = polygon_mask([p for parts in house_shapes(rank, base) for p in parts])
        image = paint_skyline(image, body, *colours, 0.0)
        caps = roof_snow(rank, depth)
        image = mix(image, "#FCE9DC", caps * snow)
        image *= (1 - (1 - shade) * np.maximum(body, caps))[..., None]
        if lit:
            lights = house_windows(rng, rank, base, lit)
            image = mix(image, "#2A1420", (lights.max(axis=2) > 0) * 0.6)
            image = image + lights + blur(lights, 8) * 0.9
    return image


def house_windows(rng: np.random.Generator, row: list[House], base: float, lit: float) -> Array:
    """An emissive layer of windows, a share ``lit`` of them lit: a row of four-pane windows
    along each house, and one in each gable."""
    layer = np.zeros((H, W, 3), np.float32)
    for x0, x1, top, peak, gable in row:
        size = (x1 - x0) / (4.5 if gable else 7)
        mid_y = (top + base) / 2
        spots = [(x, mid_y) for x in np.linspace(x0 + size, x1 - size, 2 if gable else 4)]
        if gable:
            spots.append(((x0 + x1) / 2, (top + peak) / 2 + size * 0.3))
        for cx, cy in spots:
            if rng.random() > lit or cx - size / 2 < 0 or cx + size / 2 > W:
                continue
            colour = rgb(WARM_LIGHTS[rng.integers(len(WARM_LIGHTS))]) * rng.uniform(0.6, 1.0)
            wx0, wy0, s = int(cx - size * 0.35), int(cy - size * 0.45), int(size * 0.7)
            pane = np.ones((int(size * 0.9), s), np.float32)
            pane[pane.shape[0] // 2 - 2 : pane.shape[0] // 2 + 2] = 0.25
            pane[:, s // 2 - 2 : s // 2 + 2] = 0.25
            layer[wy0 : wy0 + pane.shape[0], wx0 : wx0 + s] += pane[..., None] * colour
    return layer
