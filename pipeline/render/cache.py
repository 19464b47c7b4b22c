"""The project's cache: encoded segments by content key, and a scratch area for builds.

It lives in <project>/.essay-cache. Files are made under temporary names and renamed into
place, so nothing in it or in output/ is ever half-written.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

CACHE_DIR = ".essay-cache"
_STALE_SCRATCH_SECONDS = 24 * 3600


@dataclass(frozen=True)
class Cache:
    root: Path

    @classmethod
    def for_project(cls, project: Path) -> Cache:
        return cls(project / CACHE_DIR)

    def segment(self, key: str) -> Path:
        return self.root / "segments" / f"{key}.mp4"

    def has_segment(self, key: str) -> bool:
        path = self.segment(key)
        if path.is_file():
            os.utime(path)  # last use, for pruning by age
            return True
        return False

    def scratch(self, prefix: str) -> Path:
        """A fresh folder for one build's temporary files; the caller removes it."""
        base = self.root / "scratch"
        base.mkdir(parents=True, exist_ok=True)
        self._sweep(base)
        return Path(tempfile.mkdtemp(prefix=f"{prefix}-", dir=base))

    def new_segment_path(self, key: str) -> Path:
        """A temporary name beside the segment's final one, to rename over it when done."""
        final = self.segment(key)
        final.parent.mkdir(parents=True, exist_ok=True)
        return final.with_name(f".{key}.{os.getpid()}.{time.monotonic_ns()}.tmp.mp4")

    @staticmethod
    def _sweep(base: Path) -> None:
        """Remove what killed builds left behind (not what a running build is using)."""
        now = time.time()
        for entry in base.iterdir():
            if now - entry.stat().st_mtime > _STALE_SCRATCH_SECONDS:
                shutil.rmtree(entry, ignore_errors=True)
