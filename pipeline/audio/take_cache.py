"""Takes measured once: what checking a take finds (where its words are, its level, its
room tone, the samples it keeps, the doubts about its file) is kept in the cache by what it
is measured from, so a check or a rebuild does not decode a narration file again until it
or its settings change, and warns of the same doubts each time."""

from __future__ import annotations

import io
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from pipeline.base.cache import Area, file_digest, key
from pipeline.script.model import Essay, Section
from pipeline.timing import listen
from pipeline.timing.hearing import Before
from pipeline.timing.listen import Heard

VERSION = 4  # bump when measuring the same file would now find something else
# `starts`, `ends`, `unsure`: its script heard in it (audio/heard.py), with the disagreements;
# `cuts`, `unscripted`, `removed`: the retakes cut out, and the speech the script lacks
FIELDS = (
    "stretch", "cut", "speech", "levels", "tone", "doubts", "starts", "ends", "unsure", "cuts",
    "unscripted", "removed",
)  # fmt: skip


def group_key(essay: Essay, sections: Sequence[Section]) -> str:
    """What the sections' takes are measured from: their file's bytes, where each starts and
    ends in it, their text (where no start is given, it is found by the text), the
    settings that trim and level them."""
    settings = essay.settings
    return key(
        VERSION,
        listen.VERSION,
        file_digest(sections[0].narration.audio),
        [
            [s.narration.start, s.narration.end, s.narration.text, s.title, s.narration.keep_last]
            for s in sections
        ],
        essay.settings.site.language if essay.settings.site else "en",
        settings.audio.model_dump(),
        settings.subtitles.max_line_chars,
    )


def recall(area: Area, name: str) -> list[dict[str, np.ndarray]] | None:
    """The measurements of each section of a group, or None if not known."""
    found = area.get(f"{name}.npz")
    if found is None:
        return None
    try:
        with np.load(found) as data:
            count = int(data["count"])
            return [{field: data[f"{k}.{field}"] for field in FIELDS} for k in range(count)]
    except (OSError, ValueError, KeyError):  # damaged: measure it again
        return None


def remember(area: Area, name: str, measured: Sequence[dict[str, np.ndarray]]) -> None:
    arrays = {"count": np.array(len(measured))}
    for k, fields in enumerate(measured):
        arrays |= {f"{k}.{field}": value for field, value in fields.items()}
    save_arrays(area, name, arrays)


def heard_key(path: Path, cut: tuple[int, int]) -> str:
    """What a take says is known by its sound alone: the file and the samples kept of it."""
    return key("heard", VERSION, listen.VERSION, file_digest(path), list(cut))


def recall_heard(area: Area, name: str) -> Before | None:
    """The script's words and what was heard in the take against them, the last time."""
    found = area.get(f"{name}.npz")
    if found is None:
        return None
    try:
        with np.load(found) as data:
            times = data["times"].reshape(-1, 2)
            heard = [
                Heard(str(w), float(a), float(b))
                for w, (a, b) in zip(data["heard"], times, strict=True)
            ]
            return [str(w) for w in data["script"]], heard
    except (OSError, ValueError, KeyError):  # damaged: heard again
        return None


def remember_heard(area: Area, name: str, script: Sequence[str], heard: Sequence[Heard]) -> None:
    save_arrays(area, name, {
        "script": np.array(script, dtype=str),
        "heard": np.array([h.word for h in heard], dtype=str),
        "times": np.array([(h.start, h.end) for h in heard], dtype=np.float64).reshape(-1, 2),
    })  # fmt: skip


def save_arrays(area: Area, name: str, arrays: dict[str, np.ndarray]) -> None:
    """`arrays` as `<name>.npz` in `area`: numbers only, never pickled objects."""
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    area.put_file(f"{name}.npz", lambda tmp: tmp.write_bytes(buffer.getvalue()))
