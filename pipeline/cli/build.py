"""`essay build`: render episodes into output/<slug>/, each valid one even when others are not."""

from __future__ import annotations

import sys
import time
from collections.abc import Sequence
from functools import partial
from pathlib import Path

import click

from pipeline.base.errors import EssayError, RenderError
from pipeline.cli import report
from pipeline.cli.progress import progress_for
from pipeline.publish.profiles import PROFILES
from pipeline.script.selection import select


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
    """Render episodes into output/<slug>/: the ones named, every episode of a folder's
    project, or, with no paths, the whole series. Exit status 2 if any episode is not valid
    (the others are built), 1 if a tool failed."""
    from pipeline.build import build as run_build

    selections, problems = select(paths)
    if problems:
        report.problems(problems, "its episodes were not built")
    episodes = [(s.project, e) for s in selections for e in s.episodes]
    if not episodes and not problems:
        click.echo("no episodes to build: add essays/<slug>.yaml")
    progress = progress_for(sys.stderr.isatty() and not quiet)
    invalid, broke = [], []
    try:
        for k, (project, path) in enumerate(episodes):
            progress.episode(str(path), k, len(episodes))
            started = time.monotonic()
            try:
                built = report.guard(
                    partial(run_build, path, profile, jobs, progress, burn_subtitles, project)
                )
            except EssayError as err:
                progress.close()
                alone = len(episodes) == 1
                report.problems(
                    err.problems,
                    "nothing was built" if alone else f"{report.shown(path)} was not built",
                )
                invalid.append(path)
                continue
            except RenderError as err:
                progress.close()
                report.failed(err)
                broke.append(path)
                continue
            progress.close()
            _built(path, built, time.monotonic() - started)
    finally:
        progress.close()
    _summary(len(episodes), invalid, broke, unopened=bool(problems))


def _built(path: Path, built, elapsed: float) -> None:
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
