"""The `essay` command: check and build. The only module that prints."""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Sequence
from pathlib import Path

import click

from pipeline.errors import EssayError, RenderError
from pipeline.render.plan import SegmentJob
from pipeline.render.profile import PROFILES
from pipeline.render.segments import Progress

EXIT_INVALID = 2
EXIT_FAILED = 1
EXIT_INTERRUPTED = 130


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="essay")
def main() -> None:
    """Narrated video essays from a YAML script: MP4, SRT and WebVTT."""


@main.command()
@click.argument("essays", nargs=-1, required=True, type=click.Path(path_type=Path))
def check(essays: Sequence[Path]) -> None:
    """Validate episodes without rendering. Exit status 2 if anything is wrong."""
    from pipeline.build import check as run_check

    failed = False
    for path in essays:
        try:
            checked = _guard(lambda p=path: run_check(p))
        except EssayError as err:
            _report(err)
            failed = True
            continue
        t = checked.timeline
        _warn(t.warnings)
        click.echo(
            f"{path}: ok: {len(t.sections)} sections, {_clock(t.duration)}, "
            f"{len(t.shots)} shots, {len(t.cues)} subtitle cues"
            + (f", {len(t.warnings)} warnings" if t.warnings else "")
        )
    if failed:
        sys.exit(EXIT_INVALID)


@main.command()
@click.argument("essay", type=click.Path(path_type=Path))
@click.option(
    "--profile",
    type=click.Choice(PROFILES),
    default="master",
    show_default=True,
    help="master: delivery settings from series.yaml; draft: 480p, fast, for a quick look.",
)
@click.option(
    "--jobs",
    "-j",
    type=click.IntRange(1, 64),
    default=None,
    help="Sections rendered at once (default: chosen for this machine).",
)
@click.option("--quiet", "-q", is_flag=True, help="No progress bar: one line per section.")
@click.option("--burn-subtitles", is_flag=True,
              help="Draw the subtitles into the picture too, in the series' style.")  # fmt: skip
def build(essay: Path, profile: str, jobs: int | None, quiet: bool, burn_subtitles: bool) -> None:
    """Render an episode into output/<slug>/: MP4, SRT, WebVTT and chapters."""
    from pipeline.build import build as run_build

    started = time.monotonic()
    live = sys.stderr.isatty() and not quiet
    progress = _BarProgress() if live else _LineProgress()
    try:
        built = _guard(lambda: run_build(essay, profile, jobs, progress, burn_subtitles))
    except EssayError as err:
        _report(err)
        sys.exit(EXIT_INVALID)
    finally:
        progress.close()
    elapsed = time.monotonic() - started
    t = built.checked.timeline
    _warn(t.warnings)
    reused = sum(s.reused for s in built.segments)
    click.echo(
        f"built {essay} in {elapsed:.1f} s: {_clock(t.duration)} of video, "
        f"{len(built.segments) - reused} sections rendered, {reused} reused"
    )
    sound = built.loudness.get(f"{built.checked.essay.meta.slug}.mp4")
    if sound:
        click.echo(
            f"sound: {sound.integrated:.1f} LUFS integrated, {sound.true_peak:.1f} dBTP true "
            f"peak, {sound.range:.1f} LU range{' (reused)' if built.audio_reused else ''}"
        )
    for f in built.files:
        click.echo(f"  {_relative(f)}")


def _guard(action):
    """Run a stage; tool failures and interrupts end the program with one clean line."""
    try:
        return action()
    except RenderError as err:
        click.echo(f"error: {err}", err=True)
        sys.exit(EXIT_FAILED)
    except KeyboardInterrupt:
        click.echo("interrupted; output/ is as it was before this build", err=True)
        sys.exit(EXIT_INTERRUPTED)


def _warn(warnings) -> None:
    """Doubts that do not stop a build: take and script disagree, a cue reads too fast."""
    for problem in warnings:
        click.echo(str(problem), err=True)


def _report(err: EssayError) -> None:
    for problem in err.problems:
        click.echo(str(problem), err=True)
    count = len(err.problems)
    click.echo(f"{count} problem{'s' if count != 1 else ''} found; nothing was built", err=True)


def _clock(seconds: float) -> str:
    m, s = divmod(round(seconds), 60)
    return f"{m}:{s:02d}"


def _relative(path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


class _LineProgress(Progress):
    """For logs and automated builds: a line per finished section, nothing else."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.started: dict[str, float] = {}

    def start(self, todo: Sequence[SegmentJob], reused: Sequence[SegmentJob]) -> None:
        for job in reused:
            click.echo(f"section {job.section}: unchanged, reused", err=True)

    def frame(self, job: SegmentJob) -> None:
        if job.section not in self.started:
            with self.lock:
                self.started.setdefault(job.section, time.monotonic())

    def done(self, job: SegmentJob) -> None:
        seconds = time.monotonic() - self.started.get(job.section, time.monotonic())
        with self.lock:
            click.echo(
                f"section {job.section}: rendered {job.frames} frames in {seconds:.1f} s", err=True
            )

    def close(self) -> None:
        pass


class _BarProgress(Progress):
    """On a terminal: sections done, frames per second and time left."""

    def __init__(self) -> None:
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            TextColumn,
            TimeRemainingColumn,
        )
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
        self.sections = (0, 0)
        self.t0 = time.monotonic()

    def stage(self, name: str) -> None:
        self.bar.console.print(f"[dim]{name}…[/dim]")

    def start(self, todo: Sequence[SegmentJob], reused: Sequence[SegmentJob]) -> None:
        if reused:
            self.bar.console.print(f"[dim]{len(reused)} unchanged sections reused[/dim]")
        if not todo:
            return
        self.sections = (0, len(todo))
        self.bar.start()
        self.t0 = time.monotonic()
        total = sum(j.frames for j in todo)
        self.task = self.bar.add_task(self._label(), total=total, fps="–")

    def frame(self, job: SegmentJob) -> None:
        done = self.bar.tasks[0].completed + 1
        fps = done / max(1e-3, time.monotonic() - self.t0)
        self.bar.update(self.task, advance=1, fps=f"{fps:.0f}")

    def done(self, job: SegmentJob) -> None:
        self.sections = (self.sections[0] + 1, self.sections[1])
        self.bar.update(self.task, description=self._label())

    def _label(self) -> str:
        return f"sections {self.sections[0]}/{self.sections[1]}"

    def close(self) -> None:
        self.bar.stop()
