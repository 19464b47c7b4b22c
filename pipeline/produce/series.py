"""The series' files, written after the episodes are delivered, from what output/ holds."""

from __future__ import annotations

from pathlib import Path

from pipeline.base.cache import COMPILED
from pipeline.publish.catalogue import read_catalogue
from pipeline.publish.series_files import Series, write_series
from pipeline.publish.site import site_templates
from pipeline.script.project import Project


def publish_series(project: Project) -> list[Path]:
    """The series' files for what output/ now holds; none if it holds no episode."""
    catalogue = read_catalogue(project.output, [p.stem for p in project.episodes])
    if not catalogue.episodes:
        return []
    settings = project.series
    language = settings.site.language if settings.site else "en"
    series = Series(settings.series, settings.author, settings.site, language)
    compiled = project.cache.area(COMPILED)
    templates = site_templates((project.root / settings.templates).resolve() / "site", compiled)
    made = write_series(series, catalogue, templates)
    project.cache.keep_facts()  # the delivered files' digests, for the next manifest
    return made
