"""SIGTERM and SIGHUP taken as Ctrl-C is: a CI runner cancelling a job, or a terminal closed,
stops a build the same clean way (children ended, temporaries removed, output/ as it was)."""

from __future__ import annotations

import contextlib
import os
import signal
import threading
import time
from collections.abc import Iterator
from pathlib import Path

_TAKEN = (signal.SIGTERM, signal.SIGHUP)


class Stopped(KeyboardInterrupt):
    """A signal asked the program to stop; raised in the main thread like KeyboardInterrupt,
    so every `finally` and every handler of an interrupt runs."""

    def __init__(self, signum: int):
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


def exit_status(interrupt: KeyboardInterrupt) -> int:
    """128 + the signal's number, as a shell reports a program a signal ended: 130 for
    Ctrl-C, 143 for SIGTERM, 129 for SIGHUP."""
    return 128 + getattr(interrupt, "signum", signal.SIGINT)


def name_of(interrupt: KeyboardInterrupt) -> str:
    return signal.Signals(getattr(interrupt, "signum", signal.SIGINT)).name


@contextlib.contextmanager
def stopping_cleanly() -> Iterator[None]:
    """While inside, SIGTERM and SIGHUP raise Stopped in the main thread."""
    if threading.current_thread() is not threading.main_thread():  # only it may take them
        yield
        return
    previous = {s: signal.signal(s, _stop) for s in _TAKEN}
    try:
        yield
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)


def _stop(signum: int, frame: object) -> None:
    # Once is enough: a second signal must not break off the clean-up the first started.
    for s in _TAKEN:
        signal.signal(s, signal.SIG_IGN)
    _end_children(signum)
    raise Stopped(signum)


def _end_children(signum: int) -> None:
    """Pass the signal on to this process's children (encoders, decoders): Ctrl-C reaches
    them through the terminal's process group, a `kill` of this process alone does not."""
    for pid in children():
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.kill(pid, signum)


def children() -> list[int]:
    """The running children of this process, from every thread (Linux's /proc)."""
    found = []
    for task in Path("/proc/self/task").glob("*/children"):
        with contextlib.suppress(OSError, ValueError):
            found += [int(pid) for pid in task.read_text().split()]
    return found


_STARTED = time.time()  # what this process's id made before this moment, a namesake made


def left_behind(pid: int, modified: float) -> bool:
    """Whether a temporary that process `pid` made (last written at `modified`) is one no
    running process will finish: its maker ended, or was a dead namesake of this process
    (a container restarted after a kill hands out the same ids again)."""
    if pid == os.getpid():
        return modified < _STARTED
    return not running(pid)


def running(pid: int) -> bool:
    """Whether a process of this id exists (anyone's)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, and someone else's
        pass
    return True
