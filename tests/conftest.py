"""Fixtures: a tiny real project (2 sections, 320x180, a few seconds of generated audio)."""

from __future__ import annotations

import functools
import shutil
import wave
from pathlib import Path

import numpy as np
import pytest
import yaml
from clip_media import ClipMedia
from hypothesis import settings
from PIL import Image, ImageDraw

REPO = Path(__file__).resolve().parent.parent

# The property tests draw the same examples on every run, so CI passes or fails on the code,
# not on the draw; `pytest --hypothesis-profile=explore` draws new ones, to look for more.
settings.register_profile("repeatable", derandomize=True, database=None)
settings.register_profile("explore")
settings.load_profile("repeatable")
RATE = 48_000


def speechlike(seconds: float, seed: int = 0, rate: int = RATE, level: float = 0.3) -> np.ndarray:
    """Noise shaped like speech: syllable-rate bursts, word gaps and a low noise floor."""
    rng = np.random.default_rng(seed)
    n = int(seconds * rate)
    t = np.arange(n) / rate
    syllables = 0.5 + 0.5 * np.sin(2 * np.pi * 4.0 * t + rng.uniform(0, 6)) ** 2
    words = (np.sin(2 * np.pi * 0.7 * t + rng.uniform(0, 6)) > -0.6).astype(float)
    voice = np.sin(2 * np.pi * 140 * t) + 0.5 * np.sin(2 * np.pi * 280 * t)
    noise = rng.normal(0, 0.3, n)
    signal = (voice + noise) * syllables * words * level
    return (signal + rng.normal(0, 0.001, n)).astype(np.float32)


def write_wav(path: Path, samples: np.ndarray, rate: int = RATE) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    pcm = (np.clip(samples, -1, 1) * 32767).astype("<i2")
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1 if pcm.ndim == 1 else pcm.shape[1])
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(pcm.tobytes())
    return path


def tone_bursts(
    pattern: list[tuple[float, bool]],
    freq: float = 300.0,
    level: float = 0.3,
    rate: int = RATE,
    seed: int = 0,
) -> np.ndarray:
    """Narration made of tone: (seconds, speaking?) pairs, syllable-shaped, over a faint floor.

    Band-limited on purpose: a test can tell it apart from music at another frequency.
    """
    rng = np.random.default_rng(seed)
    parts = []
    for seconds, speaking in pattern:
        t = np.arange(int(seconds * rate)) / rate
        if speaking:
            syllables = 0.55 + 0.45 * np.sin(2 * np.pi * 4 * t) ** 2
            parts.append(level * syllables * np.sin(2 * np.pi * freq * t))
        else:
            parts.append(np.zeros(len(t)))
    signal = np.concatenate(parts)
    return (signal + rng.normal(0, 0.0005, len(signal))).astype(np.float32)


def write_music(path: Path, seconds: float, freq: float = 3000.0, level: float = 0.2) -> Path:
    """A steady stereo tone: its level at `freq` is easy to follow through the mix."""
    t = np.arange(int(seconds * RATE)) / RATE
    tone = level * np.sin(2 * np.pi * freq * t)
    return write_wav(path, np.stack([tone, tone], axis=1))


def write_still(path: Path, size=(640, 480), seed: int = 0) -> Path:
    """A picture with structure (gradient, circles, lines) so motion and cropping show."""
    rng = np.random.default_rng(seed)
    w, h = size
    x = np.linspace(0, 1, w)[None, :]
    y = np.linspace(0, 1, h)[:, None]
    rgb = np.stack([200 * x + 40 * y, 80 + 120 * y + 0 * x, 180 - 120 * x + 0 * y], axis=-1)
    im = Image.fromarray(np.clip(rgb, 0, 255).astype(np.uint8))
    d = ImageDraw.Draw(im)
    for _ in range(12):
        cx, cy, r = rng.uniform(0, w), rng.uniform(0, h), rng.uniform(10, h / 5)
        d.ellipse(
            [cx - r, cy - r, cx + r, cy + r], fill=tuple(int(v) for v in rng.integers(0, 255, 3))
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    im.save(path, quality=90)
    return path


SERIES = {
    "series": "The Who & The What",
    "author": "Test Author",
    "video": {"width": 320, "height": 180, "fps": 30, "crf": 28, "preset": "superfast"},
    "timing": {"lead_in": 0.3, "pause": 0.5, "tail": 0.7},
}

TEXTS = [
    "This is the first section. It has two sentences, and a clause.",
    "The second section talks about {{ film.title }} & its ending: a short one.",
]


# What the takes say: the script as the build fills it in ({{ film.title }} is Her)
SAID = [t.replace("{{ film.title }}", "Her") for t in TEXTS]


@functools.cache
def spoken(text: str, rate: int = 170) -> np.ndarray:
    """`text` read by the project's own scratch voice (espeak-ng from its wheel): real
    speech, so a take is heard saying its script, in about three seconds."""
    from pipeline.audio.scratch import speak
    from pipeline.script.settings import Scratch

    samples = speak(text, Scratch(rate=rate)).samples.astype(np.float32) / 32768
    return samples + np.random.default_rng(len(text)).normal(0, 0.001, len(samples)).astype(
        np.float32
    )


def episode(audio: list[str], stills: list[str]) -> dict:
    return {
        "episode": 1,
        "title": "A tiny test",
        "film": {"title": "Her", "year": 2013, "director": "Spike Jonze"},
        "date": "2026-11-26",
        "sections": [
            {
                "id": "one",
                "title": "The first",
                "narration": {"audio": audio[0], "text": TEXTS[0]},
                "visuals": [
                    {"card": "title"},
                    {"still": stills[0], "caption": "A caption", "move": {"zoom": [1.0, 1.2]}},
                ],
            },
            {
                "id": "two",
                "title": "The second",
                "narration": {"audio": audio[1], "text": TEXTS[1]},
                "visuals": [
                    {"still": stills[1], "move": {"zoom": [1.1, 1.0], "pan": [0.1, 0]}},
                    {
                        "card": "quote",
                        "fields": {"text": "A quote & more", "attribution": "Someone"},
                    },
                ],
            },
        ],
    }


class Project:
    """A project folder on disk, with helpers to edit its episode."""

    def __init__(self, root: Path):
        self.root = root
        self.episode = root / "essays" / "tiny.yaml"

    def read(self) -> dict:
        return yaml.safe_load(self.episode.read_text())

    def write(self, data: dict) -> None:
        self.episode.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True))

    def write_text(self, text: str) -> None:
        self.episode.write_text(text)


@pytest.fixture
def project(tmp_path: Path) -> Project:
    return make_project(tmp_path / "proj")


def make_project(root: Path) -> Project:
    shutil.copytree(REPO / "assets" / "templates", root / "assets" / "templates")
    shutil.copytree(REPO / "assets" / "fonts", root / "assets" / "fonts")
    (root / "essays").mkdir(parents=True)
    (root / "essays" / "series.yaml").write_text(yaml.safe_dump(SERIES, sort_keys=False))
    audio = [
        str(write_wav(root / f"assets/t/n{i}.wav", spoken(text)).relative_to(root))
        for i, text in enumerate(SAID)
    ]
    stills = [
        str(write_still(root / f"assets/t/s{i}.jpg", seed=i).relative_to(root)) for i in range(2)
    ]
    p = Project(root)
    p.write(episode(audio, stills))
    return p


@pytest.fixture(scope="session")
def clip_media(tmp_path_factory: pytest.TempPathFactory) -> ClipMedia:
    """The test films of tests/clip_media.py, each made once for the whole run."""
    return ClipMedia(tmp_path_factory.mktemp("clip_media"))


SITE = "https://example.org/who-what/"
SUMMARY = "Who <script>alert(1)</script> & what: the ending, read again."


@pytest.fixture(scope="session")
def built_series(tmp_path_factory) -> Path:
    """A series built once for the session (publish and newsletter tests): two episodes
    (tiny, and other, its copy a week later), a site, a newsletter with a mailing service's
    merge tag, and the series' files. Copy it before changing it."""
    from pipeline.produce import build
    from pipeline.produce.series import publish_series
    from pipeline.publish.profiles import MASTER
    from pipeline.script.project import Project as Opened

    project = make_project(tmp_path_factory.mktemp("series") / "proj")
    series = project.root / "essays" / "series.yaml"
    data = yaml.safe_load(series.read_text()) | {
        "site": {"url": SITE},
        "newsletter": {"unsubscribe": "{{unsubscribe_url}}"},
    }
    series.write_text(yaml.safe_dump(data, sort_keys=False))
    project.write(project.read() | {"summary": SUMMARY})
    other = project.read() | {"episode": 2, "title": "Another tiny test", "date": "2026-12-03"}
    (project.root / "essays" / "other.yaml").write_text(yaml.safe_dump(other, sort_keys=False))
    for path in (project.episode, project.root / "essays" / "other.yaml"):
        build(path, profile=MASTER)
    publish_series(Opened.open(project.root))
    return project.root
