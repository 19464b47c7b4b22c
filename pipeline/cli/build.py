"""`essay build`: render episodes into output/<slug>/, each valid one even when others are not."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Sequence
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

import click

from pipeline.base.errors import EssayError, RenderError
from pipeline.base.progress import Progress
from pipeline.cli import report
from pipeline.cli.progress import progress_for
from pipeline.publish.profiles import PROFILES
from pipeline.script.selection import select

if TYPE_CHECKING:
    from pipeline.build import Built


@click.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--profile",
    type=click.Choice(list(PROFILES)),
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
def build(
    paths: Sequence[Path], profile: str, jobs: int | None, quiet: bool, burn_subtitles: bool
) -> None:
    """Render episodes into output/<slug>/: the ones named, the whole series of a project
    (its folder or its essays/ folder), or, with no paths, the series of the project around
    the working directory. Exit status 2 if any episode is not valid (the others are
    built), 1 if a tool failed."""
    from pipeline.build import build as run_build

    selections, problems = select(paths)
    if problems:
        report.problems(problems)
    episodes = [(s.project, e) for s in selections for e in s.episodes]
    if not episodes and not problems:
        named = any(s.series_named for s in selections)
        click.echo(
            "no episodes named: series.yaml is the series file; `essay build` builds them all"
            if named
            else "no episodes to build: an episode is essays/<slug>.yaml"
        )
    progress = progress_for(sys.stderr.isatty() and not quiet)
    failed: dict[str, list[Path]] = {"invalid": [], "broke": []}
    try:
        for k, (project, path) in enumerate(episodes):
            progress.episode(report.shown(path), k, len(episodes))
            run = partial(run_build, path, profile, jobs, progress, burn_subtitles, project)
            outcome = _build_one(path, run, progress, alone=len(episodes) == 1)
            if outcome:
                failed[outcome].append(path)
    finally:
        progress.close()
    _summary(len(episodes), failed["invalid"], failed["broke"], unopened=bool(problems))


def _build_one(path: Path, run: Callable[[], Built], progress: Progress, alone: bool) -> str | None:
    """Build one episode and say what came of it; None if it was built."""
    started = time.monotonic()
    interrupted = (
        f"interrupted; {report.shown(path)} was not built, its output/ folder is as it was"
    )
    try:
        built = report.guard(run, interrupted)
    except EssayError as err:
        progress.close()
        shown = report.shown(path)
        report.problems(err.problems, "nothing was built" if alone else f"{shown} was not built")
        return "invalid"
    except RenderError as err:  # a tool failed on input that validated
        progress.close()
        report.failed(err, path)
        return "broke"
    progress.close()
    _built(path, built, time.monotonic() - started)
    return None


def _built(path: Path, built: Built, elapsed: float) -> None:
    t = built.checked.timeline
    report.warnings(built.checked.warnings)
    reused = sum(s.reused for s in built.segments)
    click.echo(
        f"built {report.shown(path)} in {elapsed:.1f} s: {report.clock(t.duration)} of video, "
        f"{len(built.segments) - reused} sections rendered, {reused} reused"
    )
    sound = built.loudness.get(f"{built.checked.essay.meta.slug}.mp4")
    if sound:
        click.echo(
            f"sound: {sound.integrated:.1f} LUFS integrated, {sound.true_peak:.1f} dBTP true "
            f"peak, {sound.range:.1f} LU range{' (reused)' if built.audio_reused else ''}"
        )
    for f in built.files:
        click.echo(f"  {report.shown(f)}")


def _summary(count: int, invalid: list[Path], broke: list[Path], unopened: bool) -> None:
    if count > 1:
        done = count - len(invalid) - len(broke)
        click.echo(f"built {done} of {report.plural(count, 'episode')}")
        for path in invalid:
            click.echo(f"not built (problems in the input): {report.shown(path)}", err=True)
        for path in broke:
            click.echo(f"not built (a tool failed): {report.shown(path)}", err=True)
    if broke:
        sys.exit(report.EXIT_FAILED)
    if invalid or unopened:
        sys.exit(report.EXIT_INVALID)
