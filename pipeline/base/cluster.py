"""A Dask cluster as a Runner, for the work of one episode's task on one of its workers.

`spread` sends its jobs to the cluster from that worker, and lets go of the worker's thread
while they run (so the worker runs others' jobs meanwhile); everything else (decoding takes,
the mix) runs here, on this worker, in threads as on any machine. Dask is imported only
when a build is given a scheduler: `pip install -e ".[dask]"`.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from typing import TypeVar

from pipeline.base.runner import Runner

T = TypeVar("T")
R = TypeVar("R")


class ClusterRunner(Runner):
    """`cores`: the threads this worker was given (its share of its machine)."""

    def __init__(self, cores: int, stop: str):
        super().__init__(cores)
        self.stop = stop  # the name of the Dask Event the client sets when it stops
        self.waited = 0.0  # seconds this episode's task spent waiting for spread work

    def spread(
        self,
        fn: Callable[[T], R],
        items: Iterable[T],
        workers: int | None = None,
        on_failure: Callable[[], None] = lambda: None,
        on_done: Callable[[T, R], None] = lambda item, result: None,
    ) -> list[R]:
        """fn over items on the cluster's workers (as many at once as they have threads;
        `workers` is this machine's measure and does not apply). A worker lost mid-job: the
        scheduler runs the job again elsewhere. The first failure, or the client stopping,
        cancels the rest."""
        from distributed import Event, wait, worker_client

        items = list(items)
        if not items:
            return []
        started = time.perf_counter()
        with worker_client() as client:
            futures = client.map(fn, items, pure=False)
            at = {f.key: k for k, f in enumerate(futures)}
            results: list = [None] * len(items)
            stopped = Event(self.stop, client=client)
            try:
                pending = set(futures)
                while pending:
                    done, pending = _some_done(wait, pending)
                    for future in done:
                        k = at[future.key]
                        results[k] = future.result()  # raises the job's own error
                        on_done(items[k], results[k])
                    if pending and stopped.is_set():
                        raise Cancelled("the build was stopped by the machine that asked for it")
            except BaseException:
                on_failure()
                client.cancel(futures)
                raise
            finally:
                for future in futures:  # the cluster keeps nothing of them for us
                    future.release()
        self.waited += time.perf_counter() - started
        return results


def _some_done(wait, pending: set) -> tuple[set, set]:
    """The jobs done within a second (Dask's `wait` raises when none is)."""
    try:
        done, rest = wait(pending, timeout=1.0, return_when="FIRST_COMPLETED")
    except TimeoutError:
        return set(), pending
    return set(done), set(rest)


class Cancelled(Exception):
    """The client stopped (Ctrl-C, a signal): its episodes' tasks end at their next look."""
