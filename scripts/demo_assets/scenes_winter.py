"""The two winter scenes: a small town at dawn in falling snow, and two people walking out
into the new snow of the next morning."""

from __future__ import annotations

import cv2
import numpy as np

from .houses import houses, paint_houses
from .paint import (
    BOKEH,
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
    splat,
    streaks,
)
from .scenes_city import dawn_sky

SNOW = ["#FFF4E8", "#FBE3D2", "#FFEBDC"]


def snowfall(rng: np.random.Generator, image: Array, count: int) -> Array:
    """Falling snow: fine flakes everywhere, and a few large soft ones close to the lens."""
    xs, ys = rng.random(count) * W, rng.random(count) * H
    sizes = rng.lognormal(-1.4, 0.5, (count, 1)).astype(np.float32)
    flakes = rgb("#FFF6EC") * sizes
    layer = splat(xs, ys, flakes, 1.3) + splat(xs[::7], ys[::7], flakes[::7] * 0.5, 3.5)
    near = bokeh(rng, 30, (0, 0, 1, 1), (14, 40), (0.05, 0.16), SNOW)
    return screen(image, layer + blur(near, 3))


def snowy_ground(rng: np.random.Generator, top: float, stops: list[tuple[float, str]]) -> Array:
    """Snow from ``top`` down: a ramp of ``stops``, soft drifts and faint wind lines."""
    _, y = pixels()
    ground = gradient(np.clip((y - top) / (H - top), 0, 1), stops)
    drifts = fbm(rng, (H, W), 5, 4)
    return ground * (0.94 + 0.08 * drifts + 0.03 * streaks(rng, 14, 3, 4))[..., None]


def snow_field(
    rng: np.random.Generator,
    image: Array,
    line: float,
    fog: tuple[str, float, float],
    stops: list[tuple[float, str]],
) -> Array:
    """Fog (colour, reach in pixels, strength) pooled at the foot of what stands on ``line``,
    and snow from the line down."""
    _, y = pixels()
    colour, reach, strength = fog
    haze = np.exp(-np.clip(line - y, 0, None) / reach) * (y <= line)
    image = mix(image, colour, haze * strength)
    return np.where((y > line)[..., None], snowy_ground(rng, line, stops), image)


def rose_dawn(rng: np.random.Generator) -> Array:
    """A winter dawn: plum above, rose and peach low down, a sun about to rise at the right,
    and a line of low hills under it."""
    x, y = pixels()
    stops = [(0.0, "#4E2540"), (0.25, "#8C4560"), (0.45, "#D27468"), (0.6, "#F4A884")]
    sky = gradient(y / H, [*stops, (0.7, "#FAD7B8")])
    clouds = streaks(rng, 7, 3, 5) * np.exp(-((((y / H) - 0.3) / 0.15) ** 2))
    sky = sky * (1 - 0.12 * clouds)[..., None]
    image = screen(sky, (0.3 * clouds**3)[..., None] * rgb("#FFC4A0"))
    image += glow(W * 0.66, H * 0.66, 560, "#FFE0B8", 0.45)
    image += glow(W * 0.66, H * 0.66, 130, "#FFF4E2", 0.5)
    hill = 60 * np.exp(-(((x[0] - W * 0.2) / 500) ** 2))
    ridge = H * 0.62 - 70 * fbm(rng, (1, W), 4, 3)[0] - hill
    return mix(image, "#C98A8E", (y > ridge).astype(np.float32) * 0.75)


def town_dawn(rng: np.random.Generator) -> Array:
    """Snow-roofed houses and a steeple under a rose dawn, lamps still lit, snow falling."""
    street, square = H * 0.73, H * 0.86
    image = rose_dawn(rng)
    far = houses(rng, street, (90, 170), (0.04, 0.07))
    far.append((int(W * 0.44), int(W * 0.44) + 70, int(H * 0.55), int(H * 0.43), True))  # steeple
    image = paint_houses(rng, image, far, street, ("#B77784", "#C98C92"), 0.4, 0.25)
    stops = [(0.0, "#F6D9CA"), (0.4, "#EDBDB4"), (1.0, "#C98E98")]
    image = snow_field(rng, image, street, ("#F6D2C0", 50, 0.5), stops)
    near = houses(rng, square, (200, 340), (0.1, 0.15))
    image = paint_houses(rng, image, near, square, ("#5A2A3E", "#3C1A2A"), 0.9, 0.6)
    image = street_lamps(image, [0.14, 0.38, 0.62, 0.86], H * 0.95)
    return snowfall(rng, image, 5000)


def street_lamps(image: Array, across: list[float], foot: float) -> Array:
    """Old street lamps in front of the houses: thin posts, warm heads, pools of light."""
    posts = [np.array([[a * W, foot], [a * W, foot - H * 0.24]]) for a in across]
    image = mix(image, "#2A1220", polyline_mask(posts, 7))
    for a in across:
        head_x, head_y = a * W, foot - H * 0.25
        image = mix(image, "#2A1220", polygon_mask([ellipse(head_x, head_y, 22, 30)]))
        image += glow(head_x, head_y, 26, "#FFF0D6", 1.0)
        image += glow(head_x, head_y, 150, "#FFC98E", 0.4)
        image += glow(head_x, foot + 10, 200, "#FFC48E", 0.16)
    return image


def walker(height: float, step: float, hair: bool) -> tuple[list[Array], list[Array]]:
    """A person in a winter coat seen from behind, walking away: polygons and the outer arm,
    with the feet at the origin (y up is negative)."""
    h = height
    coat = np.array(
        [[-0.13, -0.8], [-0.18, -0.74], [-0.19, -0.55], [-0.22, -0.3], [0.22, -0.3],
         [0.19, -0.55], [0.18, -0.74], [0.13, -0.8]]
    ) * h  # fmt: skip
    back = np.array([[-0.1, -0.31], [-0.01, -0.31], [-0.03, -0.02], [-0.09, -0.02]]) * h
    ahead = np.array([[0.01, -0.31], [0.1, -0.31], [0.08 + step, -0.05], [0.02 + step, -0.05]]) * h
    parts = [coat, back, ahead, ellipse(0, -0.76 * h, 0.17 * h, 0.055 * h)]
    parts += [ellipse(-0.06 * h, -0.02 * h, 0.045 * h, 0.022 * h)]  # the back boot, heel up
    parts += [ellipse((0.05 + step) * h, -0.05 * h, 0.04 * h, 0.02 * h)]
    parts += [ellipse(0, -0.88 * h, 0.07 * h, 0.085 * h), ellipse(0, -0.8 * h, 0.09 * h, 0.03 * h)]
    if hair:
        parts.append(ellipse(0, -0.84 * h, 0.09 * h, 0.11 * h))
    else:
        parts.append(ellipse(0, -0.93 * h, 0.078 * h, 0.055 * h))  # a woollen hat
    arm = np.array([[-0.16, -0.74], [-0.21, -0.56], [-0.22, -0.42]]) * h
    return parts, [arm]


def couple(x: float, feet: float, height: float) -> Array:
    """Mask of two people walking side by side, holding hands between them."""
    gap = height * 0.46
    his, his_arm = walker(height, 0.03, hair=False)
    hers, her_arm = walker(height * 0.92, 0.02, hair=True)
    his_place, her_place = np.array([x, feet]), np.array([x + gap, feet - 6])
    shapes = [p + his_place for p in his] + [p + her_place for p in hers]
    hands = np.array(
        [[x + height * 0.16, feet - height * 0.74], [x + gap * 0.5, feet - height * 0.45],
         [x + gap - height * 0.15, feet - height * 0.68]]
    )  # fmt: skip
    arms = [his_arm[0] + his_place, her_arm[0] * [-1, 1] + her_place, hands]
    body = np.maximum(polygon_mask(shapes), polyline_mask(arms, int(height * 0.065)))
    return blur(body, 0.8)


def long_shadow(mask: Array, feet: float, length: float, lean: float) -> Array:
    """The mask's shadow cast towards the viewer by a low sun ahead of it, on flat snow."""
    turn = np.float32([[1, -lean, lean * feet], [0, -length, (1 + length) * feet]])
    return blur(cv2.warpAffine(mask, turn, (W, H), flags=cv2.INTER_LINEAR), 4)


def footprints(rng: np.random.Generator, start: Array, end: Array, steps: int) -> Array:
    """Two trails of footprints in perspective, smaller with distance, as a mask."""
    prints = []
    for side in (-1, 1):
        for i in range(steps):
            t = i / steps
            cx, cy = (1 - t) * start + t * end
            scale = 1 - 0.8 * t
            offset = side * 60 * scale + (i % 2 - 0.5) * 30 * scale
            prints.append(ellipse(cx + offset + rng.normal(0, 3), cy, 16 * scale, 7 * scale))
    return blur(polygon_mask(prints), 1.5)


def morning_town(rng: np.random.Generator, horizon: float) -> Array:
    """A pale town under a dawn sky, fog at its feet, a wide field of new snow that glints."""
    image = dawn_sky(rng)
    far = houses(rng, horizon - 14, (70, 130), (0.03, 0.05))
    steeple = (int(W * 0.3), int(W * 0.3) + 56, int(horizon - H * 0.12), int(horizon - H * 0.2))
    far.append((*steeple, True))
    image = paint_houses(rng, image, far, horizon - 14, ("#E6BDB4", "#EDC8BC"), 0.5, 0.0)
    near = houses(rng, horizon, (110, 200), (0.05, 0.08))
    image = paint_houses(rng, image, near, horizon, ("#CE979B", "#DCAAA8"), 0.8, 0.0)
    stops = [(0.0, "#FCEBDD"), (0.3, "#F6D6C6"), (1.0, "#E2AFAE")]
    image = snow_field(rng, image, horizon, ("#FBE3D0", 70, 0.55), stops)
    image += glow(W * 0.68, horizon + 40, 600, "#FFE8CC", 0.12)
    count = 900
    xs, ys = rng.random(count) * W, horizon + rng.random(count) ** 2 * (H - horizon)
    glints = splat(xs, ys, np.tile(rgb("#FFF8EE"), (count, 1)) * 0.6, 0.9)
    return screen(image, glints)


def morning_snow(rng: np.random.Generator) -> Array:
    """Two people walking hand in hand towards a low sun over fresh snow and a pale town."""
    feet = H * 0.79
    image = morning_town(rng, H * 0.7)
    image = screen(image, bokeh(rng, 24, (0.45, 0.3, 0.95, 0.65), (20, 60), (0.04, 0.1), BOKEH))
    people = couple(W * 0.54, feet, 190)
    image = mix(image, "#B27C8A", long_shadow(people, feet, 2.4, -0.3) * 0.5)
    trail = footprints(rng, np.array([W * 0.46, H * 1.03]), np.array([W * 0.585, feet + 12]), 14)
    image = mix(image, "#C58D97", trail * 0.5)
    image = mix(image, "#3A1A28", people)
    edge = np.clip(people - np.roll(people, -4, axis=1), 0, 1)
    return screen(image, blur(edge, 1.2)[..., None] * rgb("#F8BE96") * 0.7)
