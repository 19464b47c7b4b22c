"""A product is one kind of delivered file: what it is made of (its key) and how it is made.

A build makes, for each product its profile names, `<slug><suffix>` from the Rendered parts
of the episode, unless the file delivered last time had the same key and is untouched.
Adding an output is one new module that defines a Product, and a name in a profile.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from pipeline.audio.encoded import Sound
from pipeline.audio.loudness import Loudness
from pipeline.base.errors import Problem
from pipeline.publish.site import PageProblem, SiteTemplates
from pipeline.render.plan import SegmentJob
from pipeline.render.rendition import Rendition
from pipeline.script.model import Essay
from pipeline.timing.timeline import Timeline


@dataclass(frozen=True)
class Rendered:
    """What a build has made before it writes any file."""

    essay: Essay
    timeline: Timeline
    jobs: tuple[SegmentJob, ...]  # what each section's pictures are drawn from
    renditions: tuple[Rendition, ...]  # the video's, the master first
    segments: tuple[tuple[Path, ...], ...]  # the encoded pictures: a sequence a rendition
    sound: Sound
    loudness: dict[str, Loudness]  # of each delivered file that carries sound, by name
    work: Path  # for a maker's temporary files
    site: SiteTemplates  # the pages' templates
    files: dict[str, str]  # what each delivered file is (its product's role): its name


def _no_doubts(essay: Essay, timeline: Timeline) -> list[Problem]:
    return []


@dataclass(frozen=True)
class Product:
    suffix: str  # after the slug: ".srt"
    key: Callable[[Rendered], object]  # what the file is made of: any JSON-able values
    make: Callable[[Rendered, Path], None]  # write the file at the path given
    sound: str | None = None  # the sound stream it carries (its loudness is reported)
    check: Callable[[Essay, Timeline], list[Problem]] = _no_doubts  # warnings for `essay check`
    version: int = 1  # bump when the same parts would now make another file
    role: str = ""  # what the file is to the pages and the feed: "mp3", "poster"...
    named: str = ""  # a name of its own, instead of the slug and the suffix
    # made of the script alone (a page): `essay check` makes it too, so that a template of
    # the series' that fails, fails there first
    rehearsed: bool = False

    def name(self, slug: str) -> str:
        return self.named or f"{slug}{self.suffix}"


def rehearse(
    products: tuple[Product, ...],
    essay: Essay,
    timeline: Timeline,
    renditions: tuple[Rendition, ...],
    site: SiteTemplates,
) -> list[Problem]:
    """Make, and let go, the products a check can make (their `rehearsed`): what would stop
    a build there, located in the template at fault."""
    files = {p.role: p.name(essay.meta.slug) for p in products if p.role}
    nothing = Rendered(essay, timeline, (), renditions, (), None, {}, Path(), site, files)  # type: ignore[arg-type]
    found = []
    for product in (p for p in products if p.rehearsed):
        try:
            product.key(nothing)
        except PageProblem as err:
            found.append(err.problem())
    return found


def text_product(
    suffix: str,
    text: Callable[[Rendered], str],
    check: Callable[[Essay, Timeline], list[Problem]] = _no_doubts,
    role: str = "",
    named: str = "",
    rehearsed: bool = False,
) -> Product:
    """A small text file, made of nothing but its own text."""

    def write(rendered: Rendered, out: Path) -> None:
        out.write_text(text(rendered), encoding="utf-8")

    return Product(suffix, text, write, check=check, role=role, named=named, rehearsed=rehearsed)
