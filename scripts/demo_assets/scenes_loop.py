"""The two scenes of the repeated day: a flip clock radio turning to six, and the piano that
Phil learns to play, a keyboard in lamplight with a page of music on its stand."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

from .paint import (
    BOKEH,
    Array,
    H,
    W,
    blur,
    bokeh,
    fbm,
    glow,
    gradient,
    mix,
    pixels,
    polygon_mask,
    polyline_mask,
    rgb,
    rounded_rect,
    screen,
    streaks,
)

FONT = Path(__file__).resolve().parents[2] / "assets" / "fonts" / "Lato-Regular.ttf"


def text_mask(text: str, size: int, centre: tuple[float, float], weight: int = 0) -> Array:
    """Text in the bundled sans, centred on ``centre``, as a mask of the canvas;
    ``weight`` thickens the strokes by that many pixels."""
    canvas = Image.new("L", (W, H), 0)
    font = ImageFont.truetype(str(FONT), size)
    draw = ImageDraw.Draw(canvas)
    draw.text(centre, text, font=font, fill=255, anchor="mm", stroke_width=weight, stroke_fill=255)
    return np.asarray(canvas, np.float32) / 255


def bedroom(rng: np.random.Generator, table: float) -> Array:
    """A dim, warm bedroom wall with a lamp's glow, and a night table's top below ``table``."""
    x, y = pixels()
    wall = gradient(y / table, [(0.0, "#2A1016"), (1.0, "#4A2128")])
    stripes = 0.5 + 0.5 * np.sin(x * 2 * np.pi / 90)
    wall *= (0.95 + 0.04 * stripes + 0.05 * fbm(rng, (H, W), 6, 4))[..., None]
    wall += glow(W * 0.9, H * 0.1, 1000, "#FFB27A", 0.4) + glow(
        W * 0.93, H * 0.05, 260, "#FFE2BC", 0.3
    )
    wall = screen(
        wall, blur(bokeh(rng, 16, (0.45, 0.0, 1.0, 0.4), (30, 80), (0.03, 0.07), BOKEH), 3)
    )
    top = gradient((y - table) / (H - table), [(0.0, "#6E3830"), (1.0, "#2A1312")])
    top *= (0.9 + 0.1 * streaks(rng, 16, 3, 5))[..., None]
    top += glow(W * 0.75, table + 60, 700, "#FFB987", 0.16)
    return np.where((y > table)[..., None], top, wall)


def flip_card(image: Array, box: tuple[float, float, float, float], digits: str) -> Array:
    """One card of a flip clock: dark, split across the middle, cream digits on it."""
    x0, y0, x1, y1 = box
    card = polygon_mask([rounded_rect(x0, y0, x1, y1, 18)])
    _, y = pixels()
    mid = (y0 + y1) / 2
    shade = gradient((y - y0) / (y1 - y0), [(0.0, "#3A1C20"), (0.5, "#2A1216"), (1.0, "#1C0B0E")])
    image = mix(image, shade, card)
    glyphs = text_mask(digits, int((y1 - y0) * 0.82), ((x0 + x1) / 2, mid + 8), weight=4) * card
    lower = (y > mid)[..., None]
    image = mix(image, np.where(lower, rgb("#E9D2BA"), rgb("#FBEBD6")), glyphs)
    seam = ((np.abs(y - mid) < 4) * card).astype(np.float32)
    return mix(image, "#0C0406", seam)


def speaker(x0: float, y0: float, x1: float, y1: float) -> Array:
    """Mask of a speaker grille: rows of small holes."""
    holes = np.zeros((H, W), np.float32)
    for cy in np.arange(y0, y1, 28):
        for cx in np.arange(x0 + (14 if int((cy - y0) / 28) % 2 else 0), x1, 28):
            cv2.circle(holes, (int(cx), int(cy)), 7, 1.0, -1, cv2.LINE_AA)
    return holes


def clock_radio(rng: np.random.Generator) -> Array:
    """A flip clock radio on a night table, its cards at 6:00, in warm lamplight."""
    table = H * 0.74
    image = bedroom(rng, table)
    x0, y0, x1, y1 = W * 0.3, H * 0.4, W * 0.86, table + 10
    body = polygon_mask([rounded_rect(x0, y0, x1, y1, 40)])
    shadow = np.roll(blur(body, 30), (30, -20), axis=(0, 1)) * 0.55
    image *= (1 - shadow)[..., None]
    _, y = pixels()
    plastic = gradient(
        (y - y0) / (y1 - y0), [(0.0, "#6A3238"), (0.08, "#4A2228"), (1.0, "#2C1317")]
    )
    image = mix(image, plastic, body)
    window = polygon_mask([rounded_rect(W * 0.34, H * 0.45, W * 0.675, H * 0.67, 24)])
    image = mix(image, "#120608", window)
    image = flip_card(image, (W * 0.35, H * 0.465, W * 0.47, H * 0.655), "6")
    image = flip_card(image, (W * 0.485, H * 0.465, W * 0.665, H * 0.655), "00")
    image = mix(image, "#1A090C", speaker(W * 0.705, H * 0.47, W * 0.835, H * 0.66) * 0.8)
    image = tuning_dial(image, W * 0.34, W * 0.835, H * 0.695)
    image += glow(W * 0.335, H * 0.48, 14, "#FF8A5C", 0.9) + glow(
        W * 0.335, H * 0.48, 60, "#FF8A5C", 0.3
    )
    image = screen(image, glow(W * 0.8, H * 0.3, 900, "#FFC9A0", 0.16) * body[..., None])
    reflection = np.flipud(np.roll(body, -int(2 * (table + 10) - H), axis=0))
    return screen(image, blur(reflection * (y > table + 10), 12)[..., None] * rgb("#6A3238") * 0.25)


def tuning_dial(image: Array, x0: float, x1: float, cy: float) -> Array:
    """The radio's tuning strip: a pale band, tick marks and a coral needle."""
    band = polygon_mask([rounded_rect(x0, cy - 22, x1, cy + 22, 10)])
    image = mix(image, "#E8C6A4", band * 0.35)
    ticks = [
        np.array([[x, cy - 10], [x, cy + (10 if i % 5 else 18)]])
        for i, x in enumerate(np.linspace(x0 + 30, x1 - 30, 41))
    ]
    image = mix(image, "#3A1A1E", polyline_mask(ticks, 2) * band)
    needle = polyline_mask(
        [np.array([[x0 + (x1 - x0) * 0.62, cy - 26], [x0 + (x1 - x0) * 0.62, cy + 26]])], 5
    )
    return mix(image, "#F07A58", needle)


KEY, KEYS, KEY_DEPTH = 160, 22, 900  # white key width, white keys, length (flat, in pixels)
SHARPS = (0, 1, 3, 4, 5)  # white keys of an octave that have a black key after them


def keyboard() -> Array:
    """Three octaves of keys seen from straight above, as RGB: cream keys, black keys."""
    width = KEY * KEYS
    keys = np.ones((KEY_DEPTH, width, 3), np.float32) * rgb("#F4E4CE")
    keys *= np.linspace(0.9, 1.02, KEY_DEPTH, dtype=np.float32)[:, None, None]
    for i in range(1, KEYS):
        keys[:, i * KEY - 3 : i * KEY + 3] = rgb("#7A524A")
    for i in range(KEYS - 1):
        if i % 7 in SHARPS:
            x0, x1 = int((i + 1) * KEY - KEY * 0.29), int((i + 1) * KEY + KEY * 0.29)
            keys[: int(KEY_DEPTH * 0.62), x0:x1] = rgb("#1E0C0E")
            keys[: int(KEY_DEPTH * 0.6), x0 + 10 : x0 + 26] = rgb("#4E3032")  # a catch of light
    return keys


def place(flat: Array, quad: Array) -> tuple[Array, Array]:
    """A flat image warped onto ``quad`` of the canvas (its corners TL, TR, BR, BL): the
    pixels and their coverage."""
    h, w = flat.shape[:2]
    corners = np.float32([[0, 0], [w, 0], [w, h], [0, h]])
    warp = cv2.getPerspectiveTransform(corners, np.float32(quad))
    pixels_ = cv2.warpPerspective(flat, warp, (W, H), flags=cv2.INTER_AREA)
    cover = cv2.warpPerspective(np.ones((h, w), np.float32), warp, (W, H), flags=cv2.INTER_LINEAR)
    return pixels_, cover


def music_page(rng: np.random.Generator) -> Array:
    """A page of piano music: pairs of staves, bar lines and note heads on stems."""
    w, h = 900, 1160
    page = np.ones((h, w, 3), np.float32) * rgb("#F7EAD6")
    page *= (0.95 + 0.05 * fbm(rng, (h, w), 30, 3))[..., None]
    lines, heads = [], np.zeros((h, w), np.float32)
    for system in range(5):
        top = 120 + system * 200
        for staff in (0, 80):
            lines += [np.array([[70, y], [w - 70, y]]) for y in top + staff + np.arange(5) * 12]
        lines += [np.array([[x, top], [x, top + 128]]) for x in np.linspace(70, w - 70, 5)]
        for x in np.arange(110, w - 90, 42.0):
            y = top + rng.integers(0, 9) * 6 + 80 * rng.integers(0, 2)
            cv2.ellipse(heads, (int(x), int(y)), (8, 6), -20, 0, 360, 1.0, -1, cv2.LINE_AA)
            lines.append(np.array([[x + 7, y], [x + 7, y - 40]]))
    ink = np.maximum(polyline_mask(lines, 2, (h, w)), heads)
    return mix(page, "#5A2E2E", ink * 0.8)


def piano(rng: np.random.Generator) -> Array:
    """An upright piano's keys receding into lamplight, a page of music on the stand."""
    _, y = pixels()
    wood = gradient(y / H, [(0.0, "#2C0F12"), (0.55, "#43181B"), (1.0, "#1E0709")])
    wood *= (0.92 + 0.1 * fbm(rng, (H, W), 3, 4))[..., None]
    lamp = glow(W * 0.22, H * 0.05, 1100, "#FFB07A", 0.36)
    sheen = polygon_mask(
        [np.array([[W * 0.08, 0], [W * 0.16, 0], [W * 0.2, H * 0.7], [W * 0.12, H * 0.72]])]
    )
    image = music_stand(rng, screen(wood + lamp, blur(sheen, 50)[..., None] * rgb("#FFC9A0") * 0.1))
    back = np.array([[-W * 0.1, H * 0.74], [W * 1.08, H * 0.56]])
    front = np.array([[-W * 0.12, H * 1.08], [W * 1.1, H * 0.66]])
    below = polygon_mask([np.array([front[0], front[1], [W * 1.1, H * 1.2], [-W * 0.12, H * 1.2]])])
    image *= (1 - 0.5 * below)[..., None]
    rail = polygon_mask([np.array([back[0] - [0, 90], back[1] - [0, 30], back[1], back[0]])])
    image = mix(image, "#24090C", rail)
    image = screen(image, polyline_mask([back - [0, 88]], 3)[..., None] * rgb("#E09270") * 0.7)
    keys, cover = place(keyboard(), np.array([back[0], back[1], front[1], front[0]]))
    lip = polygon_mask([np.array([front[0], front[1], front[1] + [0, 24], front[0] + [0, 70]])])
    image = mix(image, "#B88F78", lip)
    keys *= 0.7 + 0.5 * glow(W * 0.25, H * 0.7, 1300, "#FFE6C8", 1.0)
    image = image * (1 - cover[..., None]) + keys * cover[..., None]
    haze = bokeh(rng, 18, (0.0, 0.0, 0.45, 0.5), (25, 70), (0.03, 0.08), BOKEH)
    return screen(image, glow(W * 0.3, H * 0.75, 900, "#FFC894", 0.2) + blur(haze, 3))


def music_stand(rng: np.random.Generator, image: Array) -> Array:
    """A page of music standing on a ledge, casting a soft shadow on the wood behind it."""
    corners = [
        [W * 0.52, H * 0.08],
        [W * 0.84, H * 0.04],
        [W * 0.85, H * 0.46],
        [W * 0.54, H * 0.51],
    ]
    sheet, cover = place(music_page(rng), np.array(corners))
    shadow = np.roll(blur(cover, 20), (24, 30), axis=(0, 1))
    image = image * (1 - 0.5 * shadow)[..., None]
    image = (
        image * (1 - cover[..., None]) + sheet * (0.85 + 0.15 * cover[..., None]) * cover[..., None]
    )
    ledge = np.array(
        [[W * 0.5, H * 0.505], [W * 0.87, H * 0.455], [W * 0.87, H * 0.475], [W * 0.5, H * 0.53]]
    )
    return mix(image, "#5A2326", polygon_mask([ledge]))
