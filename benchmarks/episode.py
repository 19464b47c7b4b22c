"""A synthetic episode for the render benchmark: N sections, each with about 30 s of
speech-like narration, two 4000x3000 JPEG stills with Ken Burns moves and crossfades, and
one card."""

from __future__ import annotations

import shutil
import wave
from pathlib import Path

import cv2
import numpy as np
import yaml

REPO = Path(__file__).resolve().parent.parent
RATE = 48_000
STILL = (4000, 3000)
WORDS = (
    "the film asks what it means to be human when a voice can love and the man who writes "
    "letters for strangers finally writes one of his own to the woman he lost"
).split()


def make_episode(
    root: Path,
    sections: int,
    size: tuple[int, int] = (1920, 1080),
    seconds: float = 30.0,
    still: tuple[int, int] = STILL,
    renditions: tuple[int, ...] = (),
    site: str | None = None,
) -> Path:
    """Write the project; returns the episode's path. `renditions` (heights) and `site` go
    into series.yaml when given."""
    (root / "essays").mkdir(parents=True)
    for folder in ("templates", "fonts"):
        shutil.copytree(REPO / "assets" / folder, root / "assets" / folder)
    preset = "veryfast" if size[1] >= 720 else "superfast"
    series = {
        "series": "Benchmark",
        "video": {"width": size[0], "height": size[1], "fps": 30, "crf": 20, "preset": preset},
        "renditions": list(renditions or [size[1]]),
    }
    if site:
        series["site"] = {"url": site}
    (root / "essays" / "series.yaml").write_text(yaml.safe_dump(series))
    return add_episode(root, "bench", 1, sections, seconds, still)


def add_episode(
    root: Path,
    slug: str,
    number: int,
    sections: int,
    seconds: float = 30.0,
    still: tuple[int, int] = STILL,
) -> Path:
    """One more episode of the project at `root` (its assets named after its slug)."""
    # the first episode keeps the asset names and seeds the render benchmark always had
    prefix, seed = ("", 0) if number == 1 else (f"{slug}-", 1000 * number)
    entries = [_section(root, prefix, k, seed, seconds, still) for k in range(sections)]
    episode = {
        "episode": number,
        "title": f"Benchmark {number}",
        "film": {"title": "Film", "year": 2000, "director": "Someone"},
        "date": f"2026-01-{number:02d}",
        "sections": entries,
    }
    path = root / "essays" / f"{slug}.yaml"
    path.write_text(yaml.safe_dump(episode, sort_keys=False))
    return path


def _section(
    root: Path, prefix: str, k: int, seed: int, seconds: float, size: tuple[int, int]
) -> dict:
    take = f"assets/{prefix}n{k:03d}.wav"
    write_take(root / take, seconds, seed=seed + k)
    stills = [f"assets/{prefix}s{k:03d}{c}.jpg" for c in "ab"]
    for j, still in enumerate(stills):
        write_still(root / still, seed=seed + 2 * k + j, size=size)
    return {
        "id": f"s{k:03d}",
        "title": f"Section {k + 1}",
        "narration": {"audio": take, "text": _text(k, round(seconds / 4))},
        "visuals": [
            {"card": "heading"},
            {"still": stills[0], "move": {"zoom": [1.0, 1.15], "pan": [0.05, 0.0]}, "weight": 3},
            {"still": stills[1], "move": {"zoom": [1.12, 1.0], "focus": [0.45, 0.55]}, "weight": 3},
        ],
    }


def _text(k: int, count: int) -> str:
    rng = np.random.default_rng(k)
    sentences = []
    for _ in range(max(1, count)):
        words = rng.choice(WORDS, size=int(rng.integers(8, 16)))
        sentences.append(" ".join(words).capitalize() + ".")
    return " ".join(sentences)


def write_take(path: Path, seconds: float, seed: int) -> None:
    write_wav(path, speech(seconds, seed))


def speech(seconds: float, seed: int) -> np.ndarray:
    """Speech-like: a voiced buzz and noise in syllables, words and sentences, over a floor."""
    rng = np.random.default_rng(seed)
    t = np.arange(int(seconds * RATE)) / RATE
    syllables = np.sin(2 * np.pi * 4.5 * t) ** 2
    words = np.sin(2 * np.pi * 0.7 * t + rng.uniform(0, 6)) > -0.5
    sentences = (t % 3.7) < 3.1
    voice = np.sin(2 * np.pi * 130 * t) + 0.4 * np.sin(2 * np.pi * 260 * t)
    x = (voice + rng.normal(0, 0.4, len(t))) * syllables * words * sentences * 0.25
    return (x + rng.normal(0, 0.001, len(t))).astype(np.float32)


def write_wav(path: Path, samples: np.ndarray) -> None:
    """16-bit WAV at 48 kHz; mono (n,) or (n, channels)."""
    pcm = (np.clip(samples, -1, 1) * 32767).astype("<i2")
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1 if pcm.ndim == 1 else pcm.shape[1])
        w.setsampwidth(2)
        w.setframerate(RATE)
        w.writeframes(pcm.tobytes())


def write_still(path: Path, seed: int, size: tuple[int, int] = STILL) -> None:
    """A photo-like still: smooth colour fields, edges and fine texture (JPEG, about 2 MB)."""
    rng = np.random.default_rng(seed)
    w, h = size
    small = rng.uniform(0, 255, (6, 8, 3)).astype(np.float32)
    image = cv2.resize(small, (w, h), interpolation=cv2.INTER_CUBIC)
    for _ in range(40):
        centre = (int(rng.integers(0, w)), int(rng.integers(0, h)))
        colour = tuple(float(c) for c in rng.uniform(0, 255, 3))
        cv2.circle(image, centre, int(rng.integers(20, h // 6)), colour, -1, cv2.LINE_AA)
    image += rng.normal(0, 6, image.shape).astype(np.float32)
    cv2.imwrite(str(path), np.clip(image, 0, 255).astype(np.uint8), [cv2.IMWRITE_JPEG_QUALITY, 90])
