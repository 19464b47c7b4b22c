"""The project's cache: named areas of entries kept by content key, and work folders.

It lives in <project>/.essay-cache. An entry (a file, or a folder of files) is made under a
temporary name beside its final one and renamed into place, so nothing in the cache is
ever half-written; using an entry touches it, so `prune` can tell what has not been used.
Each entry is sealed (its sizes and digests, in <name>.seal beside it) when it is made and
checked against its seal before it is used again: one damaged by a disk, a killed copy or a
sync tool is removed, reported, and made again instead of poisoning every later build.
One digest names everything: `key` for a recipe of plain values, `file_digest` for bytes.
"""

from __future__ import annotations

import contextlib
import datetime
import fcntl
import hashlib
import json
import os
import shutil
import socket
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path

from pipeline.base import known as facts
from pipeline.base.errors import writing
from pipeline.base.known import known
from pipeline.base.signals import left_behind

CACHE_DIR = ".essay-cache"
# The areas: encoded video by content key; encoded sound and its loudness; facts measured
# of music files and takes, by file digest, and of every file as it stands (FILE_FACTS); what each
# output/ folder holds and the keys it was made of; scratch narration, synthesised, by its
# text and voice. Nothing in it is ever run: whoever can write it (a cluster's shared file
# system, a project unzipped) must not be able to make a build run their code.
SEGMENTS, SOUND, ANALYSIS, DELIVERED = "segments", "sound", "analysis", "delivered"
VOICE = "voice"
FILE_FACTS = "files.json"  # in ANALYSIS: what was learnt of the project's files (base/known.py)
AREAS = (SEGMENTS, SOUND, ANALYSIS, DELIVERED, VOICE)
RETIRED = ("compiled",)  # areas older versions kept (compiled page templates): pruned whole
WORK = "work"  # one folder per running build, for its temporary files
LOCKS = "locks"  # one file per episode, held by the build making it
SEAL = ".seal"
_STALE_SECONDS = 24 * 3600  # what a build left half-made this long ago, no build is using
_SWEPT: set[Path] = set()  # the caches this process has swept


def key(*parts: object) -> str:
    """The content key of a recipe: plain values (JSON's, and paths and dates as text)."""
    text = json.dumps(parts, sort_keys=True, default=_plain, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def _plain(value: object) -> str:
    if isinstance(value, Path | datetime.date | Fraction):
        return str(value)
    # anything else would be keyed by its repr, which may leave out what tells it apart
    raise TypeError(f"a cache key is made of plain values, not {type(value).__name__}")


def file_digest(path: Path, made_here: bool = False) -> str:
    """The digest of a file's bytes, read again only when the file changed (base/known.py);
    `made_here`: a file this tool made and nobody else writes, trusted as soon as read."""
    return known("sha256", path, bytes_digest, made_here)


def bytes_digest(path: Path) -> str:
    """SHA-256 of a file's bytes, read now (about 1 GB/s)."""
    h = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(1 << 20):
            h.update(chunk)
    return h.hexdigest()


@dataclass(frozen=True)
class Area:
    """One kind of entry: segments, sound, analysis, delivered records."""

    folder: Path
    damaged: list[str] = field(default_factory=list, compare=False)  # found, removed, by name

    def path(self, name: str) -> Path:
        return self.folder / name

    def get(self, name: str) -> Path | None:
        """The entry if it exists and matches its seal, marked as used now. One that does not
        is removed (and named in `damaged`): its maker makes it again."""
        path = self.path(name)
        if not path.exists():
            return None
        fault = _fault(path)
        if fault is not None:
            if _remove(path) and fault:
                self.damaged.append(f"{self.folder.name}/{name} {fault}")
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
            with writing(self.folder):
                for tmp, name in zip(tmps, names, strict=True):
                    tmp.replace(self.path(name))
                    _seal(self.path(name))
        finally:
            for tmp in tmps:
                with contextlib.suppress(OSError):  # a read-only disk: the failure is told
                    tmp.unlink(missing_ok=True)
        return [self.path(name) for name in names]

    def put_text(self, name: str, text: str) -> Path:
        return self.put_file(name, lambda tmp: tmp.write_text(text, encoding="utf-8"))

    def put_folder(self, name: str, make: Callable[[Path], None]) -> Path:
        """Make a folder entry with `make(temporary folder)`, then rename it into place; if
        another build finished the same entry first, theirs stands."""
        final = self.path(name)
        self.folder.mkdir(parents=True, exist_ok=True)
        work = Path(tempfile.mkdtemp(prefix=_temporary(name), dir=self.folder))
        try:
            make(work)
            with writing(final):
                try:
                    work.rename(final)
                except OSError:
                    if not final.is_dir():
                        raise
                else:  # theirs, if it stands, has its own seal
                    _seal(final)
        finally:
            shutil.rmtree(work, ignore_errors=True)
        return final


_HOST = socket.gethostname().replace("~", "-")


def _temporary(name: str) -> str:
    """A hidden name beside the entry's, unique to this process and moment, that says whose
    it is (so a sweep can tell a killed build's from a running one's) and keeps the entry's
    extension (ffmpeg reads the format from it)."""
    return f".~{os.getpid()}@{_HOST}~{time.monotonic_ns()}~{name}"


def _seal(path: Path) -> None:
    """Write down what the entry holds, beside it (itself whole, by rename)."""
    seal = path.with_name(path.name + SEAL)
    tmp = seal.with_name(_temporary(seal.name))
    try:
        tmp.write_text(json.dumps(_contents(path)))
        tmp.replace(seal)
    finally:
        tmp.unlink(missing_ok=True)


def _files(path: Path) -> dict[str, Path]:
    """The files of an entry (itself, or those of its folder) by their name in it."""
    found = sorted(f for f in path.rglob("*") if f.is_file()) if path.is_dir() else [path]
    return {f.relative_to(path).as_posix(): f for f in found}


def _contents(path: Path) -> dict[str, list]:
    """Each file of an entry: [bytes, sha256]."""
    return {name: [f.stat().st_size, bytes_digest(f)] for name, f in _files(path).items()}


def _fault(path: Path) -> str | None:
    """What is wrong with an entry, "" if it has no seal (an older version made it, or its
    maker was killed before sealing it: made again without a word), None if it is whole."""
    try:
        sealed = json.loads(path.with_name(path.name + SEAL).read_text())
        sizes = {name: size for name, (size, _) in sealed.items()}
    except FileNotFoundError:
        return ""
    except (OSError, ValueError, TypeError, AttributeError):
        return "had a damaged seal"
    try:
        if {name: f.stat().st_size for name, f in _files(path).items()} != sizes:
            return "was truncated or changed in size"
        if _contents(path) != sealed:
            return "had changed bytes"
    except OSError as err:
        return f"could not be read ({err.strerror})"
    return None


@dataclass(frozen=True)
class Cache:
    root: Path
    _areas: dict[str, Area] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def for_project(cls, project: Path) -> Cache:
        """The project's cache, with what earlier builds learnt of its files recalled."""
        cache = cls(project / CACHE_DIR)
        if not facts.recalled(project):
            found = cache.area(ANALYSIS).get(FILE_FACTS)
            with contextlib.suppress(OSError, ValueError):  # unreadable: all is learnt again
                facts.recall(project, found.read_text(encoding="utf-8") if found else "[]")
        return cache

    def keep_facts(self) -> None:
        """Write down what this process learnt of the project's files, for the next build
        (merged with what another build wrote meanwhile). Only a help: a disk that refuses
        it costs the next build its reading."""
        project = self.root.parent
        if not facts.unkept(project):
            return
        area = self.area(ANALYSIS)
        with contextlib.suppress(OSError, ValueError):
            found = area.path(FILE_FACTS)
            theirs = found.read_text(encoding="utf-8") if found.is_file() else None
            area.put_text(FILE_FACTS, facts.record(project, theirs))

    def area(self, name: str) -> Area:
        if name not in AREAS:
            raise ValueError(f"no cache area '{name}'; the areas are {', '.join(AREAS)}")
        return self._areas.setdefault(name, Area(self.root / name))

    def workspace(self, prefix: str) -> Path:
        """A fresh folder for one build's temporary files; the caller removes it. What
        killed builds left (here and half-made in the areas) is swept first."""
        base = self.root / WORK
        base.mkdir(parents=True, exist_ok=True)
        self.sweep()
        return Path(tempfile.mkdtemp(prefix=_temporary(prefix), dir=base))

    def damaged(self) -> list[str]:
        """The entries found damaged (and removed) since the last call, as 'area/name why'."""
        found = []
        for area in self._areas.values():
            found += area.damaged
            area.damaged.clear()
        return found

    def sweep(self) -> None:
        """Remove what killed builds left half-made: never what a running build is using.
        Once a process: what a build of this process left is its own to clean, and walking
        every entry again took a sixth of a no-op build of a hundred episodes."""
        if self.root in _SWEPT:
            return
        _SWEPT.add(self.root)
        for folder in [self.root / WORK, *(self.root / a for a in AREAS)]:
            if folder.is_dir():
                for entry in folder.iterdir():
                    if _abandoned(entry):
                        _remove(entry)

    @contextmanager
    def lock(self, name: str, waiting: Callable[[], None]) -> Iterator[None]:
        """Hold `name`'s lock while inside; if another build holds it, call `waiting` and
        wait for it. A killed build's lock is let go by the system, so none goes stale."""
        folder = self.root / LOCKS
        folder.mkdir(parents=True, exist_ok=True)
        with (folder / f"{name}.lock").open("a") as held:
            try:
                fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                waiting()
                fcntl.flock(held, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(held, fcntl.LOCK_UN)


def _abandoned(entry: Path) -> bool:
    """A temporary whose maker on this machine is gone (signals.left_behind), or, made on
    another machine sharing the cache (a cluster's worker) or not named by its maker's id,
    one a day old: another machine's processes cannot be seen from here."""
    if not entry.name.startswith("."):
        return False
    try:
        modified = entry.stat().st_mtime
    except FileNotFoundError:  # removed meanwhile
        return False
    owner = entry.name.split("~")[1] if entry.name.startswith(".~") else ""
    pid, _, host = owner.partition("@")
    if not pid.isdigit() or host not in ("", _HOST):  # not ours to read: by age
        return time.time() - modified > _STALE_SECONDS
    return left_behind(int(pid), modified)


@dataclass(frozen=True)
class Pruned:
    removed: int  # entries
    freed: int  # bytes
    kept: int
    size: int  # bytes still in the cache


def prune(cache: Cache, older_than: float | None = None, max_bytes: int | None = None) -> Pruned:
    """Remove entries unused for `older_than` seconds, then the least recently used until
    the cache holds at most `max_bytes`. What killed builds left half-made goes too."""
    now = time.time()
    cache.sweep()
    for retired in (cache.root / name for name in RETIRED):
        shutil.rmtree(retired, ignore_errors=True)
    entries = sorted(_entries(cache.root), key=lambda e: e[0])  # least recently used first
    total = sum(size for _, size, _ in entries)
    removed = freed = 0
    for used, size, path in entries:
        unused = now - used
        doomed = (older_than is not None and unused > older_than) or (
            max_bytes is not None and total - freed > max_bytes
        )
        if doomed and _remove(path):
            removed, freed = removed + 1, freed + size
    return Pruned(removed, freed, len(entries) - removed, total - freed)


def _entries(root: Path) -> list[tuple[float, int, Path]]:
    """(last use, bytes, path) of every entry of every area (its seal counted with it)."""
    found = []
    for area in (root / a for a in AREAS):
        if not area.is_dir():
            continue
        for entry in area.iterdir():
            if entry.name.startswith(".") or entry.name.endswith(SEAL):
                continue  # a running build's temporary, or the seal of an entry
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
    """Remove an entry and its seal; False if it was gone already."""
    path.with_name(path.name + SEAL).unlink(missing_ok=True)
    try:
        if path.is_dir():
            shutil.rmtree(path)
        else:
            path.unlink()
    except FileNotFoundError:
        return False
    return True
