"""Make the assets of the demo episode, essays/her.yaml, from nothing but code.

The demo has to render on a fresh checkout, so every file it points at is generated here:

* narration: each section's text (its Jinja2 expressions filled in from the episode and
  series.yaml) spoken by espeak-ng, padded and given a faint noise floor like a real take,
  encoded to the MP3 path in the section's ``narration.audio``;
* stills: procedural placeholder artwork (numpy and Pillow, fixed seeds) in a warm palette,
  one for every ``still:`` path in the script;
* music: a quiet ambient pad, assets/her/music/bed.mp3, that loops without a seam;
* assets/her/README.md, which says how each of them was made.

Run ``python scripts/make_demo_assets.py [--only narration|stills|music]`` from anywhere.
MP3 encoding uses the ffmpeg binary of imageio-ffmpeg, like the rest of the project.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
import wave
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import cv2
import imageio_ffmpeg
import jinja2
import numpy as np
import yaml
from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
EPISODE = ROOT / "essays" / "her.yaml"
SERIES = ROOT / "essays" / "series.yaml"
ASSETS = ROOT / "assets" / "her"
MUSIC = ASSETS / "music" / "bed.mp3"

ESPEAK = "espeak-ng"
VOICE = "en-us+m3"  # American English, the "male 3" variant: lower, steadier pitch
RATE = 150  # words per minute
PITCH = 40  # 0-99, espeak default 50
WORD_GAP = 1  # extra gap between words, in units of 10 ms
SENTENCE_BREAK = "450ms"  # added after each sentence, for a calm narrator pace
EDGE_SILENCE = 0.25  # seconds before and after each take
NOISE_DBFS = -60.0
TAKE_PEAK_DBFS = -3.0
AUDIO_RATE = 48000

W, H = 2400, 1600
JPEG_QUALITY = 85

Array = np.ndarray
RGB = tuple[float, float, float]

# Pronunciation fixes, for speech only (the subtitles keep the written text).
SPEECH_FIXES: list[tuple[str, str]] = [
    (r"\b([Tt])he [Ww]ho (?:&|and) [Tt]he [Ww]hat\b", r"\1he Hu & the What"),
    (r"\b20(1\d|[2-9]\d)\b", r"twenty \1"),  # 2013 is said "twenty thirteen"
]


# --------------------------------------------------------------------------- script


def load_episode() -> dict[str, Any]:
    """The episode script, its narration text rendered with Jinja2."""
    episode = yaml.safe_load(EPISODE.read_text(encoding="utf-8"))
    series = yaml.safe_load(SERIES.read_text(encoding="utf-8"))
    env = jinja2.Environment(undefined=jinja2.StrictUndefined, autoescape=False)
    context = {
        "series": series["series"],
        "film": episode["film"],
        "title": episode["title"],
        "episode": episode["episode"],
    }
    for section in episode["sections"]:
        narration = section["narration"]
        narration["text"] = env.from_string(narration["text"]).render(context)
    return episode


def still_paths(episode: dict[str, Any]) -> list[Path]:
    """Every ``still:`` path of the script, in order, without repeats."""
    paths = [v["still"] for s in episode["sections"] for v in s["visuals"] if "still" in v]
    return [ROOT / p for p in dict.fromkeys(paths)]


def ffmpeg(*args: str) -> subprocess.CompletedProcess[str]:
    """Run the imageio-ffmpeg binary, raising with its stderr on failure."""
    cmd = [imageio_ffmpeg.get_ffmpeg_exe(), "-hide_banner", "-nostdin", "-y", *args]
    result = subprocess.run(cmd, capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(f"ffmpeg failed: {result.stderr.strip()[-800:]}")
    return result


def write_wav(path: Path, samples: Array, rate: int) -> None:
    """Write float samples in [-1, 1], shape (n,) or (n, channels), as 16-bit PCM."""
    frames = samples if samples.ndim == 2 else samples[:, None]
    pcm = np.clip(np.round(frames * 32767), -32768, 32767).astype("<i2")
    with wave.open(str(path), "wb") as out:
        out.setnchannels(frames.shape[1])
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(pcm.tobytes())


def read_wav(path: Path) -> tuple[Array, int]:
    """Mono 16-bit WAV as float samples and the sample rate."""
    with wave.open(str(path), "rb") as src:
        rate = src.getframerate()
        pcm = np.frombuffer(src.readframes(src.getnframes()), dtype="<i2")
    return pcm.astype(np.float64) / 32768.0, rate


def mp3_duration(path: Path) -> float:
    """Duration of an audio file, by decoding it all with ffmpeg (the last ``time=``)."""
    stderr = ffmpeg("-i", str(path), "-f", "null", "-").stderr
    stamps = re.findall(r"time=(\d+):(\d+):([\d.]+)", stderr)
    hours, minutes, seconds = stamps[-1]
    return int(hours) * 3600 + int(minutes) * 60 + float(seconds)


# ------------------------------------------------------------------------ narration


def speech_text(text: str) -> str:
    """The narration as SSML for espeak-ng: pronunciation fixes and sentence pauses."""
    for pattern, replacement in SPEECH_FIXES:
        text = re.sub(pattern, replacement, text)
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = re.sub(r"([.?!])\s+", rf'\1 <break time="{SENTENCE_BREAK}"/> ', text)
    return f"<speak>{text}</speak>"


def espeak(text: str, wav: Path) -> None:
    """Synthesise SSML text to a WAV file with the chosen voice."""
    cmd = [
        ESPEAK,
        "-m",
        "-v",
        VOICE,
        "-s",
        str(RATE),
        "-p",
        str(PITCH),
        "-g",
        str(WORD_GAP),
        "-w",
        str(wav),
        "--stdin",
    ]
    subprocess.run(cmd, input=text, text=True, check=True, capture_output=True)


def trimmed(speech: Array, rate: int) -> Array:
    """The speech without espeak's own leading and trailing silence (20 ms kept each side)."""
    loud = np.flatnonzero(np.abs(speech) > 10 ** (-50 / 20))
    if loud.size == 0:
        return speech
    margin = int(0.02 * rate)
    return speech[max(loud[0] - margin, 0) : loud[-1] + margin]


def as_take(speech: Array, rate: int, seed: int) -> Array:
    """Trim, normalise, pad with room silence and lay a faint noise floor under it all."""
    speech = trimmed(speech, rate)
    speech = speech / max(np.abs(speech).max(), 1e-9) * 10 ** (TAKE_PEAK_DBFS / 20)
    pad = np.zeros(int(EDGE_SILENCE * rate))
    take = np.concatenate([pad, speech, pad])
    noise = np.random.default_rng(seed).normal(0.0, 10 ** (NOISE_DBFS / 20), take.size)
    return take + noise


def encode_take(take: Array, rate: int, mp3: Path, work: Path) -> None:
    """Encode a take to mono 48 kHz 64 kb/s MP3."""
    wav = work / "take.wav"
    write_wav(wav, take, rate)
    mp3.parent.mkdir(parents=True, exist_ok=True)
    ffmpeg(
        "-i",
        str(wav),
        "-af",
        "highpass=f=70",
        "-ac",
        "1",
        "-ar",
        str(AUDIO_RATE),
        "-c:a",
        "libmp3lame",
        "-b:a",
        "64k",
        str(mp3),
    )


def make_narration(episode: dict[str, Any]) -> list[tuple[Path, float]]:
    """Speak every section to its ``narration.audio`` path; return paths and durations."""
    if shutil.which(ESPEAK) is None:
        sys.exit("espeak-ng is needed to make the demo narration: sudo apt-get install espeak-ng")
    print(f"narration (espeak-ng, voice {VOICE}, {RATE} wpm)")
    takes = []
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        for index, section in enumerate(episode["sections"]):
            mp3 = ROOT / section["narration"]["audio"]
            espeak(speech_text(section["narration"]["text"]), work / "speech.wav")
            speech, rate = read_wav(work / "speech.wav")
            encode_take(as_take(speech, rate, seed=100 + index), rate, mp3, work)
            takes.append((mp3, mp3_duration(mp3)))
            print(f"  narration  {mp3.relative_to(ROOT)}  {takes[-1][1]:6.2f} s")
    total = sum(d for _, d in takes)
    print(f"  narration  total {total:.2f} s ({total / 60:.2f} min)")
    return takes


# ------------------------------------------------------------------- image helpers


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


# -------------------------------------------------------------------------- stills

WARM_LIGHTS = ["#FFD9A0", "#FFC38A", "#FBE6C8", "#F6A77E", "#FFE9C2"]
BOKEH = ["#FFD3A1", "#F7A582", "#E8756A", "#FBE3C3", "#F2B8A0"]


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


def ellipse(cx: float, cy: float, rx: float, ry: float) -> Array:
    """An ellipse as a polygon."""
    angle = np.linspace(0, 2 * np.pi, 72, endpoint=False)
    return np.stack([cx + rx * np.cos(angle), cy + ry * np.sin(angle)], axis=1)


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


def placeholder(rng: np.random.Generator) -> Array:
    """Any other still the script names: a warm gradient with soft bokeh."""
    _, y = pixels()
    image = gradient(y / H, [(0.0, "#5A2840"), (0.5, "#D9705E"), (1.0, "#F8D2B0")])
    return screen(image, bokeh(rng, 120, (0, 0, 1, 1), (10, 90), (0.05, 0.25), BOKEH))


PAINTERS: dict[str, Callable[[np.random.Generator], Array]] = {
    "01-city-dusk": city_dusk,
    "02-voice": voice,
    "03-many-lights": many_lights,
    "04-empty-room": empty_room,
    "05-letter": letter,
    "06-rooftop": rooftop,
}


def make_stills(episode: dict[str, Any]) -> None:
    """Paint every still the script names, seeded by its file name so reruns match."""
    for path in still_paths(episode):
        seed = zlib.crc32(path.stem.encode())
        painter = PAINTERS.get(path.stem, placeholder)
        image = finish(
            painter(np.random.default_rng(seed)),
            np.random.default_rng(seed + 1),
            grain=0.012,
            vignette=0.35,
        )
        path.parent.mkdir(parents=True, exist_ok=True)
        image.save(path, "JPEG", quality=JPEG_QUALITY, optimize=True)
        print(f"  still      {path.relative_to(ROOT)}  {path.stat().st_size / 1024:5.0f} KB")


# --------------------------------------------------------------------------- music

BED_SECONDS = 72.0
CHORDS = [  # MIDI notes: Dmaj9, Bm11, Gmaj9, A6/9, F#m7, Gmaj9, Em9, Asus4
    [50, 57, 61, 64, 66],
    [47, 54, 57, 62, 64],
    [43, 50, 54, 57, 59],
    [45, 52, 59, 61, 66],
    [42, 49, 52, 57, 61],
    [43, 50, 54, 57, 62],
    [40, 47, 50, 54, 55],
    [45, 50, 52, 57, 64],
]
ATTACK, RELEASE = 3.5, 5.0


def hz(note: float) -> float:
    """Frequency of a MIDI note."""
    return 440.0 * 2 ** ((note - 69) / 12)


def tone(local: Array, freq: float, phase: float) -> Array:
    """A soft, warm oscillator: a sine with a little second and third harmonic."""
    angle = 2 * np.pi * freq * local + phase
    return np.sin(angle) + 0.16 * np.sin(2 * angle) + 0.06 * np.sin(3 * angle)


def swell(local: Array, hold: float) -> Array:
    """Raised-cosine attack, hold and release of a chord, in its own time."""
    up = 0.5 - 0.5 * np.cos(np.pi * np.clip(local / ATTACK, 0, 1))
    down = 0.5 + 0.5 * np.cos(np.pi * np.clip((local - hold) / RELEASE, 0, 1))
    return up * down


def chord(rng: np.random.Generator, notes: list[int], local: Array, hold: float) -> Array:
    """One chord as stereo: three detuned voices a note, spread across the field."""
    out = np.zeros((local.size, 2))
    for note in notes:
        level = 0.5 / (1 + max(note - 50, 0) / 18)
        for cents, pan in ((-7, 0.25), (0, 0.5), (7, 0.75)):
            wave = level * tone(local, hz(note + cents / 100), rng.uniform(0, 2 * np.pi))
            out += wave[:, None] * np.array([np.cos(pan * np.pi / 2), np.sin(pan * np.pi / 2)])
    bass = 0.45 * np.sin(2 * np.pi * hz(notes[0] - 12) * local + rng.uniform(0, 2 * np.pi))
    out += bass[:, None] * 0.7
    return out * swell(local, hold)[:, None]


def chime(local: Array, freq: float) -> Array:
    """A high, soft bell-like note that blooms and fades (mono)."""
    bloom = np.clip(local / 0.8, 0, 1) ** 2 * np.exp(-np.clip(local - 0.8, 0, None) / 2.5)
    return 0.1 * bloom * (np.sin(2 * np.pi * freq * local) + 0.3 * np.sin(4 * np.pi * freq * local))


def dry_pad(rng: np.random.Generator, rate: int) -> Array:
    """The chords, each fading into the next; time wraps, so the last fades into the first."""
    n = int(BED_SECONDS * rate)
    t = np.arange(n) / rate
    hold = BED_SECONDS / len(CHORDS)
    out = np.zeros((n, 2))
    for index, notes in enumerate(CHORDS):
        local = (t - index * hold + ATTACK / 2) % BED_SECONDS
        live = local < hold + RELEASE + ATTACK
        out[live] += chord(rng, notes, local[live], hold)
        for _ in range(2):
            start, note = rng.uniform(1.5, hold - 1), rng.choice(notes) + 24
            bell = chime((local[live] - start) % BED_SECONDS, hz(note))
            out[live] += bell[:, None] * np.array([0.6 + rng.uniform(-0.3, 0.3)] * 2)
    return out


def reverb(rng: np.random.Generator, dry: Array, rate: int) -> Array:
    """A long, dark, circular reverb (so the tail of the end smears into the start)."""
    n = dry.shape[0]
    length = int(4.5 * rate)
    decay = np.exp(-np.arange(length) / (0.75 * rate))
    freqs = np.fft.rfftfreq(n, 1 / rate)
    tilt = 1 / (1 + (freqs / 3000) ** 2)
    wet = np.zeros_like(dry)
    for channel in range(2):
        ir = np.zeros(n)
        ir[int(0.03 * rate) : int(0.03 * rate) + length] = rng.normal(0, 1, length) * decay
        spectrum = np.fft.rfft(dry[:, channel]) * np.fft.rfft(ir) * tilt
        wet[:, channel] = np.fft.irfft(spectrum, n)
    return wet / (np.sqrt(np.mean(wet**2)) / np.sqrt(np.mean(dry**2)) + 1e-12)


def make_music() -> None:
    """The ambient bed: chords, reverb, peak at -6 dBFS, stereo 48 kHz 128 kb/s MP3."""
    rng = np.random.default_rng(2013)
    dry = dry_pad(rng, AUDIO_RATE)
    bed = 0.55 * dry + 0.75 * reverb(rng, dry, AUDIO_RATE)
    bed *= 10 ** (-6 / 20) / np.abs(bed).max()
    MUSIC.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        wav = Path(tmp) / "bed.wav"
        write_wav(wav, bed, AUDIO_RATE)
        ffmpeg(
            "-i",
            str(wav),
            "-ac",
            "2",
            "-ar",
            str(AUDIO_RATE),
            "-c:a",
            "libmp3lame",
            "-b:a",
            "128k",
            str(MUSIC),
        )
    print(f"  music      {MUSIC.relative_to(ROOT)}  {mp3_duration(MUSIC):6.2f} s")


# -------------------------------------------------------------------------- readme


def readme(episode: dict[str, Any]) -> str:
    """The text of assets/her/README.md: how every asset here was made."""
    takes = "\n".join(f"- `{s['narration']['audio']}`" for s in episode["sections"])
    stills = "\n".join(f"- `{p.relative_to(ROOT)}`" for p in still_paths(episode))
    return f"""# Assets of the demo episode, "{episode["title"]}"

Everything in this folder is generated by `scripts/make_demo_assets.py`. Nothing here is
taken from the film. To make it all again (same files: the random seeds are fixed):

    python scripts/make_demo_assets.py                # everything
    python scripts/make_demo_assets.py --only stills  # or: narration, music

## Narration

{takes}

Each section's `narration.text` in `essays/her.yaml`, with its Jinja2 expressions filled
in, spoken by espeak-ng (a system package: `sudo apt-get install espeak-ng`) with voice
`{VOICE}` (American English, male variant 3) at {RATE} words a minute, pitch {PITCH},
word gap {WORD_GAP * 10} ms and a {SENTENCE_BREAK} pause after each sentence. For speech
only, the series name is respelled so espeak does not pause inside it, and years are
read the way people say them ("twenty thirteen"). Each take is trimmed of espeak's own
silence, peak-normalised to
{TAKE_PEAK_DBFS:g} dBFS, padded with {EDGE_SILENCE:g} s of silence at each end, laid over a
noise floor at about {NOISE_DBFS:g} dBFS (so it is never digital silence), then encoded by
the imageio-ffmpeg binary to mono {AUDIO_RATE // 1000} kHz MP3 at 64 kb/s. It is a
synthetic placeholder voice: record real takes to the same paths to replace it.

## Stills

{stills}

Procedurally generated placeholder artwork (numpy, Pillow and OpenCV; no film frames),
{W}x{H} JPEG at quality {JPEG_QUALITY}, in a warm palette of coral, peach, cream and
dusky rose with fine grain: a city at dusk, a glowing voice waveform, thousands of small
lights, an empty room with window light, a handwritten letter, and two people on a
rooftop at dawn. To use real stills, put them under `assets/her/stills/` (or anywhere)
and change the `still:` paths in `essays/her.yaml`.

## Music

- `assets/her/music/bed.mp3`

A quiet ambient pad for a later feature: eight slow chords in D major ({BED_SECONDS:g} s),
each note three detuned soft oscillators spread across the stereo field, with a sine bass,
a few high chimes and a long, dark reverb. Time wraps around: the last chord fades out
across the loop point while the first fades in, and the reverb tail of the end carries
into the start, so the file loops without a seam. Peak -6 dBFS; stereo 48 kHz MP3 at
128 kb/s, encoded by the imageio-ffmpeg binary.
"""


def main(argv: list[str] | None = None) -> None:
    """Make the narration, stills and music (or just one kind), then the README."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--only", choices=["narration", "stills", "music"], help="make only this kind of asset"
    )
    args = parser.parse_args(argv)
    episode = load_episode()
    if args.only in (None, "narration"):
        make_narration(episode)
    if args.only in (None, "stills"):
        print("stills")
        make_stills(episode)
    if args.only in (None, "music"):
        print("music")
        make_music()
    (ASSETS / "README.md").write_text(readme(episode), encoding="utf-8")
    print(f"wrote {(ASSETS / 'README.md').relative_to(ROOT)}")


if __name__ == "__main__":
    main()
