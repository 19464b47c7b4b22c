"""Progress as a build shows it: a bar on a terminal, a line per shot in a log."""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence

from pipeline.base.characters import neutral
from pipeline.base.progress import Job, Progress
from pipeline.cli import report


def progress_for(live: bool) -> Progress:
    return BarProgress() if live else LineProgress()


class LineProgress(Progress):
    """For logs and automated builds: a line per finished shot or crossfade, nothing else."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.started: dict[str, float] = {}

    def episode(self, name: str, index: int, count: int) -> None:
        if count > 1:
            report.say(f"episode {index + 1}/{count}: {name}", err=True)
        self.started = {}

    def note(self, text: str) -> None:
        report.say(text, err=True)

    def start(self, todo: Sequence[Job], reused: Sequence[Job]) -> None:
        if reused:
            report.say(f"{_shots(len(reused))} unchanged, reused", err=True)

    def frame(self, job: Job) -> None:
        if job.name not in self.started:
            with self.lock:
                self.started.setdefault(job.name, time.monotonic())

    def done(self, job: Job) -> None:
        seconds = time.monotonic() - self.started.get(job.name, time.monotonic())
        with self.lock:
            report.say(f"{job.name}: rendered {job.frames} frames in {seconds:.1f} s", err=True)


class BarProgress(Progress):
    """On a terminal: shots and crossfades done, frames per second and time left."""

    def __init__(self) -> None:
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, TextColumn, TimeRemainingColumn
        from rich.progress import Progress as Bar

        self.bar = Bar(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("frames  {task.fields[fps]} fps"),
            TimeRemainingColumn(),
            console=Console(stderr=True),
            transient=True,
        )
        self.task = None
        self.running = False
        self.shots = (0, 0)
        self.frames = 0
        self.t0 = time.monotonic()

    def episode(self, name: str, index: int, count: int) -> None:
        if count > 1:
            said = f"[bold]episode {index + 1}/{count}[/bold]: {_plain(name)}"
            self.bar.console.print(said, highlight=False)

    def stage(self, name: str) -> None:
        self.bar.console.print(f"[dim]{_plain(name)}…[/dim]", highlight=False)

    def note(self, text: str) -> None:
        self.bar.console.print(neutral(text), markup=False, highlight=False)

    def start(self, todo: Sequence[Job], reused: Sequence[Job]) -> None:
        if reused:
            self.bar.console.print(f"[dim]{_shots(len(reused))} unchanged, reused[/dim]")
        if self.task is not None:  # the last episode's
            self.bar.remove_task(self.task)
            self.task = None
        if not todo:
            return
        self.shots, self.frames = (0, len(todo)), 0
        self.bar.start()
        self.running = True
        self.t0 = time.monotonic()
        total = sum(j.frames for j in todo)
        self.task = self.bar.add_task(self._label(), total=total, fps="–")

    def frame(self, job: Job) -> None:
        self.frames += 1
        fps = self.frames / max(1e-3, time.monotonic() - self.t0)
        self.bar.update(self.task, advance=1, fps=f"{fps:.0f}")

    def done(self, job: Job) -> None:
        self.shots = (self.shots[0] + 1, self.shots[1])
        self.bar.update(self.task, description=self._label())

    def _label(self) -> str:
        return f"shots {self.shots[0]}/{self.shots[1]}"

    def close(self) -> None:
        if self.running:
            self.bar.stop()
            self.running = False


def _plain(text: str) -> str:
    """Text shown as it is inside rich's markup: no tag of its own, no character acted on."""
    from rich.markup import escape

    return escape(neutral(text))


def _shots(n: int) -> str:
    return "1 shot" if n == 1 else f"{n} shots and crossfades"
