"""The series' files, written after the episodes are delivered, from what output/ holds."""

from __future__ import annotations

from pathlib import Path

from pipeline.base.errors import RenderError
from pipeline.publish.catalogue import read_catalogue
from pipeline.publish.series_files import Series, write_series
from pipeline.publish.site import SiteTemplates, site_templates
from pipeline.script.project import Project, slug_problem


def publish_series(project: Project) -> list[Path]:
    """The series' files for what output/ now holds; none if it holds no episode."""
    # only names that can be episodes: `index.html.yaml` names no folder of output/
    slugs = [p.stem for p in project.episodes if slug_problem(p.stem) is None]
    catalogue = read_catalogue(project.output, slugs)
    if not catalogue.episodes:
        return []
    try:
        made = write_series(series_of(project), catalogue, series_templates(project))
    except ValueError as err:  # facts output/ holds that an older build wrote, say
        raise RenderError(f"the series' files cannot be written from output/: {err}") from None
    project.cache.keep_facts()  # the delivered files' digests, for the next manifest
    return made


def series_of(project: Project) -> Series:
    settings = project.series
    language = settings.site.language if settings.site else "en"
    return Series(settings.series, settings.author, settings.site, language, settings.feed.public)


def series_templates(project: Project) -> SiteTemplates:
    """The pages' templates of the series (an episode may override them for its own)."""
    overrides = (project.root / project.series.templates).resolve() / "site"
    return site_templates(overrides, project.root)
