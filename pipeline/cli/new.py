"""`essay new`: a new episode from the series' outline, ready to check and draft before any
take is recorded."""

from __future__ import annotations

import datetime
import sys
from pathlib import Path

import click

from pipeline.base.errors import EssayError, Problem
from pipeline.cli import report
from pipeline.script.outline import new_episode
from pipeline.script.project import Project


@click.command(name="new")
@click.argument("slug")
@click.option("--film", required=True, help="The film's title, e.g. 'Her'.")
@click.option("--year", required=True, help="Its release year, e.g. 2013.")
@click.option("--director", required=True, help="e.g. 'Spike Jonze'.")
@click.option("--title", help="The episode's title (default: '<film>: the ending explained').")
@click.option("--date", "when", type=click.DateTime(["%Y-%m-%d"]), metavar="YYYY-MM-DD",
              help="Publication date (default: today).")  # fmt: skip
def new_command(
    slug: str, film: str, year: str, director: str, title: str | None, when: datetime.datetime
) -> None:
    """Write essays/SLUG.yaml, the series' outline as sections each read by the scratch voice,
    with the next free episode number, and its folders assets/SLUG/narration and stills.
    Run in the project (the folder that holds essays/) or below it. Exit status 2, nothing
    written, if SLUG is taken or not a name, or the film is not given right."""
    try:
        project = Project.containing(Path.cwd())
        made = new_episode(project, slug, film, year, director, title, when and when.date())
    except EssayError as err:
        _refuse(err.problems)
    report.say(
        f"wrote {report.shown(made.episode)}: episode {made.number}, "
        f"{report.plural(made.sections, 'section')} on scratch narration"
    )
    folders = ", ".join(f"{report.shown(f)}/" for f in made.folders)
    report.say(f"  takes and stills go in {folders} (see its README.md)")
    episode = report.shown(made.episode)
    report.say(f"  next: essay check {episode}; essay build --profile draft {episode}")


def _refuse(problems: list[Problem]) -> None:
    """One line for each problem (there is one: the first thing wrong stops it)."""
    for problem in problems:
        report.say(str(problem), err=True)
    sys.exit(report.EXIT_INVALID)
