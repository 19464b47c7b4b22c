"""Paths the author wrote, resolved inside the project and checked; stills probed."""

from __future__ import annotations

import os
import re
import warnings
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from pipeline.base.errors import shown
from pipeline.base.known import known, standing
from pipeline.base.runner import Runner
from pipeline.script.kinds import file_keys
from pipeline.script.settings import SCRATCH
from pipeline.script.source import KeyPath

AUDIO_TYPES = (".wav", ".mp3", ".m4a", ".flac", ".ogg")
IMAGE_TYPES = (".jpg", ".jpeg", ".png", ".webp")
# what Pillow may take a still for, whatever its name: its decoders of these (a camera's
# MPO comes as a JPEG), none of the many others (EPS, for one, would run Ghostscript)
STILL_FORMATS = ("JPEG", "PNG", "WEBP")
FONT_TYPES = (".ttf", ".otf")
_FILE_KEYS = {"audio", "take", "still", "file"}
_EXIF_ORIENTATION = 0x0112


@cache
def _pillow():
    """Pillow, when a still is first looked at (not for `essay --help`)."""
    from PIL import Image

    # Pillow warns of an image over MAX_IMAGE_PIXELS and opens it; _probe refuses it in a line
    warnings.filterwarnings("ignore", category=Image.DecompressionBombWarning)
    return Image


Report = Callable[[KeyPath, str], None]


@dataclass
class Assets:
    """Resolves the author's paths against the project folder, reporting what is unusable."""

    root: Path
    report: Report
    probed: dict[Path, tuple[int, int] | str] = field(default_factory=dict)

    def file(self, raw: str, path: KeyPath, types: tuple[str, ...]) -> Path | None:
        """The file `raw` names; None (and a problem reported) if it is unusable."""
        try:
            return self._file(raw, path, types)
        except OSError as err:  # a name longer than the file system holds, say
            self.report(path, f"cannot look up {raw}: {(err.strerror or str(err)).lower()}; "
                        "use a shorter path to a file in the project")  # fmt: skip
            return None

    def _file(self, raw: str, path: KeyPath, types: tuple[str, ...]) -> Path | None:
        resolved = self.inside(raw)
        if resolved is None:
            self.report(path, self.outside(raw))
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
        """The path the author wrote, resolved; None if it leaves the project folder (or
        its links go round in a circle)."""
        try:
            resolved = (self.root / raw).resolve()
        except (OSError, RuntimeError):  # a loop of links: Python 3.11 says RuntimeError
            return None
        return resolved if resolved.is_relative_to(self.root.resolve()) else None

    def outside(self, raw: str) -> str:
        """Why `raw` is not inside the project: a link in it that leads out, or the path."""
        root, here = self.root.resolve(), self.root.resolve()
        for part in () if Path(raw).is_absolute() else Path(raw).parts:
            here = here / part
            if not here.is_symlink():
                continue
            link = "it" if here == root / raw else here.relative_to(root)
            try:
                target = here.resolve()
            except (OSError, RuntimeError):
                return (
                    f"{raw} goes round in a circle of links: {link} leads back to itself; "
                    "point it at a file in the project"
                )
            if not target.is_relative_to(root):
                return (
                    f"{raw} leads out of the project folder: {link} links to {target}; "
                    "copy the file into the project instead of linking to it"
                )
        return (
            f"path leaves the project folder: {raw}; "
            f"keep assets inside {self.root} and use a relative path"
        )

    def check_all(self, data: Any, path: KeyPath = ()) -> None:
        """Report problems with every asset path in raw (unvalidated) data."""
        if isinstance(data, dict):
            for key, value in data.items():
                if key in _FILE_KEYS | file_keys() and isinstance(value, str) and value != SCRATCH:
                    self.file(value, (*path, key), ())
                else:
                    self.check_all(value, (*path, key))
        elif isinstance(data, list):
            for i, value in enumerate(data):
                self.check_all(value, (*path, i))

    def probe(self, stills: Iterable[str], runner: Runner) -> None:
        """Decode every still at once, on all cores (the decoder lets go of the GIL)."""
        files = {self.inside(raw) for raw in stills}
        found = [f for f in files if f is not None and _is_file(f)]
        new = [f for f in found if not standing(_still_kind(), f)]  # the rest: known
        self.probed = dict(zip(new, runner.map(_probe_once, new), strict=True))
        self.probed |= {f: _probe_once(f) for f in found if f not in self.probed}

    def image_size(self, file: Path, key: KeyPath) -> tuple[int, int] | None:
        """The still's upright size, or None (and a problem reported) if it is unusable."""
        size = self.probed[file] if file in self.probed else _probe(file)
        if isinstance(size, str):
            self.report(key, size)
            return None
        return size


def _is_file(path: Path) -> bool:
    """Whether a file stands there; a name the file system cannot hold is none (said by
    `Assets.file`)."""
    try:
        return path.is_file()
    except OSError:
        return False


def _probe_once(file: Path) -> tuple[int, int] | str:
    """_probe, once for a file as it stands (base/known.py), in this process and the next:
    decoding twenty stills again took a quarter of a no-op build, and 0.3 s of each save
    `essay watch` builds."""
    found = known(_still_kind(), file, _probe)
    return found if isinstance(found, str) else (found[0], found[1])


def _still_kind() -> str:
    return f"still size:{_pillow().MAX_IMAGE_PIXELS}"


def _probe(file: Path) -> tuple[int, int] | str:
    """Upright size; decoding the image (at 1/8 scale, cheaply) proves it is whole.
    A string says why it cannot be used. An image over Pillow's limit is refused from its
    header, before anything is allocated for its pixels."""
    Image = _pillow()
    try:
        with Image.open(file, formats=STILL_FORMATS) as im:
            w, h = im.size
            if w * h > Image.MAX_IMAGE_PIXELS:
                return _too_big(file, w * h, f" ({w}x{h})")
            turned = im.getexif().get(_EXIF_ORIENTATION, 1) in (5, 6, 7, 8)
            im.draft("RGB", (max(1, w // 8), max(1, h // 8)))
            im.load()
    except Image.DecompressionBombError as err:  # so big that Pillow would not open it
        found = re.search(r"\((\d+) pixels\)", str(err))
        return _too_big(file, int(found.group(1)) if found else 0, "")
    except (OSError, SyntaxError, ValueError) as err:
        return f"cannot decode image {shown(file)}: {err}; re-export it as JPEG or PNG"
    return (h, w) if turned else (w, h)


def _too_big(file: Path, pixels: int, size: str) -> str:
    limit = _pillow().MAX_IMAGE_PIXELS
    return (
        f"{shown(file)} has {pixels / 1e6:,.0f} million pixels{size}, more than the "
        f"{limit / 1e6:.0f} million Pillow opens (MAX_IMAGE_PIXELS, its guard against "
        "decompression bombs); scale it down, e.g. to 7680x4320 or less"
    )
