"""The series as a whole: what no single episode can get wrong (two episodes with one number,
an episode the feed cannot date), and the series' files after the episodes are delivered."""

from __future__ import annotations

from pathlib import Path

from pipeline.base.cache import COMPILED
from pipeline.base.errors import EssayError, Problem, shown
from pipeline.publish.delivery import delivered
from pipeline.publish.series_files import Series, write_series
from pipeline.publish.site import site_templates
from pipeline.script.project import Project
from pipeline.script.schema import EpisodeDoc
from pipeline.script.validate import validate

OUTPUT = "output"


def check_series(project: Project) -> list[Problem]:
    """Problems between episodes, and a warning when there can be no feed."""
    found: list[Problem] = []
    numbers: dict[int, Path] = {}
    slugs: dict[str, Path] = {}
    for path in project.episodes:
        try:
            source = project.source(path)
            doc = validate(EpisodeDoc, source)
        except EssayError:  # its own check says what is wrong with it
            continue
        if doc.episode in numbers:
            found.append(source.problem(("episode",), (
                f"episode {doc.episode} is also {shown(numbers[doc.episode])}; "
                "give each episode its own number"
            )))  # fmt: skip
        if path.stem in slugs:
            found.append(source.problem((), (
                f"{shown(slugs[path.stem])} has the same name: both would be output/{path.stem}/; "
                "rename one"
            )))  # fmt: skip
        if project.series.site and doc.date is None:
            found.append(source.problem(("date",), (
                "the podcast feed needs the episode's date; add `date: YYYY-MM-DD`"
            )))  # fmt: skip
        numbers.setdefault(doc.episode, path)
        slugs.setdefault(path.stem, path)
    if project.series.site is None:
        found.append(Problem(project.series_file, None, None, "site", (
            "no `site:`, so no podcast feed: give the series' address, "
            "`site: {url: https://...}`, and the build writes the feed too"
        ), warning=True))  # fmt: skip
    return found


def publish_series(project: Project) -> list[Path]:
    """The series' files for what output/ now holds; none if it holds no episode."""
    output = project.root / OUTPUT
    delivery = delivered(output, [p.stem for p in project.episodes])
    if not delivery.episodes:
        return []
    settings = project.series
    language = settings.site.language if settings.site else "en"
    series = Series(settings.series, settings.author, settings.site, language)
    compiled = project.cache.area(COMPILED)
    templates = site_templates((project.root / settings.templates).resolve() / "site", compiled)
    made = write_series(series, delivery, templates)
    project.cache.keep_facts()  # the delivered files' digests, for the next manifest
    return made
