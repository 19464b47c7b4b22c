"""Times as people read them."""

from __future__ import annotations


def clock(seconds: float) -> str:
    """M:SS, or H:MM:SS from the first hour on (whole seconds, rounded down)."""
    h, rest = divmod(int(seconds), 3600)
    m, s = divmod(rest, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}"
