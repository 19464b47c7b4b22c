"""Reading a file the project names, only if it is one: a FIFO among the episodes would
hang a read for ever, a device (`/dev/zero`) would never end, so either is refused before
a byte is read, and what is read is read up to a limit."""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path
from typing import BinaryIO

_KINDS = {
    stat.S_IFIFO: "a FIFO (named pipe)",
    stat.S_IFCHR: "a device",
    stat.S_IFBLK: "a device",
    stat.S_IFSOCK: "a socket",
    stat.S_IFDIR: "a folder",
}


class NotAFile(OSError):
    """What stands at a path is not a regular file; `kind` says what it is."""

    def __init__(self, path: Path, kind: str):
        super().__init__(errno.EINVAL, f"not a file: it is {kind}", str(path))
        self.kind = kind


def open_file(path: Path) -> BinaryIO:
    """`path` opened for reading, if it is a regular file (its links followed). Opening does
    not wait (a FIFO with no writer would block an ordinary open), and what was opened is
    what is checked. Raises OSError, NotAFile."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            raise NotAFile(path, _KINDS.get(stat.S_IFMT(mode), "not a regular file"))
        os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def read_file(path: Path, limit: int) -> bytes:
    """Up to `limit` + 1 bytes of the file (one more than allowed tells it is too big).
    Raises OSError, NotAFile."""
    with open_file(path) as f:
        return f.read(limit + 1)
