"""Facts learnt of files as they stand (a digest, what decoding a still found), kept from one
build to the next, so a build reads again only the files that changed.

A no-op build of ten sections at 1080p otherwise hashes 80 MB of stills and takes and
decodes twenty stills: half a second of its two. (Cache entries are not taken on trust:
their seals are checked byte for byte, base/cache.py.) A file is
"as it stood" when its size, modification time and inode are the ones it had when the
fact was learnt, as git's index tells a changed file; a write changes the time, a copy put
in its place the inode.

A file modified within a moment of being read might change again within the same tick of
its file system's clock and look the same, so such a fact is used once and learnt again at
the next build ("racily clean", in git's words), unless the file is one this tool has just
made and nobody else writes (`made_here`).
"""

from __future__ import annotations

import json
import os
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

_MARGIN_NS = 2_000_000_000  # coarser than any file system's clock (FAT's is 2 s)

# (kind, path) -> [size, mtime_ns, inode, trusted, value]
_facts: dict[tuple[str, str], list] = {}
_lock = threading.Lock()
_learnt = 0  # facts learnt in this process
_kept: dict[str, int] = {}  # folder -> _learnt when its record was last read or written


def known(kind: str, path: Path, learn: Callable[[Path], Any], made_here: bool = False) -> Any:
    """What `learn(path)` finds (a JSON value), learnt again only when the file changed."""
    global _learnt
    stat = path.stat()
    now = [stat.st_size, stat.st_mtime_ns, stat.st_ino]
    with _lock:
        held = _facts.get((kind, str(path)))
    if held and held[:3] == now and held[3]:
        return held[4]
    learning = time.time_ns()
    value = learn(path)
    trusted = made_here or stat.st_mtime_ns + _MARGIN_NS < learning
    with _lock:
        _facts[(kind, str(path))] = [*now, trusted, value]
        _learnt += 1
    return value


def standing(kind: str, path: Path) -> bool:
    """Is a fact of `kind` about `path` known, and does the file still stand as it was?"""
    with _lock:
        held = _facts.get((kind, str(path)))
    if not held or not held[3]:
        return False
    try:
        stat = path.stat()
    except OSError:
        return False
    return held[:3] == [stat.st_size, stat.st_mtime_ns, stat.st_ino]


def recall(folder: Path, text: str) -> None:
    """Take in the record of `folder` that `record` wrote (what this process knows stands)."""
    _kept.setdefault(str(folder), _learnt)
    try:
        rows = json.loads(text)
        found = {(kind, path): fact for kind, path, *fact in rows if len(fact) == 5}
    except (ValueError, TypeError):  # damaged: everything is learnt again
        return
    with _lock:
        for k, fact in found.items():
            _facts.setdefault(k, fact)


def recalled(folder: Path) -> bool:
    return str(folder) in _kept


def unkept(folder: Path) -> bool:
    """Has this process learnt anything since it read or wrote `folder`'s record?"""
    return _kept.get(str(folder), -1) != _learnt


def record(folder: Path, also: str | None) -> str:
    """The facts of the files under `folder` that still hold, with those of `also` (a record
    another process may have written meanwhile), as text for `recall`."""
    if also:
        recall(folder, also)
    _kept[str(folder)] = _learnt
    inside = f"{folder}{os.sep}"
    with _lock:
        rows = [[*k, *fact] for k, fact in _facts.items() if k[1].startswith(inside)]
    return json.dumps([row for row in rows if _stands(row)], separators=(",", ":"))


def _stands(row: list) -> bool:
    try:
        stat = os.stat(row[1])
    except OSError:  # gone: its facts with it
        return False
    return row[2:5] == [stat.st_size, stat.st_mtime_ns, stat.st_ino]
