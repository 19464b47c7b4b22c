"""Put a finished set of files into output/<slug>/ all at once, or not at all."""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
from pathlib import Path

from pipeline.base.errors import writing
from pipeline.base.signals import running


def swap_in(staged: Path, destination: Path) -> None:
    """Swap the staged folder in for `destination` by rename.

    A rename is atomic only within one file system, so the swap happens beside
    `destination`: a reader sees the old set of files or the new one, and an interrupted
    build leaves the old set in place. When the files were staged on another file system
    (a cache on another disk, output/ a mounted volume), they are first copied there, under
    a hidden name that the next build sweeps away if this one is killed mid-copy.
    """
    parent = destination.parent
    parent.mkdir(parents=True, exist_ok=True)
    _sweep(parent, destination.name)
    hidden = f".{destination.name}.{os.getpid()}"
    incoming, retired = parent / f"{hidden}.new", parent / f"{hidden}.old"
    try:
        with writing(destination):
            _move(staged, incoming)
            if destination.exists():
                destination.rename(retired)
            try:
                incoming.rename(destination)
            except BaseException:
                if retired.exists():
                    retired.rename(destination)
                raise
    finally:
        _remove(incoming)
        _remove(retired)


def _move(staged: Path, incoming: Path) -> None:
    try:
        staged.rename(incoming)
    except OSError as err:
        if err.errno != errno.EXDEV:  # another file system, or another mount of this one
            raise
        shutil.copytree(staged, incoming)


def _sweep(parent: Path, name: str) -> None:
    """What a killed build left beside `name`; under this process's own id too, since a
    container restarted after a kill hands out the same ids again."""
    for left in parent.glob(f".{name}.*"):
        pid = left.name.rsplit(".", 2)[1]
        if pid.isdigit() and (int(pid) == os.getpid() or not running(int(pid))):
            _remove(left)


def _remove(path: Path) -> None:
    """Whatever stands at `path`: a folder, or what stood where the episode's folder goes (a
    file, a link, which rmtree would leave behind for ever); never what a link leads to."""
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        with contextlib.suppress(OSError):
            path.unlink()
