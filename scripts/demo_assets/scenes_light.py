"""The two scenes of light: a glowing voice waveform, and thousands of small lights."""

from __future__ import annotations

import numpy as np

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
    pixels,
    polyline_mask,
    rgb,
    screen,
    splat,
    streaks,
)


def wave_curves(strands: int) -> list[Array]:
    """Interleaved strands of a voice waveform, swelling in the middle."""
    u = np.linspace(0, 1, 2400)
    envelope = np.exp(-(((u - 0.5) / 0.19) ** 2)) * 0.92 + 0.04 * np.sin(np.pi * u)
    curves = []
    for k in range(strands):
        phase, gain = 0.45 * k, 1 - 0.55 * abs(k - strands // 2) / strands
        shape = (
            0.6 * np.sin(2 * np.pi * 3.1 * u + phase)
            + 0.3 * np.sin(2 * np.pi * 7.4 * u + 1.7 * phase)
            + 0.1 * np.sin(2 * np.pi * 17.0 * u + 2.3 * phase)
        )
        ys = H * 0.5 + H * 0.2 * envelope * gain * shape
        curves.append(np.stack([W * (0.05 + 0.9 * u), ys], axis=1))
    return curves


def voice(rng: np.random.Generator) -> Array:
    """An abstract glowing voice waveform on a warm coral gradient."""
    x, y = pixels()
    r = np.hypot((x - W / 2) / W, (y - H / 2) / W) / 0.7
    image = gradient(r, [(0.0, "#F28C6B"), (0.35, "#E2644F"), (0.8, "#B53D3E"), (1.0, "#8E2C36")])
    image *= (0.95 + 0.08 * fbm(rng, (H, W), 4, 5))[..., None]
    curves = wave_curves(9)
    core = polyline_mask(curves[1:-1], 2) * 0.45 + polyline_mask(curves[4:5], 4)
    core = np.clip(core, 0, 1)[..., None]
    light = core * rgb("#FFF4E6") + blur(core, 5) * rgb("#FFD2A8") * 1.2
    image = screen(image, light + blur(core, 40) * rgb("#FFB98E") * 2.5)
    u = rng.beta(2.2, 2.2, 900)
    spread = np.exp(-(((u - 0.5) / 0.2) ** 2))
    xs = W * (0.05 + 0.9 * u)
    ys = H * 0.5 + rng.normal(0, 1, u.size) * H * 0.09 * (spread + 0.15)
    specks = rgb("#FFF1DC") * rng.lognormal(-1.6, 0.6, (u.size, 1)).astype(np.float32)
    return screen(image, splat(xs, ys, specks, 1.6) + splat(xs[::9], ys[::9], specks[::9], 5))


def light_field(rng: np.random.Generator, count: int) -> tuple[Array, Array]:
    """Points along a slow river of light; the last fifth a sparse scatter around it."""
    u = rng.random(count)
    centre = 0.5 + 0.13 * np.sin(2 * np.pi * (0.8 * u + 0.1)) + 0.05 * np.sin(2 * np.pi * 2.1 * u)
    spread = 0.07 + 0.035 * np.sin(2 * np.pi * (1.3 * u + 0.4))
    ys = centre + rng.normal(0, 1, count) * spread * rng.choice([0.5, 1.0, 1.6], count)
    scatter = slice(count * 4 // 5, count)
    ys[scatter] = rng.random(count - count * 4 // 5)
    return (u * 1.04 - 0.02) * W, ys * H


def conversations(rng: np.random.Generator, xs: Array, ys: Array, count: int) -> list[Array]:
    """Faint arcs between neighbouring lights: conversations."""
    arcs, t = [], np.linspace(0, 1, 30)[:, None]
    for i in rng.choice(xs.size, count, replace=False):
        d = np.hypot(xs - xs[i], ys - ys[i])
        j = int(np.argsort(d)[rng.integers(2, 8)])
        a, b = np.array([xs[i], ys[i]]), np.array([xs[j], ys[j]])
        bend = (a + b) / 2 + np.array([-(b - a)[1], (b - a)[0]]) * rng.uniform(-0.5, 0.5)
        arcs.append((1 - t) ** 2 * a + 2 * (1 - t) * t * bend + t**2 * b)
    return arcs


def many_lights(rng: np.random.Generator) -> Array:
    """Thousands of small soft lights, like conversations, in a dark warm field."""
    _, y = pixels()
    image = gradient(y / H, [(0.0, "#1A0A0F"), (0.5, "#3A1720"), (1.0, "#1E0D10")])
    image += glow(W * 0.42, H * 0.5, 900, "#6E2A30", 0.35)
    haze = streaks(rng, 3, 3, 5) * np.exp(-((((y / H) - 0.5) / 0.25) ** 2))
    image = screen(image, (haze * 0.12)[..., None] * rgb("#E07A66"))
    xs, ys = light_field(rng, 10000)
    palette = np.stack([rgb(c) for c in ["#FFE2B8", "#FFC38F", "#F59A7A", "#FBEBD6", "#E8706A"]])
    colours = palette[rng.integers(0, len(palette), xs.size)]
    colours *= rng.lognormal(-0.8, 0.7, (xs.size, 1)).astype(np.float32)
    small = rng.random(xs.size) < 0.12
    light = splat(xs[~small], ys[~small], colours[~small], 1.1)
    light += splat(xs[small], ys[small], colours[small] * 0.6, 2.8)
    arcs = polyline_mask(conversations(rng, xs[:3000], ys[:3000], 220), 1)
    light += blur(arcs, 0.7)[..., None] * rgb("#F6B08E") * 0.14
    light += bokeh(rng, 50, (0, 0.2, 1, 0.8), (8, 34), (0.04, 0.14), BOKEH)
    light += blur(light, 14) * 0.7
    return screen(image, 1 - np.exp(-1.4 * light))
