"""Where work runs. Stages are handed a Runner by their caller and never make pools of their
own, so the whole build's concurrency is decided here, in one place. A stage says which of
its work may run on another machine by handing it to `spread`; a cluster's runner
(base/cluster.py) sends that there and runs the rest where it is.
"""

from __future__ import annotations

import os
import socket
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_EXCEPTION, Future, ThreadPoolExecutor, wait
from contextlib import contextmanager
from typing import TypeVar

from pipeline.base.apart import run_apart

T = TypeVar("T")
R = TypeVar("R")


class Runner:
    """Threads on this machine. The work handed to it lets go of the GIL (encoders, decoders,
    OpenCV, numpy), so threads use every core without copying frames between processes."""

    def __init__(self, cores: int | None = None):
        self.cores = max(1, cores or os.cpu_count() or 1)

    def map(
        self,
        fn: Callable[[T], R],
        items: Iterable[T],
        workers: int | None = None,
        on_failure: Callable[[], None] = lambda: None,
    ) -> list[R]:
        """fn over items, `workers` at a time (default: a core each), results in order.

        The first failure (or an interrupt) calls `on_failure`, so work already running can
        stop early, cancels what has not started, and is raised once the rest has ended."""
        items = list(items)
        if not items:
            return []
        with ThreadPoolExecutor(min(workers or self.cores, len(items))) as pool:
            futures = [pool.submit(fn, item) for item in items]
            try:
                wait(futures, return_when=FIRST_EXCEPTION)
                for future in futures:
                    if future.done() and future.exception():
                        raise future.exception()
            except BaseException:
                on_failure()
                pool.shutdown(cancel_futures=True)
                raise
            return [f.result() for f in futures]

    def spread(
        self,
        fn: Callable[[T], R],
        items: Iterable[T],
        workers: int | None = None,
        on_failure: Callable[[], None] = lambda: None,
        on_done: Callable[[T, R], None] = lambda item, result: None,
    ) -> list[R]:
        """Work that may run on another machine: `fn` and `items` are plain values (they
        can be pickled), and what fn writes goes into the shared cache. Here, `map`;
        `on_done(item, result)` is called here as each ends."""

        def run(item: T) -> R:
            result = fn(item)
            on_done(item, result)
            return result

        return self.map(run, items, workers, on_failure)

    def stream(self, fn: Callable[[T], R], items: Iterable[T], ahead: int) -> Iterator[R]:
        """fn over items with at most `ahead` running, results in order as the caller takes
        them: for work whose results are large, used one at a time."""
        with ThreadPoolExecutor(max(1, ahead)) as pool:
            pending: deque[Future[R]] = deque()
            try:
                for item in items:
                    pending.append(pool.submit(fn, item))
                    if len(pending) >= ahead:
                        yield pending.popleft().result()
                while pending:
                    yield pending.popleft().result()
            finally:
                for future in pending:
                    future.cancel()

    def apart(
        self,
        fn: Callable[[T], R],
        items: Iterable[T],
        weight: Callable[[T], float] = lambda item: 1.0,
    ) -> list[R]:
        """fn over items in processes of their own (base/apart.py), a core each, results in
        order: for work that holds the GIL. fn is a module's function; fn, the items and
        the results are pickled. With one item, or one core, it runs here."""
        items = list(items)
        workers = min(self.cores, len(items))
        if workers <= 1:
            return [fn(item) for item in items]
        return run_apart(fn, items, workers, weight)

    @contextmanager
    def alongside(self, fn: Callable[..., R], *args: object) -> Iterator[Future[R]]:
        """Run fn(*args) while the caller does other work; its result is the future's."""
        with ThreadPoolExecutor(1) as pool:
            yield pool.submit(fn, *args)


def worker_name() -> str:
    """Who is doing the work: this machine and process."""
    return f"{socket.gethostname()}:{os.getpid()}"
