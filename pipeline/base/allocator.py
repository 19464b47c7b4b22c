"""Freed memory goes back to the system: glibc's allocator, set for a build's big arrays.

glibc serves a request above its mmap threshold with a mapping of its own, which free()
returns; smaller ones come from heaps that keep what is freed in their middle. The threshold
starts at 128 KB but rises to the size of each big block freed, up to 32 MB, so once the
first still has been decoded, scaled stills, planes and the mix's blocks are all carved from
heaps, one per thread, and freeing them leaves holes the process keeps: about 130 MB with
two sections rendering (benchmarks/render.py). A fixed threshold of 4 MB maps each of those
on its own, while the 2-3 MB scratch array each frame needs stays on the heap, where reusing
it costs nothing (a 1 MB threshold mapped it anew every frame: 59 s against 52 s).
"""

from __future__ import annotations

import contextlib
import ctypes

_M_MMAP_THRESHOLD = -3  # mallopt's parameter number, from glibc's malloc.h
THRESHOLD = 4 * 1024 * 1024


def return_big_blocks() -> None:
    """Fix glibc's mmap threshold at THRESHOLD; elsewhere (musl, macOS), nothing."""
    with contextlib.suppress(OSError, AttributeError):  # a C library without mallopt
        ctypes.CDLL(None).mallopt(_M_MMAP_THRESHOLD, THRESHOLD)  # the one already loaded
