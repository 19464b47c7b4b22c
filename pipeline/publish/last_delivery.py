"""The last delivery of a folder of output/: its files reused when nothing that made them
changed.

A rebuild after a text edit changes the subtitles only: the MP4 and the audio edition are
taken over from the last build (hard-linked, so instantly) when their keys match the ones
recorded when they were delivered, and the files are the ones delivered then.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterable
from pathlib import Path

from pipeline.base.cache import DELIVERED, Cache, key


class LastDelivery:
    """The record of what a folder of output/ holds, kept in the cache."""

    def __init__(self, cache: Cache, folder: Path):
        self.area, self.folder = cache.area(DELIVERED), folder
        self.record = f"{folder.name}.json"
        found = self.area.get(self.record)
        try:
            self.known: dict[str, dict] = json.loads(found.read_text()) if found else {}
        except (OSError, ValueError):
            self.known = {}
        self.keys: dict[str, str] = {}

    def reuse(self, name: str, made_of: object, staged: Path) -> bool:
        """Put last build's file into `staged` if it is what `made_of` would make again."""
        self.keys[name] = key(made_of)
        entry, old = self.known.get(name), self.folder / name
        if not entry or entry["key"] != self.keys[name] or not old.is_file():
            return False
        stat = old.stat()
        if (stat.st_size, stat.st_mtime_ns) != (entry["size"], entry["mtime"]):
            return False  # changed since it was delivered
        try:
            os.link(old, staged / name)
        except OSError:  # another file system, or no hard links: copy
            shutil.copy2(old, staged / name)
        return True

    def save(self, names: Iterable[str]) -> None:
        """Remember the delivered files and their keys (after they are in place)."""
        entries = {}
        for name in names:
            if name in self.keys:
                stat = (self.folder / name).stat()
                entries[name] = {
                    "key": self.keys[name],
                    "size": stat.st_size,
                    "mtime": stat.st_mtime_ns,
                }
        if entries != self.known:  # a no-op build writes nothing to the cache
            self.area.put_text(self.record, json.dumps(entries, indent=1))
