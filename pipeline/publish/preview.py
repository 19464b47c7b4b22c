"""The draft's folder served to the author's browser while they write (`essay watch`): its
pages carry a small script, added as they are served (the delivered files stay as they
are), that listens for the next build on an event stream, reloads at the section that
changed, and lays the problems of a broken save over the last good preview."""

from __future__ import annotations

import functools
import json
import threading
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field, replace
from html import escape
from http import HTTPStatus
from pathlib import Path

from pipeline.publish.serve import Served, Server

_LOOPBACK = ("127.0.0.1", "localhost", "[::1]")
EVENTS = "/_essay/events"
VERSION = "/_essay/version"
_BEAT = 15.0  # seconds between keep-alive comments on a quiet event stream


@dataclass(frozen=True)
class State:
    """What the preview shows, as /_essay/version tells it."""

    version: int = 0  # of the preview served: one more for every build that replaced it
    state: str = "building"  # building, ready, problems (a save cannot be built), failed
    problems: tuple[str, ...] = ()  # one line each, as the terminal says them
    warnings: tuple[str, ...] = ()
    at: float | None = None  # seconds: where the last build's first change is
    builds: int = 0  # started, cancelled ones too
    cancelled: int = 0  # builds a newer save cut short
    took: float | None = None  # seconds the last build that replaced the preview took

    def as_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False)


@dataclass
class Preview:
    """The state, shared between the loop that builds and the server's threads."""

    folder: Path  # the draft's output/ folder
    title: str
    _state: State = field(default_factory=State)
    _serial: int = 0  # one more at every change, the version's or not
    _closed: bool = False
    _changed: threading.Condition = field(default_factory=threading.Condition)

    @property
    def state(self) -> State:
        with self._changed:
            return self._state

    def update(self, **changes: object) -> State:
        with self._changed:
            self._state = replace(self._state, **changes)
            self._serial += 1
            self._changed.notify_all()
            return self._state

    def close(self) -> None:
        """End every event stream."""
        with self._changed:
            self._closed = True
            self._changed.notify_all()

    def changes(self) -> Iterator[State | None]:
        """The state now, then at each change; None after a quiet while (a keep-alive)."""
        seen = -1
        while True:
            with self._changed:
                self._changed.wait_for(lambda s=seen: self._closed or self._serial != s, _BEAT)
                if self._closed:
                    return
                fresh = self._serial != seen
                seen, state = self._serial, self._state
            yield state if fresh else None


class PreviewHandler(Served):
    """The folder's files, never cached (each build replaces them under the same names),
    its pages with the live script, and the preview's own two addresses."""

    preview: Preview

    def extra_headers(self) -> None:
        self.send_header("Cache-Control", "no-store")

    def permitted(self) -> bool:
        """Only a request addressed to this machine by name or number, with this server's
        port: a page elsewhere whose name is made to point at 127.0.0.1 (DNS rebinding)
        sends its own name, and must not read the unpublished draft and its problems."""
        port = self.server.server_address[1]
        host = self.headers.get("Host", "").strip().lower()
        if host in {f"{name}:{port}" for name in _LOOPBACK} or (port == 80 and host in _LOOPBACK):
            return True
        self.send_error(HTTPStatus.MISDIRECTED_REQUEST, "This preview answers only 127.0.0.1")
        return False

    def do_GET(self) -> None:
        route = self.path.split("?", 1)[0]
        if route == VERSION:
            return self._send(self.preview.state.as_json(), "application/json")
        if route == EVENTS:
            return self._events()
        page = self._page(route)
        if page is not None:
            return self._send(page, "text/html; charset=utf-8")
        return super().do_GET()

    def _page(self, route: str) -> str | None:
        """A page of the folder with the script in it; before the first build, a page that
        says it is building."""
        path = Path(self.translate_path(route))
        if path.is_dir():
            path = path / "index.html"
        if path.suffix != ".html":
            return None
        try:
            text = path.read_text(encoding="utf-8")
        except (FileNotFoundError, NotADirectoryError):
            if route.rstrip("/") not in ("", "/index.html"):
                return None  # not found, said by the standard handler
            text = _WAITING.format(title=escape(self.preview.title))
        return with_live_script(text, self.preview.state.version)

    def _send(self, text: str, kind: str) -> None:
        body = text.encode("utf-8")
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _events(self) -> None:
        """Server-Sent Events: the state as JSON, now and at each change, until the
        browser leaves or the preview closes."""
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.end_headers()
        try:
            self.wfile.write(b"retry: 500\n\n")  # reconnect quickly to a restarted watch
            for state in self.preview.changes():
                line = f"data: {state.as_json()}\n\n" if state else ": still here\n\n"
                self.wfile.write(line.encode("utf-8"))
                self.wfile.flush()
        except OSError:  # the page went away (reloaded, closed)
            pass
        self.close_connection = True


def serve_preview(preview: Preview, port: int) -> Server:
    """A server of the preview on 127.0.0.1:`port`, not yet serving (call serve_forever on
    a thread). Raises OSError (EADDRINUSE) if the port is taken."""
    handler = type("Handler", (PreviewHandler,), {"preview": preview})
    return Server(("127.0.0.1", port), functools.partial(handler, directory=str(preview.folder)))


def with_live_script(page: str, version: int) -> str:
    """`page` with the live script before its </body> (at its end, if it has none)."""
    script = _SCRIPT.replace("__VERSION__", str(version)).replace("__EVENTS__", json.dumps(EVENTS))
    cut = page.lower().rfind("</body>")
    return page + script if cut < 0 else page[:cut] + script + page[cut:]


_WAITING = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{title}: building the draft</title></head>
<body><p>Building the draft of {title}&hellip; this page shows it as soon as it is made.</p>
</body></html>
"""

# Kept small and self-contained: no library, nothing fetched but the event stream. On a
# new version it reloads at the section the build found changed (the page seeks on #t=),
# or where the video was. Problems are laid over the page; the preview under them is the
# last good one.
_SCRIPT = """<script id="essay-live">
(function () {
  "use strict";
  var shown = __VERSION__;
  var bar = document.createElement("div");
  bar.id = "essay-problems";
  bar.setAttribute("role", "alert");
  bar.style.cssText = "position:fixed;left:0;right:0;top:0;z-index:2147483647;margin:0;" +
    "padding:.6em 1em;font:13px/1.45 ui-monospace,monospace;white-space:pre-wrap;" +
    "max-height:45vh;overflow:auto;display:none;color:#fff;background:#a3161b";
  var later = null;
  function paint(lines, bad) {
    bar.textContent = lines.join("\\n");
    bar.style.background = bad ? "#a3161b" : "#3b4a5a";
    bar.style.display = lines.length ? "block" : "none";
    if (!bar.parentNode) document.body.appendChild(bar);
  }
  function show(s) {
    var lines = s.problems;  // the last of them says the page is the last good build
    clearTimeout(later);
    paint(lines, true);
    if (s.state === "building")  // said only of a build that takes a while
      later = setTimeout(function () {
        paint(["rebuilding\\u2026"].concat(lines), lines.length);
      }, 400);
  }
  function reload(s) {
    var video = document.querySelector("video");
    var t = s.at !== null ? s.at : (video ? video.currentTime : null);
    if (t !== null) history.replaceState(null, "", "#t=" + (+t).toFixed(3));
    location.reload();
  }
  var events = new EventSource(__EVENTS__);
  events.onmessage = function (e) {
    var s = JSON.parse(e.data);
    if (s.version !== shown && s.state !== "building") return reload(s);
    show(s);
  };
})();
</script>
"""
