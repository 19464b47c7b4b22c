"""A folder over HTTP as a subscriber's host serves it: byte ranges answered (without them a
browser cannot seek a video it has not downloaded whole), nothing logged. The standard
library's server, which answers whole files only, with ranges added."""

from __future__ import annotations

import http.server
import re
import urllib.parse
from http import HTTPStatus
from pathlib import Path
from typing import BinaryIO

# a range's numbers as a file's offsets can be (under 2**63); a longer one is no range of a
# file here, and is ignored (the whole file is sent), as HTTP says of a range it cannot read
_RANGE = re.compile(r"bytes=(\d{0,18})-(\d{0,18})")
_CHUNK = 64 * 1024


class Served(http.server.SimpleHTTPRequestHandler):
    """Files of `directory` (give it with functools.partial), one byte range at a time."""

    remaining: int | None = None  # of the range being sent

    def log_message(self, format: str, *args: object) -> None:
        pass

    def parse_request(self) -> bool:
        """The request line and headers read; False (and an error sent) if it is not one to
        answer: a path with a NUL in it names no file (and would fail the lookup), and a
        subclass may refuse more (`permitted`)."""
        if not super().parse_request():
            return False
        if "\x00" in urllib.parse.unquote(self.path):
            self.send_error(HTTPStatus.BAD_REQUEST, "No file has a NUL in its name")
            return False
        return self.permitted()

    def permitted(self) -> bool:
        """Whether to answer this request; else send its error and say False."""
        return True

    def send_head(self) -> BinaryIO | None:
        self.remaining = None
        span = _RANGE.fullmatch(self.headers.get("Range", ""))
        path = Path(self.translate_path(self.path))
        if not span or not path.is_file() or span.groups() == ("", ""):
            return super().send_head()
        size = path.stat().st_size
        first, last = span.groups()
        if first:
            start, end = int(first), min(int(last) if last else size - 1, size - 1)
        else:  # the last N bytes
            start, end = max(size - int(last), 0), size - 1
        if start > end:
            self.send_error(416)
            return None
        file = path.open("rb")
        file.seek(start)
        self.send_response(206)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Range", f"bytes {start}-{end}/{size}")
        self.send_header("Content-Length", str(end - start + 1))
        self.send_header("Accept-Ranges", "bytes")
        self.end_headers()
        self.remaining = end - start + 1
        return file

    def end_headers(self) -> None:
        self.extra_headers()
        super().end_headers()

    def extra_headers(self) -> None:
        """Headers every answer carries; a subclass adds its own (the preview: no caching)."""

    def copyfile(self, source: BinaryIO, outputfile: BinaryIO) -> None:
        if self.remaining is None:
            return super().copyfile(source, outputfile)
        while self.remaining > 0:
            chunk = source.read(min(self.remaining, _CHUNK))
            if not chunk:
                break
            outputfile.write(chunk)
            self.remaining -= len(chunk)


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True  # a connection left open (a video, an event stream) ends with us

    def handle_error(self, request: object, client_address: object) -> None:
        pass  # a browser hangs up on a video it has enough of: not news
