"""Which still is painted for which ``still:`` path, and writing it as a JPEG."""

from __future__ import annotations

import zlib
from collections.abc import Callable
from pathlib import Path

import numpy as np

from .episode import Episode
from .paint import BOKEH, Array, H, bokeh, finish, gradient, pixels, screen
from .scenes_city import city_dusk, rooftop
from .scenes_indoor import empty_room, letter
from .scenes_light import many_lights, voice

JPEG_QUALITY = 85
GRAIN, VIGNETTE = 0.012, 0.35

PAINTERS: dict[str, Callable[[np.random.Generator], Array]] = {
    "01-city-dusk": city_dusk,
    "02-voice": voice,
    "03-many-lights": many_lights,
    "04-empty-room": empty_room,
    "05-letter": letter,
    "06-rooftop": rooftop,
}


def placeholder(rng: np.random.Generator) -> Array:
    """Any other still the script names: a warm gradient with soft bokeh."""
    _, y = pixels()
    image = gradient(y / H, [(0.0, "#5A2840"), (0.5, "#D9705E"), (1.0, "#F8D2B0")])
    return screen(image, bokeh(rng, 120, (0, 0, 1, 1), (10, 90), (0.05, 0.25), BOKEH))


def paint_still(path: Path) -> None:
    """Paint the still for ``path``, seeded by its file name so that reruns match."""
    seed = zlib.crc32(path.stem.encode())
    painter = PAINTERS.get(path.stem, placeholder)
    image = finish(
        painter(np.random.default_rng(seed)),
        np.random.default_rng(seed + 1),
        grain=GRAIN,
        vignette=VIGNETTE,
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    image.save(path, "JPEG", quality=JPEG_QUALITY, optimize=True)


def make_stills(episode: Episode) -> None:
    """Paint every still the script names."""
    print("stills")
    for still in episode.stills:
        path = episode.file(still)
        paint_still(path)
        print(f"  still      {still}  {path.stat().st_size / 1024:5.0f} KB")
