"""Work in Python processes of its own, for the few stages whose work holds the GIL (speech
recognition: pocketsphinx decodes without letting go of it, so threads take turns).

Each worker is a fresh interpreter (`python -m pipeline.base.apart`) handed a pickled batch
on its stdin, answering on its stdout. multiprocessing's pools were tried: "fork" is unsafe
in a process with threads (a lock held by another thread stays held in the child), and
"spawn" or "forkserver" run the caller's main module again, which `python -m pipeline`
and any script without a `__main__` guard cannot take. A worker ignores interrupts: the
caller hears them and ends its workers.
"""

from __future__ import annotations

import importlib
import pickle
import signal
import subprocess
import sys
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")


class WorkerFailed(RuntimeError):
    pass


def run_apart(
    fn: Callable[[T], R], items: Sequence[T], workers: int, weight: Callable[[T], float]
) -> list[R]:
    """fn over items in `workers` processes, results in order. fn is a module's function;
    items are shared out by `weight`, the heaviest first, each to the least loaded."""
    loads = [0.0] * workers
    batches: list[list[int]] = [[] for _ in range(workers)]
    for k in sorted(range(len(items)), key=lambda k: -weight(items[k])):
        least = loads.index(min(loads))
        batches[least].append(k)
        loads[least] += weight(items[k])
    batches = [b for b in batches if b]
    procs = [_start() for _ in batches]
    try:
        with ThreadPoolExecutor(len(batches)) as pool:
            answers = list(pool.map(
                lambda p, b: _ask(p, fn, [items[k] for k in b]), procs, batches))  # fmt: skip
    finally:
        for proc in procs:  # an interrupt, or a worker that failed: the others end too
            if proc.poll() is None:
                proc.kill()
                proc.wait()
    results: list = [None] * len(items)
    for batch, answer in zip(batches, answers, strict=True):
        for k, result in zip(batch, answer, strict=True):
            results[k] = result
    return results


def _start() -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", __name__], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)  # fmt: skip


def _ask(proc: subprocess.Popen, fn: Callable, batch: list) -> list:
    out, err = proc.communicate(pickle.dumps((fn.__module__, fn.__qualname__, batch)))
    if proc.returncode != 0:
        last = err.decode(errors="replace").strip().splitlines()[-1:] or ["no message"]
        raise WorkerFailed(f"a worker process ended with status {proc.returncode}: {last[0]}")
    return pickle.loads(out)


def _serve() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    module, name, batch = pickle.load(sys.stdin.buffer)
    fn = getattr(importlib.import_module(module), name)
    pickle.dump([fn(item) for item in batch], sys.stdout.buffer)


if __name__ == "__main__":
    _serve()
