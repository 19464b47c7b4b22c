"""Where work runs: the runner a build hands its stages."""

from __future__ import annotations

import threading
import time

import pytest

from pipeline.base.runner import Runner


def test_map_keeps_the_order_of_its_items() -> None:
    assert Runner(2).map(lambda x: x * x, range(7)) == [0, 1, 4, 9, 16, 25, 36]


def test_the_first_failure_stops_the_rest() -> None:
    stop, started = threading.Event(), []

    def work(k: int) -> int:
        started.append(k)
        if k == 0:
            raise ValueError("the first one failed")
        stop.wait(5)  # as a segment does: it ends early once told to
        return k

    t0 = time.monotonic()
    with pytest.raises(ValueError, match="first one failed"):
        Runner(2).map(work, range(10), workers=2, on_failure=stop.set)
    assert time.monotonic() - t0 < 4  # the running one was told to stop
    assert len(started) <= 3  # and what had not started never did


def test_stream_runs_a_few_ahead_and_yields_in_order() -> None:
    running, most = 0, 0
    lock = threading.Lock()

    def work(k: int) -> int:
        nonlocal running, most
        with lock:
            running += 1
            most = max(most, running)
        time.sleep(0.01)
        with lock:
            running -= 1
        return k

    assert list(Runner(4).stream(work, range(8), ahead=2)) == list(range(8))
    assert most <= 2
