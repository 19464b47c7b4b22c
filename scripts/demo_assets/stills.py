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
from .scenes_loop import clock_radio, piano
from .scenes_winter import morning_snow, town_dawn

JPEG_QUALITY = 85
GRAIN, VIGNETTE = 0.012, 0.35

PAINTERS: dict[str, Callable[[np.random.Generator], Array]] = {
    # essays/her.yaml
    "01-city-dusk": city_dusk,
    "02-voice": voice,
    "03-many-lights": many_lights,
    "04-empty-room": empty_room,
    "05-letter": letter,
    "06-rooftop": rooftop,
    # essays/groundhog-day.yaml
    "01-town-dawn": town_dawn,
    "02-clock-radio": clock_radio,
    "03-piano": piano,
    "04-morning-snow": morning_snow,
}

# What each episode's stills show, for its README, by the episode's folder (the line breaks
# are the README's)
ARTWORK = {
    "assets/her": """in a warm palette of coral, peach, cream and
dusky rose with fine grain: a city at dusk, a glowing voice waveform, thousands of small
lights, an empty room with window light, a handwritten letter, and two people on a
rooftop at dawn.""",
    "assets/groundhog-day": """in a warm winter palette of rose, amber lamplight,
cream snow and plum shadow with fine grain: a small town under a rose dawn in falling snow,
a flip clock radio turning to six, a piano's keys in lamplight with a page of music, and
two people walking hand in hand over new snow towards a low
sun.""",
}
DEFAULT_ARTWORK = "in a warm gradient with soft bokeh and fine grain."


def artwork(folder: str) -> str:
    """What the stills of the episode whose assets are in ``folder`` show."""
    return ARTWORK.get(folder, DEFAULT_ARTWORK)


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
