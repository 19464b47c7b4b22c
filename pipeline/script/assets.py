"""Paths the author wrote, resolved inside the project and checked; stills probed."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from PIL import Image

from pipeline.base.errors import shown
from pipeline.base.runner import Runner
from pipeline.script.source import KeyPath

AUDIO_TYPES = (".wav", ".mp3", ".m4a", ".flac", ".ogg")
IMAGE_TYPES = (".jpg", ".jpeg", ".png", ".webp")
FONT_TYPES = (".ttf", ".otf")
_FILE_KEYS = {"audio", "take", "still", "file"}
_EXIF_ORIENTATION = 0x0112

Report = Callable[[KeyPath, str], None]


@dataclass
class Assets:
    """Resolves the author's paths against the project folder, reporting what is unusable."""

    root: Path
    report: Report
    probed: dict[Path, tuple[int, int] | str] = field(default_factory=dict)

    def file(self, raw: str, path: KeyPath, types: tuple[str, ...]) -> Path | None:
        """The file `raw` names; None (and a problem reported) if it is unusable."""
        resolved = self.inside(raw)
        if resolved is None:
            self.report(
                path,
                f"path leaves the project folder: {raw}; "
                f"keep assets inside {self.root} and use a relative path",
            )
        elif not resolved.exists():
            self.report(
                path, f"file not found: {raw}; paths are relative to the project folder {self.root}"
            )
        elif not resolved.is_file():
            self.report(path, f"not a file: {raw}")
        elif not os.access(resolved, os.R_OK):
            self.report(path, f"cannot read {raw}: permission denied")
        elif types and resolved.suffix.lower() not in types:
            kinds = ", ".join(t.lstrip(".") for t in types)
            self.report(path, f"unsupported file type '{resolved.suffix}'; use {kinds}")
        else:
            return resolved
        return None

    def inside(self, raw: str) -> Path | None:
        """The path the author wrote, resolved; None if it leaves the project folder."""
        resolved = (self.root / raw).resolve()
        return resolved if resolved.is_relative_to(self.root.resolve()) else None

    def check_all(self, data: Any, path: KeyPath = ()) -> None:
        """Report problems with every asset path in raw (unvalidated) data."""
        if isinstance(data, dict):
            for key, value in data.items():
                if key in _FILE_KEYS and isinstance(value, str):
                    self.file(value, (*path, key), ())
                else:
                    self.check_all(value, (*path, key))
        elif isinstance(data, list):
            for i, value in enumerate(data):
                self.check_all(value, (*path, i))

    def probe(self, stills: Iterable[str], runner: Runner) -> None:
        """Decode every still at once, on all cores (the decoder lets go of the GIL)."""
        files = {self.inside(raw) for raw in stills}
        found = [f for f in files if f is not None and f.is_file()]
        self.probed = dict(zip(found, runner.map(_probe, found), strict=True))

    def image_size(self, file: Path, key: KeyPath) -> tuple[int, int] | None:
        """The still's upright size, or None (and a problem reported) if it does not decode."""
        size = self.probed[file] if file in self.probed else _probe(file)
        if isinstance(size, str):
            self.report(
                key, f"cannot decode image {shown(file)}: {size}; re-export it as JPEG or PNG"
            )
            return None
        return size


def _probe(file: Path) -> tuple[int, int] | str:
    """Upright size; decoding the image (at 1/8 scale, cheaply) proves it is whole.
    A string says why it does not decode."""
    try:
        with Image.open(file) as im:
            w, h = im.size
            turned = im.getexif().get(_EXIF_ORIENTATION, 1) in (5, 6, 7, 8)
            im.draft("RGB", (max(1, w // 8), max(1, h // 8)))
            im.load()
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError) as err:
        return str(err)
    return (h, w) if turned else (w, h)
