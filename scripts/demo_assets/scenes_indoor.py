"""The two indoor scenes: an empty room in window light, and a letter on a desk."""

from __future__ import annotations

import cv2
import numpy as np

from .paint import (
    Array,
    H,
    W,
    blur,
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


def room_quad(corners: Array, s0: float, s1: float, t0: float, t1: float) -> Array:
    """The part of a quad (corners TL, TR, BR, BL) between fractions s (across) and t (down)."""
    tl, tr, br, bl = corners

    def at(s: float, t: float) -> Array:
        return (1 - t) * ((1 - s) * tl + s * tr) + t * ((1 - s) * bl + s * br)

    return np.array([at(s0, t0), at(s1, t0), at(s1, t1), at(s0, t1)])


def window_light(corners: Array, bar: float = 0.035) -> Array:
    """Sunlight through a four-pane window, projected onto the quad ``corners``."""
    half = 0.5 - bar / 2
    panes = [
        room_quad(corners, s0, s0 + half, t0, t0 + half)
        for s0 in (0.0, 0.5 + bar / 2)
        for t0 in (0.0, 0.5 + bar / 2)
    ]
    return polygon_mask(panes)


def skirting_line(floor: float, corner: float) -> Array:
    """Height of the floor's edge at every pixel: level on the back wall, sloping on the side."""
    x, _ = pixels()
    return np.where(x < corner, floor + (corner - x) * 0.35, floor)


def room_surfaces(rng: np.random.Generator, floor: float, corner: float) -> Array:
    """Back wall, a darker side wall to the left of ``corner`` and a floor below ``floor``."""
    x, y = pixels()
    wall = gradient(
        x / W * 0.6 + y / H * 0.4, [(0.0, "#C98C7C"), (0.6, "#E8B79C"), (1.0, "#D9A18C")]
    )
    wall *= (0.97 + 0.05 * fbm(rng, (H, W), 40, 4))[..., None]
    side = gradient(y / H, [(0.0, "#9E6462"), (1.0, "#B9786D")])
    image = np.where((x < corner)[..., None], side, wall)
    ground = gradient((y - floor) / (H - floor), [(0.0, "#A45E4E"), (1.0, "#6E3631")])
    ground *= (0.94 + 0.08 * streaks(rng, 10, 2, 5))[..., None]
    return np.where((y > skirting_line(floor, corner))[..., None], ground, image)


def floorboards(floor: float, vanish: tuple[float, float]) -> Array:
    """Seams between floorboards, converging on the vanishing point."""
    vx, vy = vanish
    seams = []
    for fx in np.arange(-4000, W + 4000, 170.0):
        t = (H - vy) / (floor - vy)
        seams.append(np.array([[fx, floor], [vx + (fx - vx) * t, H]]))
    return polyline_mask(seams, 2)


def empty_room(rng: np.random.Generator) -> Array:
    """A minimal empty room: light from a window on the wall, a floor line, soft shadows."""
    x, y = pixels()
    floor, corner = H * 0.7, W * 0.14
    image = room_surfaces(rng, floor, corner)
    line = skirting_line(floor, corner)
    boards = floorboards(floor, (W * 0.58, H * 0.38)) * (y > line + 2)
    image = mix(image, "#4E2426", boards * 0.25)
    skirting = ((y > line - 26) & (y < line)).astype(np.float32)
    image = mix(image, "#EFCDB4", blur(skirting, 0.8) * np.where(x < corner, 0.45, 0.8))
    wall_patch = np.array(
        [[W * 0.44, H * 0.1], [W * 0.76, H * 0.04], [W * 0.78, H * 0.56], [W * 0.46, H * 0.62]]
    )
    floor_patch = np.array(
        [[W * 0.2, H * 0.76], [W * 0.5, H * 0.74], [W * 0.66, H * 0.97], [W * 0.26, H * 1.02]]
    )
    sun = blur(window_light(wall_patch), 9) * 0.45 + blur(window_light(floor_patch), 10) * 0.38
    image = screen(image, sun[..., None] * rgb("#FFE4BA"))
    image = beam(rng, image, wall_patch)
    shade = np.exp(-np.abs(y - line) / 70) * 0.22 + np.exp(-np.abs(x - corner) / 90) * 0.15
    return image * (1 - shade)[..., None]


def beam(rng: np.random.Generator, image: Array, target: Array) -> Array:
    """A hazy shaft of light from the upper left onto ``target``, with dust in it."""
    source = np.array([[-W * 0.1, -H * 0.2], [W * 0.12, -H * 0.2]])
    shaft = blur(polygon_mask([np.array([source[0], source[1], target[2], target[3]])]), 40)
    image = screen(image, (shaft * 0.16)[..., None] * rgb("#FFE9C8"))
    xs, ys = rng.random(1500) * W * 0.8, rng.random(1500) * H * 0.7
    inside = shaft[ys.astype(int), xs.astype(int)] > 0.4
    dust = rgb("#FFF4E0") * rng.lognormal(-2.2, 0.7, (int(inside.sum()), 1)).astype(np.float32)
    return screen(image, splat(xs[inside], ys[inside], dust, 1.3))


def desk(rng: np.random.Generator) -> Array:
    """A warm wooden desk top with long grain and a pool of light."""
    x, y = pixels()
    image = gradient((x / W + y / H) / 2, [(0.0, "#B56A50"), (0.5, "#9A523F"), (1.0, "#7A3D33")])
    warp = streaks(rng, 12, 2, 4) * 60
    grain = 0.5 + 0.5 * np.sin((y + warp) * 2 * np.pi / 26)
    image *= (0.9 + 0.06 * grain + 0.08 * streaks(rng, 20, 4, 5))[..., None]
    return image + glow(W * 0.75, H * 0.15, 900, "#FFC9A0", 0.18)


def word(rng: np.random.Generator, x0: float, base: float, letters: int, size: float) -> Array:
    """One handwritten-looking word: a slanted stroke looping at the top of each letter."""
    t = np.linspace(0, letters, letters * 30)
    knots = np.arange(letters + 1)
    heights = np.interp(t, knots, rng.choice([0.5, 0.6, 0.7, 0.75, 1.5, 1.9], letters + 1))
    widths = np.interp(t, knots, np.concatenate([[0], np.cumsum(rng.uniform(0.7, 1.3, letters))]))
    lift = size * 0.36 * heights * (1 - np.cos(2 * np.pi * t)) / 2
    xs = x0 + size * 0.4 * widths + size * 0.1 * heights * np.sin(2 * np.pi * t) + 0.35 * lift
    ys = base - lift + size * 0.05 * np.sin(t * 1.1 + rng.uniform(0, 6))
    return np.stack([xs, ys], axis=1)


def handwriting(rng: np.random.Generator, width: int, top: float, gap: float) -> list[Array]:
    """Lines of pseudo-handwriting filling a page ``width`` wide: salutation, body, name."""
    strokes, margin, size = [], 120.0, 52.0
    lines = [(margin, margin + 330)] + [
        (margin + 40 * (i % 5 == 0), width - margin) for i in range(14)
    ]
    lines[-1] = (margin, width * 0.55)
    for row, (start, end) in enumerate(lines):
        x, base = start, top + row * gap
        while x < end - size:
            letters = int(rng.integers(2, 8))
            strokes.append(word(rng, x, base, letters, size))
            x = strokes[-1][:, 0].max() + size * rng.uniform(0.45, 0.75)
    signature = word(rng, width * 0.58, top + (len(lines) + 1.2) * gap, 6, size * 1.3)
    return [*strokes, signature]


def paper(rng: np.random.Generator, size: tuple[int, int]) -> Array:
    """A cream sheet with fibres, faint ruling and pale ink, as RGB of ``size`` (w, h)."""
    w, h = size
    gap = 64.0
    sheet = np.ones((h, w, 3), np.float32) * rgb("#F8ECD9")
    sheet *= (0.96 + 0.05 * fbm(rng, (h, w), 90, 3))[..., None]
    ruling = polyline_mask(
        [np.array([[0, y], [w, y]]) for y in np.arange(200, h - 90, gap)], 1, (h, w)
    )
    sheet = mix(sheet, "#E3BFB2", ruling * 0.45)
    ink = polyline_mask(handwriting(rng, w, 198, gap), 3, (h, w))
    return mix(sheet, "#8A5560", cv2.GaussianBlur(ink, (0, 0), 0.6) * 0.55)


def letter(rng: np.random.Generator) -> Array:
    """A sheet of cream paper with pale handwriting, at a slight angle on a warm desk."""
    image = desk(rng)
    pw, ph = 1080, 1400
    sheet = paper(rng, (pw, ph))
    turn = cv2.getRotationMatrix2D((pw / 2, ph / 2), 6.5, 1.0)
    turn[:, 2] += (W * 0.42 - pw / 2, H * 0.5 - ph / 2)
    alpha = cv2.warpAffine(np.ones((ph, pw), np.float32), turn, (W, H), flags=cv2.INTER_LINEAR)
    placed = cv2.warpAffine(sheet, turn, (W, H), flags=cv2.INTER_LINEAR)
    shadow = np.roll(blur(alpha, 22), (30, 22), axis=(0, 1))
    image *= (1 - 0.45 * shadow)[..., None]
    x, y = pixels()
    light = (1.02 - 0.1 * (y / H) + 0.04 * (x / W))[..., None]
    image = image * (1 - alpha[..., None]) + placed * light * alpha[..., None]
    return pen(image)


def pen(image: Array) -> Array:
    """A coral fountain pen lying beside the letter, shaded as a cylinder."""
    x, y = pixels()
    a, b = np.array([W * 0.76, H * 0.86]), np.array([W * 0.93, H * 0.4])
    axis = (b - a) / np.linalg.norm(b - a)
    rel_x, rel_y = x - a[0], y - a[1]
    along = np.clip(rel_x * axis[0] + rel_y * axis[1], 0, np.linalg.norm(b - a))
    across = (rel_x * -axis[1] + rel_y * axis[0]) / 20
    body = np.clip(1 - np.abs(across), 0, 1) ** 0.15 * (np.abs(across) < 1)
    body *= np.clip(along, 0, 1) * (along < np.linalg.norm(b - a))
    shadow = np.roll(blur(body, 10), (24, 18), axis=(0, 1))
    image = image * (1 - 0.4 * shadow)[..., None]
    shading = np.clip(0.55 + 0.55 * np.sqrt(np.clip(1 - across**2, 0, 1)) - 0.25 * across, 0, 1.4)
    tone = np.where(
        (along > np.linalg.norm(b - a) * 0.82)[..., None], rgb("#E7C69C"), rgb("#C9473E")
    )
    return mix(image, tone * shading[..., None], body)
