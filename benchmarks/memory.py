"""Peak memory of a process tree (this process and every ffmpeg it starts), sampled.

ru_maxrss is no use here: Linux carries a parent's high-water mark through fork and exec,
so a child reports at least its parent's peak. So the tree is sampled, each process's
resident set read from /proc/<pid>/statm, a counter the kernel reports for free. (PSS
would split shared pages exactly, but reading it walks every page: a third of a core at
this rate, which slowed the very build being measured.) RSS counts a page shared by two
processes (the ffmpeg binary's, say) twice, so the figure errs high, never low. A child
between fork and exec still has its parent's memory, the same figures to the page: it is
not counted until it runs a program of its own.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

_PAGE_KB = os.sysconf("SC_PAGE_SIZE") // 1024
_RESCAN = 5  # samples between looks for new processes (a walk over all of /proc)


class PeakMemory:
    """`with PeakMemory() as peak: ...`, then `peak.mb`; of this process's tree, or of the
    tree under `pid`."""

    def __init__(self, pid: int | None = None, every: float = 0.05):
        self.pid, self.every = pid or os.getpid(), every
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
        tree, count = {}, 0
        while not self._stop.is_set():
            if count % _RESCAN == 0:
                tree = _tree(self.pid)
            count += 1
            self.peak_kb = max(self.peak_kb, _resident_kb(tree))
            self._stop.wait(self.every)


def _tree(root: int) -> dict[int, int]:
    """Every process under `root`, and `root`, each with its parent."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
    tree, frontier = {root: parents.get(root, 0)}, [root]
    while frontier:
        frontier = [pid for pid, parent in parents.items() if parent in frontier]
        tree |= {pid: parents[pid] for pid in frontier}
    return tree


def _resident_kb(tree: dict[int, int]) -> int:
    memory = {pid: _statm(pid) for pid in tree}
    total = 0
    for pid, parent in tree.items():
        own = memory[pid]
        if own is not None and own != memory.get(parent):  # equal: not yet exec'd
            total += own[1] * _PAGE_KB
    return total


def _statm(pid: int) -> tuple[int, ...] | None:
    try:
        return tuple(int(v) for v in Path(f"/proc/{pid}/statm").read_text().split()[:2])
    except (OSError, ValueError):
        return None
