"""Progress as a build shows it: a bar on a terminal, a line per section in a log."""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence

import click

from pipeline.base.progress import Job, Progress


def progress_for(live: bool) -> Progress:
    return BarProgress() if live else LineProgress()


class LineProgress(Progress):
    """For logs and automated builds: a line per finished section, nothing else."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.started: dict[str, float] = {}

    def episode(self, name: str, index: int, count: int) -> None:
        if count > 1:
            click.echo(f"episode {index + 1}/{count}: {name}", err=True)
        self.started = {}

    def note(self, text: str) -> None:
        click.echo(text, err=True)

    def start(self, todo: Sequence[Job], reused: Sequence[Job]) -> None:
        for job in reused:
            click.echo(f"section {job.section}: unchanged, reused", err=True)

    def frame(self, job: Job) -> None:
        if job.section not in self.started:
            with self.lock:
                self.started.setdefault(job.section, time.monotonic())

    def done(self, job: Job) -> None:
        seconds = time.monotonic() - self.started.get(job.section, time.monotonic())
        with self.lock:
            click.echo(
                f"section {job.section}: rendered {job.frames} frames in {seconds:.1f} s", err=True
            )


class BarProgress(Progress):
    """On a terminal: sections done, frames per second and time left."""

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
        self.sections = (0, 0)
        self.frames = 0
        self.t0 = time.monotonic()

    def episode(self, name: str, index: int, count: int) -> None:
        if count > 1:
            self.bar.console.print(f"[bold]episode {index + 1}/{count}[/bold]: {name}")

    def stage(self, name: str) -> None:
        self.bar.console.print(f"[dim]{name}…[/dim]")

    def note(self, text: str) -> None:
        self.bar.console.print(text, markup=False, highlight=False)

    def start(self, todo: Sequence[Job], reused: Sequence[Job]) -> None:
        if reused:
            self.bar.console.print(f"[dim]{len(reused)} unchanged sections reused[/dim]")
        if self.task is not None:  # the last episode's
            self.bar.remove_task(self.task)
            self.task = None
        if not todo:
            return
        self.sections, self.frames = (0, len(todo)), 0
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
        self.sections = (self.sections[0] + 1, self.sections[1])
        self.bar.update(self.task, description=self._label())

    def _label(self) -> str:
        return f"sections {self.sections[0]}/{self.sections[1]}"

    def close(self) -> None:
        if self.running:
            self.bar.stop()
            self.running = False
