"""The films that speak, heard: where each word of a clip's `says` is said in its own
sound, so its captions follow the actor's voice as the narration's follow the take. What is
found is kept by the clip's sound and its text, so a build hears a clip once."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from pipeline.audio.clip_sound import range_samples
from pipeline.audio.heard import english
from pipeline.audio.take_cache import save_arrays
from pipeline.base.cache import ANALYSIS, Area, Cache, file_digest, key
from pipeline.script.model import Essay, OwnSound
from pipeline.timing import listen
from pipeline.timing.hearing import Said, dialogue_times
from pipeline.timing.text import tokenize

VERSION = 1  # bump when hearing the same clip would now find something else


def hear_clips(essay: Essay, cache: Cache) -> dict[tuple[str, int], Said]:
    """Each clip that speaks and says what it says, heard in its own sound, by section id
    and the clip's index among the section's visuals (seconds into the clip)."""
    area, longest = cache.area(ANALYSIS), essay.settings.subtitles.max_line_chars
    heard: dict[tuple[str, int], Said] = {}
    for section_id, j, sound in _speaking(essay) if english(essay) else ():
        tokens = tokenize(sound.says, longest)
        name = key("clip words", VERSION, listen.VERSION, file_digest(sound.file),
                   sound.start, sound.end, [t.text for t in tokens])  # fmt: skip
        recalled = _recall(area, name, len(tokens))
        if recalled is None:
            samples = range_samples(sound.file, sound.start, sound.end, 1, listen.RATE)[:, 0]
            recalled = (dialogue_times(samples, tokens),)
            _remember(area, name, recalled[0], len(tokens))
        heard[section_id, j] = recalled[0]
    return heard


def _speaking(essay: Essay) -> Iterator[tuple[str, int, OwnSound]]:
    for section in essay.sections:
        for j, visual in enumerate(section.visuals):
            if visual.sound is not None and visual.sound.says:
                yield section.id, j, visual.sound


def _recall(area: Area, name: str, count: int) -> tuple[Said] | None:
    """What was heard the last time, in a tuple; None if not known (or damaged)."""
    found = area.get(f"{name}.npz")
    if found is None:
        return None
    try:
        with np.load(found) as data:
            if not bool(data["heard"]):
                return (None,)
            times = data["times"].reshape(count, 2)
    except (OSError, ValueError, KeyError):
        return None
    return (tuple(None if np.isnan(a) else (float(a), float(b)) for a, b in times),)


def _remember(area: Area, name: str, said: Said, count: int) -> None:
    times = np.full((count, 2), np.nan)
    for k, t in enumerate(said or ()):
        if t is not None:
            times[k] = t
    save_arrays(area, name, {"heard": np.array(said is not None), "times": times})
