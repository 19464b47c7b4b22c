"""The two city scenes: a skyline at dusk, and two people on a rooftop at dawn."""

from __future__ import annotations

import numpy as np

from .paint import (
    BOKEH,
    WARM_LIGHTS,
    Array,
    H,
    W,
    blur,
    bokeh,
    ellipse,
    fbm,
    glow,
    gradient,
    mix,
    pixels,
    polygon_mask,
    polyline_mask,
    rgb,
    screen,
    streaks,
)
from .skyline import paint_skyline, skyline_mask, towers, windows


def city_dusk(rng: np.random.Generator) -> Array:
    """A stylised skyline against a warm dusk, window lights and foreground bokeh."""
    _, y = pixels()
    sky = gradient(
        y / H,
        [
            (0.0, "#4B2342"),
            (0.28, "#93475E"),
            (0.5, "#D4665A"),
            (0.64, "#F29877"),
            (0.76, "#FAD1AC"),
            (1.0, "#FCE4C6"),
        ],
    )
    clouds = streaks(rng, 6, 3, 5)
    band = np.exp(-((((y / H) - 0.36) / 0.16) ** 2))
    sky = sky * (1 - 0.14 * clouds * band)[..., None]
    image = screen(sky, (0.35 * clouds**3 * band)[..., None] * rgb("#FFC4A0"))
    image += glow(W * 0.6, H * 0.72, 620, "#FFE2BC", 0.45)
    image += glow(W * 0.6, H * 0.72, 150, "#FFF6E6", 0.55)
    layers = [
        ((0.2, 0.34), (60, 150), "#C77A7E", "#E7A590", 0.25, None, 0.0),
        ((0.22, 0.48), (70, 190), "#5C2639", "#6E3142", 0.06, (12, 18), 0.1),
        ((0.08, 0.18), (140, 320), "#2C121B", "#36171F", 0.0, (18, 24), 0.22),
    ]
    for heights, widths, top, bottom, lift, cell, lit in layers:
        boxes = towers(rng, heights, widths, H)
        image = paint_skyline(image, skyline_mask(rng, boxes, H), top, bottom, lift)
        if cell:
            lights = windows(rng, boxes, H, cell, lit, WARM_LIGHTS)
            image = image + lights * 0.9 + blur(lights, 6) * 0.8
    image = screen(image, bokeh(rng, 160, (0, 0.45, 1, 1), (5, 16), (0.15, 0.45), BOKEH))
    return screen(
        image, blur(bokeh(rng, 40, (0, 0.35, 1, 1.05), (30, 120), (0.04, 0.14), BOKEH), 2.5)
    )


def dawn_sky(rng: np.random.Generator) -> Array:
    """A hazy dawn: lilac-rose above, peach and cream at the horizon, a low sun."""
    _, y = pixels()
    sky = gradient(
        y / H,
        [
            (0.0, "#9C6A80"),
            (0.22, "#CF8C8E"),
            (0.42, "#F0AE92"),
            (0.56, "#F9D5B6"),
            (0.7, "#FCE8D2"),
        ],
    )
    mist = streaks(rng, 8, 3, 5)
    sky = screen(
        sky, (0.22 * mist**2 * np.exp(-((((y / H) - 0.3) / 0.2) ** 2)))[..., None] * rgb("#FFD8BE")
    )
    sky += glow(W * 0.68, H * 0.6, 700, "#FFE7CC", 0.35)
    return sky + glow(W * 0.68, H * 0.6, 110, "#FFF8EC", 0.6)


def hazy_city(rng: np.random.Generator, image: Array, base: int) -> Array:
    """Four ranks of buildings, paler and hazier with distance, fog pooled at their feet."""
    _, y = pixels()
    ranks = [
        ((0.14, 0.22), (50, 130), "#EBC2AC"),
        ((0.1, 0.2), (60, 150), "#DDA8A0"),
        ((0.06, 0.16), (70, 170), "#C68C8F"),
        ((0.03, 0.1), (90, 200), "#A56E7A"),
    ]
    for heights, widths, colour in ranks:
        boxes = towers(rng, heights, widths, base)
        mask = skyline_mask(rng, boxes, base)
        image = mix(image, colour, mask)
        fog = np.exp(-np.clip(base - y, 0, None) / 60) * (y <= base)
        image = mix(image, "#F8DCC4", fog * 0.45)
    lights = windows(rng, boxes, base, (14, 20), 0.05, WARM_LIGHTS)
    return image + lights * 0.35 + blur(lights, 5) * 0.4


def figure(width: float, height: float, lean: float, hair: bool) -> list[Array]:
    """A seated person seen from behind, as polygons (origin at the seat, y up negative)."""
    w, h = width / 2, height
    back = np.array(
        [
            [-w * 0.8, 0],
            [-w * 0.9, -h * 0.5],
            [-w * 0.97, -h * 0.78],
            [w * 0.97, -h * 0.78],
            [w * 0.9, -h * 0.5],
            [w * 0.8, 0],
        ]
    )
    r = width * 0.2
    head_y = -h - r * 1.25
    parts = [
        back,
        ellipse(0, -h * 0.8, w * 0.98, h * 0.17),
        ellipse(-w * 0.84, -h * 0.45, w * 0.14, h * 0.38),
        ellipse(w * 0.84, -h * 0.45, w * 0.14, h * 0.38),
        np.array(
            [[-r * 0.5, -h * 0.9], [r * 0.5, -h * 0.9], [r * 0.45, head_y], [-r * 0.45, head_y]]
        ),
        ellipse(0, head_y, r, r * 1.2),
    ]
    if hair:
        parts += [ellipse(0, head_y + r * 0.35, r * 1.2, r * 1.55)]
    return [p + np.stack([-lean * p[:, 1], np.zeros(len(p))], 1) for p in parts]


def couple(seat: float) -> Array:
    """Mask of two small figures sitting close together on the ledge."""
    him = [p + np.array([W * 0.4, seat]) for p in figure(112, 130, -0.06, hair=False)]
    her = [p + np.array([W * 0.4 + 108, seat]) for p in figure(94, 114, 0.1, hair=True)]
    return blur(polygon_mask(him + her), 0.7)


def rooftop(rng: np.random.Generator) -> Array:
    """Two small seated silhouettes on a rooftop ledge, looking at a hazy city at dawn."""
    x, y = pixels()
    ledge = int(H * 0.8)
    image = hazy_city(rng, dawn_sky(rng), ledge)
    roof = gradient(
        (y - ledge) / (H - ledge),
        [(0.0, "#6A3942"), (0.13, "#56303A"), (0.135, "#3A1D26"), (1.0, "#21111A")],
    )
    roof *= (0.9 + 0.16 * fbm(rng, (H, W), 80, 5))[..., None]
    image = np.where((y >= ledge)[..., None], roof, image)
    rim = np.exp(-np.abs(y - ledge - 2) / 3) * (0.4 + 0.6 * np.exp(-(((x - W * 0.68) / 900) ** 2)))
    image = screen(image, rim[..., None] * rgb("#F2A486") * 0.7)
    people = couple(ledge + 6)
    image = mix(image, "#2E161F", people)
    edge = np.clip(people - np.roll(people, -5, axis=1), 0, 1)
    image = screen(image, blur(edge, 1.2)[..., None] * rgb("#F6B48E") * 0.8)
    return birds(rng, image)


def birds(rng: np.random.Generator, image: Array) -> Array:
    """A few distant birds over the city."""
    strokes = []
    for _ in range(7):
        cx, cy, s = rng.uniform(0.5, 0.85) * W, rng.uniform(0.18, 0.36) * H, rng.uniform(7, 13)
        strokes.append(
            np.array(
                [
                    [cx - s, cy - s * 0.4],
                    [cx - s * 0.4, cy - s * 0.5],
                    [cx, cy],
                    [cx + s * 0.4, cy - s * 0.5],
                    [cx + s, cy - s * 0.3],
                ]
            )
        )
    return mix(image, "#6E3F4C", polyline_mask(strokes, 2) * 0.7)
