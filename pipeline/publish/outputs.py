"""Put a finished set of files into output/<slug>/ all at once, or not at all."""

from __future__ import annotations

import os
import shutil
from pathlib import Path


def publish(staged: Path, destination: Path) -> None:
    """Swap the staged folder in for `destination` by rename.

    Both live on the project's file system, so each rename is atomic: a reader sees the old
    set of files or the new one, and an interrupted build leaves the old set in place.
    """
    destination.parent.mkdir(parents=True, exist_ok=True)
    retired = None
    if destination.exists():
        retired = staged.parent / f"retired-{os.getpid()}"
        destination.rename(retired)
    try:
        staged.rename(destination)
    except BaseException:
        if retired is not None:
            retired.rename(destination)
        raise
    if retired is not None:
        shutil.rmtree(retired, ignore_errors=True)
