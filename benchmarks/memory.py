"""Peak memory of a process tree (this process and every ffmpeg it starts), sampled.

ru_maxrss is no use here: Linux carries a parent's high-water mark through fork and exec,
so a child reports at least its parent's peak. Nor is summing RSS: a child between fork
and exec shares all of its parent's pages and would count them twice. Summing PSS
(each shared page split between its sharers) from /proc every few milliseconds counts
every page once.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path


class PeakMemory:
    """`with PeakMemory() as peak: ...`, then `peak.mb`."""

    def __init__(self, every: float = 0.02):
        self.every = every
        self.peak_kb = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def __enter__(self) -> PeakMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()

    @property
    def mb(self) -> float:
        return self.peak_kb / 1024

    def _sample(self) -> None:
        me = os.getpid()
        while not self._stop.is_set():
            self.peak_kb = max(self.peak_kb, sum(_pss_kb(p) for p in _tree(me)))
            self._stop.wait(self.every)


def _tree(root: int) -> list[int]:
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
    tree, frontier = [root], [root]
    while frontier:
        frontier = [pid for pid, parent in parents.items() if parent in frontier]
        tree += frontier
    return tree


def _pss_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0
