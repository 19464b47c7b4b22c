"""`essay build`: render episodes into output/<slug>/, each valid one even when others are
not, then the series' files over what output/ holds."""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

import click

from pipeline.base.errors import RenderError
from pipeline.base.progress import Progress
from pipeline.cli import report
from pipeline.cli.progress import progress_for
from pipeline.script.selection import Selection, select

if TYPE_CHECKING:
    from pipeline.produce import Built
    from pipeline.publish.profiles import BuildProfile


# The profiles' names, for --help without importing what builds them (publish/profiles.py,
# whose PROFILES a test holds to these).
PROFILE_NAMES = ("master", "draft")


@click.command(name="build")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--profile",
    "profile_name",
    type=click.Choice(PROFILE_NAMES),
    default="master",
    show_default=True,
    help="master: delivery settings from series.yaml; draft: 480p, fast, for a quick look.",
)
@click.option(
    "--jobs",
    "-j",
    type=click.IntRange(1, 64),
    default=None,
    help="Segments (shots and crossfades) encoded at once (default: chosen for this machine).",
)
@click.option("--quiet", "-q", is_flag=True,
              help="No progress bar: one line per shot or crossfade.")  # fmt: skip
@click.option("--burn-subtitles", is_flag=True,
              help="Draw the subtitles into the picture too, in the series' style.")  # fmt: skip
@click.option("--strict", is_flag=True,
              help="A take that disagrees with its script is an error, not a warning "
              "(the series' `strict: true` says so too).")  # fmt: skip
@click.option("--scheduler", envvar="ESSAY_SCHEDULER", metavar="ADDRESS",
              help="Build on this Dask cluster (tcp://HOST:8786, or ESSAY_SCHEDULER), whose "
              "workers see the project at the same path; needs the [dask] extra.")  # fmt: skip
@click.option("--report", "report_to", type=click.Path(path_type=Path), metavar="FILE",
              help="Also write what was built, reused or refused, as JSON, to FILE.")  # fmt: skip
def build_command(
    paths: Sequence[Path],
    profile_name: str,
    jobs: int | None,
    quiet: bool,
    burn_subtitles: bool,
    strict: bool,
    scheduler: str | None,
    report_to: Path | None,
) -> None:
    """Render episodes into output/<slug>/: the ones named, the whole series of a project
    (its folder or its essays/ folder), or, with no paths, the series of the project around
    the working directory; then the series' page, feed and manifest. Exit status 2 if any
    episode is not valid (the others are built), 1 if a tool failed or a file could not be
    written, 130/143/129 if stopped by Ctrl-C, SIGTERM or SIGHUP (output/ as it was)."""
    from pipeline.publish.profiles import PROFILES

    selections, problems = select(paths)
    if problems:
        report.problems(problems)
    profile = PROFILES[profile_name]
    run = _Run(
        profile, jobs, burn_subtitles, strict, progress_for(sys.stderr.isatty() and not quiet)
    )
    run.unopened = bool(problems)
    episodes = [(s, e) for s in selections for e in s.episodes]
    if not episodes and not problems:
        report.say(_nothing(selections))
    try:
        if scheduler and episodes:
            _on_cluster(run, scheduler, selections, episodes)
        else:
            for k, (picked, path) in enumerate(episodes):
                run.progress.episode(report.shown(path), k, len(episodes))
                run.episode(picked, path, alone=len(episodes) == 1)
        if profile.series_files:
            for picked in selections:
                run.series(picked)
    finally:
        run.progress.close()
    if report_to:
        report_to.write_text(json.dumps(run.rows, indent=1, ensure_ascii=False) + "\n")
    run.finish(len(episodes))


def _on_cluster(run: _Run, address: str, selections, episodes) -> None:
    """Every episode at once on the cluster, each said as it is done, in order."""
    from pipeline.produce.cluster import ClusterError, address_problem, connected

    wrong = address_problem(address)
    if wrong:
        report.say(f"--scheduler (or ESSAY_SCHEDULER): {wrong}", err=True)
        sys.exit(report.EXIT_INVALID)
    roots = [s.project.root for s in selections]
    try:
        with connected(address, roots, run.progress) as cluster:
            run.progress.note(f"building on the Dask cluster at {address}: "
                              f"{report.plural(cluster.workers, 'worker')}")  # fmt: skip
            futures = [
                cluster.submit(path, run.profile, run.burn, run.strict, p.project)
                for p, path in episodes
            ]
            for (picked, path), future in zip(episodes, futures, strict=True):
                run.episode(picked, path, len(episodes) == 1, lambda _, f=future: f.result())
    except ClusterError as err:
        report.failed(err, None)
        sys.exit(report.EXIT_FAILED)


def _nothing(selections: list[Selection]) -> str:
    if any(s.series_named for s in selections):
        return "no episodes named: series.yaml is the series file; `essay build` builds them all"
    return "no episodes to build: an episode is essays/<slug>.yaml"


@dataclass
class _Run:
    """One `essay build`: what came of each episode, and of the series' files."""

    profile: BuildProfile
    jobs: int | None
    burn: bool
    strict: bool
    progress: Progress
    unopened: bool = False  # a project or its series could not be taken as it is
    broke: bool = False  # the series' files could not be made
    rows: dict = field(default_factory=lambda: {"episodes": [], "series": []})

    def episode(self, picked: Selection, path: Path, alone: bool, build_it=None) -> None:
        """Build one episode (here, or `build_it(project)`: on a cluster) and say what came
        of it."""
        from pipeline.produce import build

        started, shown = time.monotonic(), report.shown(path)
        build_it = build_it or partial(
            build, path, self.profile, self.jobs, self.progress, self.burn, strict=self.strict
        )
        done, mended = report.episode(
            partial(build_it, picked.project), path, picked.project.cache,
            refused="nothing was built" if alone else f"{shown} was not built",
            stopped_after=f"{shown} was not built, its output/ folder is as it was",
            before_saying=self.progress.close,
        )  # fmt: skip
        row = {"episode": shown, "status": "built", "problems": [], "warnings": []}
        if done.problems:
            row |= {"status": "invalid", "problems": [str(p) for p in done.problems]}
        elif done.failure:
            row |= {"status": "failed", "problems": [report.reason(done.failure)]}
        else:
            row |= _built(path, done.value, time.monotonic() - started)
        row["warnings"] += mended
        self.rows["episodes"].append(row)

    def series(self, picked: Selection) -> None:
        from pipeline.produce.series import publish_series
        from pipeline.publish.site import PageProblem

        project = picked.project
        errors = [p for p in project.check_series() if not p.warning]  # `essay check` warns
        if errors:
            report.problems(errors, "the series' files were not written")
            self.unopened = True
            self.rows["series"].append({"problems": [str(p) for p in errors]})
            return
        self.progress.stage("writing the series' files")
        stopped = "the series' files are as they were"
        try:
            made = report.guard(lambda: publish_series(project), stopped)
        except PageProblem as err:  # the series' page template: the author's to fix
            said = str(err.problem())
            if not any(said in row["problems"] for row in self.rows["episodes"]):
                report.problems([err.problem()], "the series' files were not written")
            self.unopened = True
            self.rows["series"].append({"problems": [said]})
            return
        except (RenderError, OSError) as err:
            report.failed(err, project.series_file)
            self.rows["series"].append({"problems": [report.reason(err)]})
            self.broke = True
            return
        if made:
            names = ", ".join(p.name for p in made)
            report.say(f"series: {report.shown(made[0].parent)}/: {names}")
        self.rows["series"].append({"files": [report.shown(p) for p in made]})

    def finish(self, count: int) -> None:
        rows = self.rows["episodes"]
        invalid = [r["episode"] for r in rows if r["status"] == "invalid"]
        broke = [r["episode"] for r in rows if r["status"] == "failed"]
        if count > 1:
            report.say(
                f"built {count - len(invalid) - len(broke)} of {report.plural(count, 'episode')}"
            )
            for shown in invalid:
                report.say(f"not built (problems in the input): {shown}", err=True)
            for shown in broke:
                report.say(f"not built (a tool failed): {shown}", err=True)
        if broke or self.broke:
            sys.exit(report.EXIT_FAILED)
        if invalid or self.unopened:
            sys.exit(report.EXIT_INVALID)


def _built(path: Path, built: Built, elapsed: float) -> dict:
    """Say what was built; its row of the report."""
    t = built.checked.timeline
    report.warnings(built.checked.warnings)
    report.warnings(built.checked.timeline.cuts)
    rendered = [s.name for s in built.segments if not s.reused]
    report.on_scratch(path, built.checked.essay)
    report.say(
        f"built {report.shown(path)} in {elapsed:.1f} s: {report.clock(t.duration)} of video, "
        f"{len(rendered)} of {len(built.segments)} shots and crossfades rendered "
        f"({built.frames_encoded:,} frames)"
    )
    sound = built.loudness.get(f"{built.checked.essay.meta.slug}.mp4")
    if sound:
        report.say(
            f"sound: {sound.integrated:.1f} LUFS integrated, {sound.true_peak:.1f} dBTP true "
            f"peak, {sound.range:.1f} LU range{' (reused)' if built.audio_reused else ''}"
        )
    page = next((f for f in built.files if f.name == "index.html"), built.files[0])
    report.say(
        f"  {report.shown(built.folder)}/: {report.plural(len(built.files), 'file')}; "
        f"open {report.shown(page)}"
    )
    return {
        "slug": built.checked.essay.meta.slug,
        "seconds": round(elapsed, 2),
        "rendered": rendered,
        "reused": [s.name for s in built.segments if s.reused],
        "frames_encoded": built.frames_encoded,
        "audio_reused": built.audio_reused,
        "loudness": {name: m.as_dict() for name, m in built.loudness.items()},
        "warnings": [str(w) for w in built.checked.warnings],
        "cuts": [str(c) for c in built.checked.timeline.cuts],
        "files": [report.shown(f) for f in built.files],
        "workers": _workers(built),
    }


def _workers(built: Built) -> dict:
    """Where the work went: the episode's own (checks, mix, files) and each segment's."""
    where = built.ran_on
    own = where.worker if where else "here"
    out = {own: {"episode_seconds": round(where.seconds - where.waited, 2) if where else None,
                 "segments": 0, "frames": 0, "seconds": 0.0}}  # fmt: skip
    for s in built.segments:
        if s.ran:
            row = out.setdefault(s.ran.worker, {"segments": 0, "frames": 0, "seconds": 0.0})
            row["segments"] += 1
            row["frames"] += s.frames
            row["seconds"] = round(row["seconds"] + s.ran.seconds, 2)
    return out
