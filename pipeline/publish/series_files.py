"""The series' own files in output/: its page, its square art, its podcast feed (when the
series has a site address) and, last, the manifest of every delivered file. Each is
written under a hidden name and renamed into place, after every episode it names is."""

from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from pipeline.base.errors import Problem, writing
from pipeline.publish.catalogue import Catalogue
from pipeline.publish.facts import EpisodeFacts, SeriesFacts
from pipeline.publish.feed import FEED, feed_xml
from pipeline.publish.manifest import MANIFEST, manifest
from pipeline.publish.site import PageProblem, SiteTemplates
from pipeline.publish.times import clock
from pipeline.script.settings import Site

PAGE, COVER = "index.html", "cover.jpg"
TEMPLATE = "series.html"  # the page's


@dataclass(frozen=True)
class Series:
    title: str
    author: str | None
    site: Site | None
    language: str
    public_feed: bool = True  # false: subscribers' private feeds only (`essay publish`)


def write_series(series: Series, catalogue: Catalogue, templates: SiteTemplates) -> list[Path]:
    """The series' files, made from what output/ holds; returns their paths."""
    output, made = catalogue.output, []
    cover = _cover(catalogue)
    if cover:
        made.append(_put(output / COVER, lambda tmp: shutil.copyfile(cover, tmp)))
    if _feed(series, bool(cover)):
        facts = SeriesFacts(series.title, series.author, series.site, COVER)
        xml = feed_xml(facts, catalogue.episodes, catalogue.sizes())
        made.append(_put(output / FEED, lambda tmp: tmp.write_bytes(xml)))
    elif not series.public_feed:  # made private: the last public feed goes too
        with writing(output / FEED):
            (output / FEED).unlink(missing_ok=True)
    page = templates.render(TEMPLATE, _context(series, catalogue, bool(cover)))
    made.append(_put(output / PAGE, lambda tmp: tmp.write_text(page, encoding="utf-8")))
    listing = manifest(catalogue, [p.name for p in made])
    made.append(_put(output / MANIFEST, lambda tmp: tmp.write_text(listing, encoding="utf-8")))
    return made


def rehearse_page(series: Series, episode: EpisodeFacts, templates: SiteTemplates) -> list[Problem]:
    """The series' page made, and let go, as it would be with this episode in it: a
    template of the series' that fails, fails at `essay check`, located."""
    try:
        templates.render(TEMPLATE, _context(series, Catalogue(Path(), (episode,)), cover=True))
    except PageProblem as err:
        return [err.problem()]
    return []


def _context(series: Series, catalogue: Catalogue, cover: bool) -> dict:
    feed = FEED if _feed(series, cover) else None
    description = series.site.description if series.site else ""
    return {
        "series": {
            "title": series.title,
            "description": description,
            "feed": feed,
            "cover": COVER if cover else None,
        },
        "episodes": list(catalogue.episodes),
        "clock": clock,
        "language": series.language,
    }


def _feed(series: Series, cover: bool) -> bool:
    """Whether output/ holds the public feed: it needs an address and art, and the series'
    leave (`feed: {public: false}` keeps it to subscribers)."""
    return bool(series.site and cover and series.public_feed)


def _cover(catalogue: Catalogue) -> Path | None:
    """The series' square art: the first episode's (a podcast app keeps a series' art;
    the newest episode's would change it every week)."""
    for episode in sorted(catalogue.episodes, key=lambda e: e.number):
        path = catalogue.path(episode, "cover")
        if path and (catalogue.output / path).is_file():
            return catalogue.output / path
    return None


def _put(final: Path, make: Callable[[Path], None]) -> Path:
    tmp = final.with_name(f".{final.name}.{os.getpid()}.tmp")
    try:
        with writing(final):
            make(tmp)
            tmp.replace(final)
    finally:
        with contextlib.suppress(OSError):  # on a read-only disk even this fails: said above
            tmp.unlink(missing_ok=True)
    return final
