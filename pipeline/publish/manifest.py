"""`manifest.json`: every delivered file with its size, SHA-256 and type, so an upload step
knows what changed and a subscriber's download can be checked; and checking a tree
against it (`essay verify`)."""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from pipeline.base.cache import bytes_digest, file_digest
from pipeline.publish.catalogue import Catalogue

MANIFEST = "manifest.json"
_TYPES = {
    ".mp4": "video/mp4",
    ".m4a": "audio/x-m4a",
    ".mp3": "audio/mpeg",
    ".jpg": "image/jpeg",
    ".vtt": "text/vtt",
    ".srt": "application/x-subrip",
    ".html": "text/html",
    ".txt": "text/plain",
    ".xml": "application/rss+xml",
    ".json": "application/json",
}


def type_of(name: str) -> str:
    if name.endswith(".chapters.json"):
        return "application/json+chapters"
    return _TYPES.get(Path(name).suffix, "application/octet-stream")


def manifest(catalogue: Catalogue, series_files: Iterable[str]) -> str:
    """The manifest of the episodes' files and the series' own (names in output/)."""
    entries = []
    for episode in catalogue.episodes:
        for path in catalogue.files(episode):
            entry = _entry(catalogue.output, path)
            if entry["type"].startswith(("video/", "audio/")):
                entry["duration"] = round(episode.duration, 3)
            entries.append(entry | {"episode": episode.slug})
    entries += [_entry(catalogue.output, catalogue.output / name) for name in series_files]
    return json.dumps({"files": entries}, indent=1, ensure_ascii=False) + "\n"


def _entry(output: Path, path: Path) -> dict:
    """A delivered file: hashed once as it stands (builds made it; `essay verify` reads
    every byte again)."""
    name = path.relative_to(output).as_posix()
    size, digest = path.stat().st_size, file_digest(path, made_here=True)
    return {"path": name, "bytes": size, "sha256": digest, "type": type_of(name)}


@dataclass(frozen=True)
class Mismatch:
    path: str
    what: str  # "missing", "changed", "extra"


def verify(output: Path) -> list[Mismatch]:
    """What differs between output/ and its manifest. Raises OSError or ValueError when
    there is no readable manifest."""
    listed = json.loads((output / MANIFEST).read_text(encoding="utf-8"))["files"]
    found = []
    for entry in listed:
        path = output / entry["path"]
        if not path.is_file():
            found.append(Mismatch(entry["path"], "missing"))
        elif os.stat(path).st_size != entry["bytes"] or bytes_digest(path) != entry["sha256"]:
            found.append(Mismatch(entry["path"], "changed"))
    names = {e["path"] for e in listed} | {MANIFEST}
    for path in sorted(output.rglob("*")):
        name = path.relative_to(output).as_posix()
        hidden = any(part.startswith(".") for part in Path(name).parts)
        if path.is_file() and not hidden and name not in names and _delivered(name, listed):
            found.append(Mismatch(name, "extra"))
    return found


def _delivered(name: str, listed: list[dict]) -> bool:
    """Is `name` where the manifest's files are: the series' own, or an episode's folder?
    (Other folders of output/, such as drafts, are not the catalogue.)"""
    folders = {Path(e["path"]).parent.as_posix() for e in listed}
    return Path(name).parent.as_posix() in folders
