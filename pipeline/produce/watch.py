"""`essay watch`: the author's loop. The draft is built in this process at every save (so
a line changed pays no start-up), served with live reload, and a save that lands while a
build runs cuts that build short and starts the next: the cache keeps what was finished,
and what was half-made is removed as any stopped build's is."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import NoReturn, Protocol

import watchfiles

from pipeline.base.errors import EssayError, attempt, problem_lines, reason
from pipeline.base.progress import Job, Progress
from pipeline.kinds import kind_of
from pipeline.produce.episode import Built, build
from pipeline.publish.preview import Preview, serve_preview
from pipeline.publish.profiles import DRAFT
from pipeline.publish.serve import Server
from pipeline.script.model import Essay
from pipeline.script.project import ESSAYS, Project

KEPT = "the page shows the last good build"
# A change is told once the files have been quiet this long (ms): an editor's atomic save
# (a temporary, then a rename) or a burst of saves is one change. watchfiles' own wait
# (its step) is not enough alone: it counts changed files, not writes, so a burst of
# writes to one file looks quiet after its first.
QUIET_MS = 120
_STEP_MS = 40
# An editor's or a copy's temporaries beside the files: never a change of their own.
_TEMPORARY = (".swp", ".swx", ".tmp", ".part", ".crdownload", "~")


@dataclass(frozen=True)
class Rebuilt:
    """One build that replaced the preview."""

    seconds: float
    frames_encoded: int
    warnings: tuple[str, ...]  # one line each
    at: float | None  # where its first change is (seconds), None for the first build
    first: bool


class Terminal(Protocol):
    """What the command line shows of the loop."""

    def serving(self, url: str) -> None: ...
    def rebuilt(self, done: Rebuilt, url: str) -> None: ...
    def refused(self, lines: Sequence[str]) -> None: ...  # a save that cannot be built


def watch(
    project: Project, path: Path, port: int, terminal: Terminal, progress: Progress
) -> NoReturn:
    """Serve the episode's draft on 127.0.0.1:`port` and build it again at every save,
    until interrupted. Raises OSError (EADDRINUSE) if the port is taken."""
    folder = project.output / DRAFT.folder(path.stem)
    preview = Preview(folder, path.stem)
    server = serve_preview(preview, port)
    url = f"http://127.0.0.1:{server.server_address[1]}/"
    loop = _Loop(project, Path(path), preview, terminal, progress, url)
    with _serving(server, preview), loop.watcher:
        terminal.serving(url)
        loop.run()


@contextmanager
def _serving(server: Server, preview: Preview) -> Iterator[None]:
    thread = threading.Thread(target=server.serve_forever, args=(0.1,), name="preview", daemon=True)
    thread.start()
    try:
        yield
    finally:  # the event streams end first, so the server's threads let go of the port
        preview.close()
        server.shutdown()
        server.server_close()


class Superseded(Exception):
    """A newer save arrived: this build is of a file that no longer exists."""


class _Cancellable(Progress):
    """The command line's progress, and the points where a newer save stops a build: each
    stage and each frame. A frame raising stops its segment as a failing one does (its
    encoder killed, its temporaries removed, the other sections stopped at their next
    frame); a stage raising stops the build between its steps."""

    def __init__(self, shown: Progress, stale: Callable[[], bool]):
        self.shown, self.stale = shown, stale

    def _check(self) -> None:
        if self.stale():
            raise Superseded

    def stage(self, name: str) -> None:
        self._check()
        self.shown.stage(name)

    def start(self, todo: Sequence[Job], reused: Sequence[Job]) -> None:
        self._check()
        self.shown.start(todo, reused)

    def frame(self, job: Job) -> None:
        self._check()
        self.shown.frame(job)

    def episode(self, name: str, index: int, count: int) -> None:
        self.shown.episode(name, index, count)

    def note(self, text: str) -> None:
        self.shown.note(text)

    def done(self, job: Job) -> None:
        self.shown.done(job)

    def close(self) -> None:
        self.shown.close()


class _Loop:
    """Builds at every change the watcher reports, one build at a time, on the main thread
    (where an interrupt arrives)."""

    def __init__(self, project, path, preview, terminal, progress, url):
        self.project, self.path, self.preview = project, path, preview
        self.terminal, self.progress, self.url = terminal, progress, url
        self.generation = 0  # one more for every batch of changes
        self.saved = threading.Event()
        self.lock = threading.Lock()
        self.reopen = False  # the series, its templates or fonts changed: open it anew
        self.last: _Looks | None = None
        self.essay: Essay | None = None
        self.watcher = _Watcher(self.changed)
        self.essay = _loaded(project, path)  # so the first build watches what it reads
        self._follow()

    def changed(self, paths: set[Path]) -> None:
        """From the watcher's thread."""
        with self.lock:
            self.generation += 1
            self.reopen = self.reopen or any(not self._plain(p) for p in paths)
        self.saved.set()

    def _plain(self, path: Path) -> bool:
        """The episode, or a file it shows or plays: loading the episode again reads it."""
        return path == self.path.resolve() or (
            self.essay is not None and path in _media(self.essay)
        )

    def run(self) -> NoReturn:
        self.saved.set()  # the first build
        while True:
            self.saved.wait()
            self.saved.clear()
            with self.lock:
                generation, reopen, self.reopen = self.generation, self.reopen, False
            self._once(generation, reopen)

    def _once(self, generation: int, reopen: bool) -> None:
        state = self.preview.state
        self.preview.update(state="building", builds=state.builds + 1)
        started = time.monotonic()
        progress = _Cancellable(self.progress, lambda: self.generation != generation)
        try:
            done = attempt(partial(self._build, reopen, progress))
        except Superseded:
            self.preview.update(cancelled=self.preview.state.cancelled + 1)
            return
        finally:
            progress.close()
        if done.problems:
            return self._refused(problem_lines(done.problems, KEPT))
        if done.failure:
            return self._refused([f"error: {reason(done.failure)}", KEPT])
        self._replaced(done.value, time.monotonic() - started)

    def _build(self, reopen: bool, progress: Progress) -> Built:
        if reopen:
            self.project = self._reopened()
        return build(self.path, DRAFT, progress=progress, project=self.project)

    def _reopened(self) -> Project:
        try:
            return Project.open(self.project.root, self.project.runner)
        except EssayError:
            with self.lock:
                self.reopen = True  # until it opens: the next save tries again
            raise

    def _refused(self, lines: list[str]) -> None:
        self.preview.update(state="problems", problems=tuple(lines))
        self.terminal.refused(lines)

    def _replaced(self, built: Built, seconds: float) -> None:
        looks = _Looks.of(built)
        at = looks.first_change(self.last)
        self.last, self.essay = looks, built.checked.essay
        warnings = tuple(str(w) for w in built.checked.warnings)
        warnings += tuple(self.project.cache.damaged())
        version = self.preview.state.version + 1
        self.preview.update(
            version=version, state="ready", problems=(), warnings=warnings, at=at,
            took=round(seconds, 3),
        )  # fmt: skip
        self.terminal.rebuilt(
            Rebuilt(seconds, built.frames_encoded, warnings, at, version == 1), self.url
        )
        self._follow()

    def _follow(self) -> None:
        """Watch what the episode is made of now (a still added, a template folder named)."""
        self.watcher.follow(*_watched(self.project, self.path, self.essay))


def _loaded(project: Project, path: Path) -> Essay | None:
    try:
        return project.load(path)
    except EssayError:  # the first build says why
        return None


@dataclass(frozen=True)
class _Looks:
    """What each section shows and says, by id, and where it starts: a rebuild reloads the
    page at the first section that differs."""

    starts: dict[str, float]
    looks: dict[str, tuple]

    @classmethod
    def of(cls, built: Built) -> _Looks:
        timeline = built.checked.timeline
        ids = [s.id for s in timeline.sections]
        pictures: dict[str, list[str]] = {i: [] for i in ids}
        for segment in built.segments:  # their keys: what their pixels are made of
            pictures[segment.section].append(segment.path.name)
        looks = {}
        for span in timeline.sections:
            start = timeline.seconds(span.first_frame)
            said = [
                (round(c.start - start, 3), round(c.end - start, 3), c.text)
                for c in timeline.cues
                if c.section == span.index
            ]
            looks[span.id] = (span.title, tuple(said), tuple(pictures[span.id]))
        return cls({s.id: timeline.seconds(s.first_frame) for s in timeline.sections}, looks)

    def first_change(self, before: _Looks | None) -> float | None:
        if before is None:
            return None
        old = list(before.looks)
        for k, (section, look) in enumerate(self.looks.items()):
            if before.looks.get(section) != look or old[k : k + 1] != [section]:
                return round(self.starts[section], 3)
        return None


def _media(essay: Essay) -> set[Path]:
    """The files an episode shows and plays."""
    found = {s.narration.audio for s in essay.sections if s.narration.audio}
    found |= {m.file for m in essay.music}
    found |= {f for s in essay.sections for v in s.visuals for f in kind_of(v).files(v)}
    return {p.resolve() for p in found}


def _watched(
    project: Project, path: Path, essay: Essay | None
) -> tuple[frozenset[Path], Callable[[Path], bool]]:
    """The folders to watch, and which changes in them count: the episode, the series
    file, the card and page templates, the fonts and media the episode names. Before the
    episode has loaded once, anything in the project's assets/."""
    essays = (project.root / ESSAYS).resolve()
    named = {path.resolve(), project.series_file.resolve()}
    assets = [a for a in [(project.root / "assets").resolve()] if a.is_dir()]
    if essay is None:
        trees, files = assets, set()
    else:
        trees = [essay.settings.templates.resolve()]
        files = _media(essay) | {f.resolve() for f in essay.settings.fonts}
    # assets/ is watched whatever the episode names, so that the folders rarely change: a
    # watcher moved to others misses what is saved while it starts
    folders = {essays, *assets, *trees, *(f.parent for f in files)}
    folders = {f for f in folders if f.is_dir()}
    outer = frozenset(f for f in folders if not any(f.is_relative_to(o) for o in folders - {f}))

    def counts(changed: Path) -> bool:
        if changed in named or changed in files:
            return True
        temporary = changed.name.startswith(".") or changed.name.endswith(_TEMPORARY)
        return not temporary and any(changed.is_relative_to(t) for t in trees)

    return outer, counts


class _Watcher:
    """watchfiles on a thread of its own, over a set of folders it can be moved to."""

    def __init__(self, changed: Callable[[set[Path]], None]):
        self.changed = changed
        self.folders: frozenset[Path] = frozenset()
        self.counts: Callable[[Path], bool] = lambda p: False
        self.stop = threading.Event()
        self.thread: threading.Thread | None = None

    def follow(self, folders: frozenset[Path], counts: Callable[[Path], bool]) -> None:
        self.counts = counts
        running = self.thread is not None and self.thread.is_alive()
        if folders == self.folders and running:
            return
        # the new one starts before the old one stops, so that little falls between them
        old = self.stop, self.thread
        self.folders, self.stop = folders, threading.Event()
        self.thread = threading.Thread(target=self._run, args=(folders, self.stop), daemon=True)
        self.thread.start()
        _close(*old)

    def _run(self, folders: frozenset[Path], stop: threading.Event) -> None:
        pending: set[Path] = set()
        try:
            for batch in watchfiles.watch(
                *sorted(folders), watch_filter=lambda _, p: self.counts(Path(p)),
                step=_STEP_MS, rust_timeout=QUIET_MS, yield_on_timeout=True, stop_event=stop,
                raise_interrupt=False,
            ):  # fmt: skip
                if batch:  # more to come, perhaps: told once QUIET_MS pass without any
                    pending |= {Path(p) for _, p in batch}
                elif pending:
                    self.changed(pending)
                    pending = set()
        except (OSError, RuntimeError):  # a folder went away: the next build looks again
            self.changed(set())

    def close(self) -> None:
        _close(self.stop, self.thread)
        self.thread = None

    def __enter__(self) -> _Watcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _close(stop: threading.Event, thread: threading.Thread | None) -> None:
    stop.set()
    if thread is not None:
        thread.join()
