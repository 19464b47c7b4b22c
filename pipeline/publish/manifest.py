"""`manifest.json`: every delivered file with its size, SHA-256 and type, so an upload step
knows what changed and a subscriber's download can be checked; and checking a tree
against it (`essay verify`)."""

from __future__ import annotations

import json
import os
import re
import stat
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from pipeline.base.cache import bytes_digest, file_digest
from pipeline.base.characters import unwelcome
from pipeline.base.files import read_file
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
    ".png": "image/png",
    ".eml": "message/rfc822",
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
    what: str  # "missing", "changed", "extra", "linked" (a link where a file is, or any link)


class BadManifest(ValueError):
    """A manifest that cannot be checked against: not JSON, not a list of files, or one
    that names a file outside the tree it describes. The message says which entry."""


MAX_MANIFEST_BYTES = 64_000_000  # some hundreds of thousands of files
_SHA256 = re.compile(r"[0-9a-f]{64}")


@dataclass(frozen=True)
class Listed:
    path: str
    size: int
    sha256: str


def verify(output: Path) -> list[Mismatch]:
    """What differs between the tree at `output` and its manifest: every file listed that is
    missing, changed or reached through a link, and every file or link it holds that the
    manifest does not list. Raises OSError (no manifest to read) or BadManifest."""
    listed, episodes = read_manifest(output)
    found = [Mismatch(entry.path, what) for entry in listed if (what := _state(output, entry))]
    names = {entry.path for entry in listed} | {MANIFEST}
    passed = {f"{slug}{end}" for slug in episodes for end in ("-draft", "-timeline")}
    for name, linked in _tree(output, passed):
        if name not in names:
            found.append(Mismatch(name, "linked" if linked else "extra"))
    return found


def read_manifest(output: Path) -> tuple[list[Listed], set[str]]:
    """The files the manifest lists, and the episodes it names. Raises OSError, BadManifest."""
    if (output / MANIFEST).is_symlink():
        raise BadManifest(f"{MANIFEST} is a link; the manifest is a file of the tree")
    return parse_manifest(read_file(output / MANIFEST, MAX_MANIFEST_BYTES))


def parse_manifest(data: bytes, empty: bool = False) -> tuple[list[Listed], set[str]]:
    """The files a manifest's bytes list (a tree's, or a bucket's), and the episodes it
    names; `empty`: one that lists none is taken (the private feeds' with no subscriber).
    Raises BadManifest."""
    if len(data) > MAX_MANIFEST_BYTES:
        raise BadManifest(f"it is over {MAX_MANIFEST_BYTES:,} bytes")
    try:
        files = json.loads(data.decode("utf-8"))["files"]
    except (ValueError, KeyError, TypeError):
        raise BadManifest('it is not JSON of the form {"files": [...]}') from None
    if not isinstance(files, list) or not (files or empty):
        raise BadManifest("it lists no files, and would vouch for any tree")
    listed, episodes, seen = [], set(), set()
    for k, entry in enumerate(files):
        listed.append(_entry_of(k, entry, seen))
        if isinstance(entry.get("episode"), str):
            episodes.add(entry["episode"])
    return listed, episodes


def _entry_of(k: int, entry: object, seen: set[str]) -> Listed:
    if not isinstance(entry, dict):
        raise BadManifest(f"files[{k}] is not an entry with a path, bytes and sha256")
    path, size, digest = entry.get("path"), entry.get("bytes"), entry.get("sha256")
    if not isinstance(path, str) or _outside(path):
        raise BadManifest(
            f"files[{k}] names {path!r}, which is not a file inside the tree (a relative "
            "path without '..'); a manifest lists only the tree's own files"
        )
    if path in seen or path == MANIFEST:
        raise BadManifest(f"files[{k}] names {path!r} twice, or the manifest itself")
    seen.add(path)
    if not isinstance(size, int) or isinstance(size, bool) or size < 0:
        raise BadManifest(f"files[{k}] ({path}) has no size in bytes")
    if not isinstance(digest, str) or not _SHA256.fullmatch(digest):
        raise BadManifest(f"files[{k}] ({path}) has no SHA-256 (64 hex digits)")
    return Listed(path, size, digest)


def _outside(path: str) -> bool:
    """Whether `path` is anything but a relative path of names inside the tree."""
    parts = path.split("/")
    odd = any(part in ("", ".", "..") for part in parts)
    return odd or "\\" in path or "\x00" in path or unwelcome(path) is not None


def _state(output: Path, entry: Listed) -> str | None:
    """What is wrong with a listed file, or None: a link on its way (a folder of the tree
    replaced by one, or the file) is never followed."""
    here = output
    for part in entry.path.split("/"):
        here = here / part
        try:
            mode = os.lstat(here).st_mode
        except (FileNotFoundError, NotADirectoryError):
            return "missing"
        if stat.S_ISLNK(mode):
            return "linked"
    if not stat.S_ISREG(mode):
        return "missing"
    if os.stat(here).st_size != entry.size or bytes_digest(here) != entry.sha256:
        return "changed"
    return None


def _tree(output: Path, passed: set[str]) -> list[tuple[str, bool]]:
    """Every file and link of the tree, by its path in it (links not followed), and whether
    it is a link; the top folders in `passed` (an episode's draft and timeline, which are
    not delivered) left out."""
    found = []
    for folder, dirs, files in os.walk(output):
        rel = Path(folder).relative_to(output)
        if rel == Path("."):
            dirs[:] = [d for d in dirs if d not in passed or (Path(folder) / d).is_symlink()]
        for name in sorted(files + [d for d in dirs if (Path(folder) / d).is_symlink()]):
            found.append(((rel / name).as_posix(), (Path(folder) / name).is_symlink()))
        dirs.sort()
    return found
