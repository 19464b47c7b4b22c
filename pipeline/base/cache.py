"""The project's cache: named areas of entries kept by content key, and scratch folders.

It lives in <project>/.essay-cache. An entry (a file, or a folder of files) is made under a
temporary name beside its final one and renamed into place, so nothing in the cache is
ever half-written; using an entry touches it, so `prune` can tell what has not been used.
One digest names everything: `key` for a recipe of plain values, `file_digest` for bytes.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import os
import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

CACHE_DIR = ".essay-cache"
# The areas: encoded video by content key; encoded sound and its loudness; facts measured
# of music files, by file digest; what each output/ folder holds and the keys it was made of.
SEGMENTS, SOUND, ANALYSIS, DELIVERED = "segments", "sound", "analysis", "delivered"
AREAS = (SEGMENTS, SOUND, ANALYSIS, DELIVERED)
SCRATCH = "scratch"  # one folder per running build
_STALE_SECONDS = 24 * 3600  # what a build left half-made this long ago, no build is using


def key(*parts: object) -> str:
    """The content key of a recipe: plain values (JSON's, and paths and dates as text)."""
    text = json.dumps(parts, sort_keys=True, default=_plain, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def _plain(value: object) -> str:
    if isinstance(value, Path | datetime.date):
        return str(value)
    # anything else would be keyed by its repr, which may leave out what tells it apart
    raise TypeError(f"a cache key is made of plain values, not {type(value).__name__}")


def file_digest(path: Path) -> str:
    """The digest of a file's bytes; read again only when its size or mtime changed."""
    stat = path.stat()
    return _digest(path, stat.st_size, stat.st_mtime_ns)


@cache
def _digest(path: Path, size: int, mtime: int) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(1 << 20):
            h.update(chunk)
    return h.hexdigest()


@dataclass(frozen=True)
class Area:
    """One kind of entry: segments, sound, analysis, delivered records."""

    folder: Path

    def path(self, name: str) -> Path:
        return self.folder / name

    def get(self, name: str) -> Path | None:
        """The entry if it exists, marked as used now."""
        path = self.path(name)
        if not path.exists():
            return None
        try:
            os.utime(path)
        except OSError:  # gone meanwhile (pruned), or read-only: it is still there to read
            return path if path.exists() else None
        return path

    def put_file(self, name: str, make: Callable[[Path], None]) -> Path:
        """Make a file entry with `make(temporary path)`, then rename it into place."""
        (final,) = self.put_files([name], lambda tmps: make(tmps[0]))
        return final

    def put_files(self, names: list[str], make: Callable[[list[Path]], None]) -> list[Path]:
        """Make several file entries at once with `make(temporary paths)`, then rename each
        into place: none is put there unless all were made."""
        self.folder.mkdir(parents=True, exist_ok=True)
        tmps = [self.folder / _temporary(name) for name in names]
        try:
            make(tmps)
            for tmp, name in zip(tmps, names, strict=True):
                tmp.replace(self.path(name))
        finally:
            for tmp in tmps:
                tmp.unlink(missing_ok=True)
        return [self.path(name) for name in names]

    def put_text(self, name: str, text: str) -> Path:
        return self.put_file(name, lambda tmp: tmp.write_text(text, encoding="utf-8"))

    def put_folder(self, name: str, make: Callable[[Path], None]) -> Path:
        """Make a folder entry with `make(temporary folder)`, then rename it into place; if
        another build finished the same entry first, theirs stands."""
        final = self.path(name)
        self.folder.mkdir(parents=True, exist_ok=True)
        work = Path(tempfile.mkdtemp(prefix=f".{name}.", dir=self.folder))
        try:
            make(work)
            try:
                work.rename(final)
            except OSError:
                if not final.is_dir():
                    raise
        finally:
            shutil.rmtree(work, ignore_errors=True)
        return final


def _temporary(name: str) -> str:
    """A hidden name beside the entry's, unique to this process and moment."""
    stem, dot, suffix = name.partition(".")
    return f".{stem}.{os.getpid()}.{time.monotonic_ns()}.tmp{dot}{suffix}"


@dataclass(frozen=True)
class Cache:
    root: Path

    @classmethod
    def for_project(cls, project: Path) -> Cache:
        return cls(project / CACHE_DIR)

    def area(self, name: str) -> Area:
        if name not in AREAS:
            raise ValueError(f"no cache area '{name}'; the areas are {', '.join(AREAS)}")
        return Area(self.root / name)

    def scratch(self, prefix: str) -> Path:
        """A fresh folder for one build's temporary files; the caller removes it."""
        base = self.root / SCRATCH
        base.mkdir(parents=True, exist_ok=True)
        _sweep(base)
        return Path(tempfile.mkdtemp(prefix=f"{prefix}-", dir=base))


def _sweep(base: Path) -> None:
    """Remove what killed builds left behind (not what a running build is using)."""
    now = time.time()
    for entry in base.iterdir():
        try:
            stale = now - entry.stat().st_mtime > _STALE_SECONDS
        except FileNotFoundError:  # another build's, removed meanwhile
            continue
        if stale:
            shutil.rmtree(entry, ignore_errors=True)


@dataclass(frozen=True)
class Pruned:
    removed: int  # entries
    freed: int  # bytes
    kept: int
    size: int  # bytes still in the cache


def prune(cache: Cache, older_than: float | None = None, max_bytes: int | None = None) -> Pruned:
    """Remove entries unused for `older_than` seconds, then the least recently used until
    the cache holds at most `max_bytes`. What killed builds left half-made goes too, once
    it is a day old (younger, it may be a running build's)."""
    now = time.time()
    if (cache.root / SCRATCH).is_dir():
        _sweep(cache.root / SCRATCH)
    entries = sorted(_entries(cache.root), key=lambda e: e[0])  # least recently used first
    total = sum(size for _, size, _ in entries)
    removed = freed = 0
    for used, size, path in entries:
        unused = now - used
        if path.name.startswith("."):
            doomed = unused > _STALE_SECONDS
        else:
            doomed = (older_than is not None and unused > older_than) or (
                max_bytes is not None and total - freed > max_bytes
            )
        if doomed and _remove(path):
            removed, freed = removed + 1, freed + size
    return Pruned(removed, freed, len(entries) - removed, total - freed)


def _entries(root: Path) -> list[tuple[float, int, Path]]:
    """(last use, bytes, path) of every entry of every area but the scratch folders."""
    found = []
    areas = [a for a in root.iterdir() if a.is_dir() and a.name != SCRATCH] if root.is_dir() else []
    for area in areas:
        for entry in area.iterdir():
            try:
                found.append((entry.stat().st_mtime, _size(entry), entry))
            except FileNotFoundError:  # removed meanwhile
                continue
    return found


def _size(path: Path) -> int:
    if not path.is_dir():
        return path.stat().st_size
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def _remove(path: Path) -> bool:
    try:
        if path.is_dir():
            shutil.rmtree(path)
        else:
            path.unlink()
    except FileNotFoundError:
        return False
    return True
