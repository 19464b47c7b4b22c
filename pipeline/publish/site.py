"""The pages' templates: Jinja2, HTML-escaped, the defaults in pipeline/publish/site/, and
any file of the same name in the series' <templates>/site/ taken instead (mkdocs-style).

A series' own templates are read as its card templates are (inside the project, links
checked: script/templates.ProjectLoader) and run in the same bounded sandbox, with the
pages' larger limits. They are compiled once a process and kept in memory only: nothing
executable is kept in the cache, which others (a cluster, a copied project) may write.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import jinja2

from pipeline.base.errors import Problem, RenderError, shown
from pipeline.script.sandbox import PAGES, Bounded, TooBig
from pipeline.script.templates import ProjectLoader, Unreadable

DEFAULTS = Path(__file__).with_name("site")


class PageProblem(RenderError):
    """A page template that cannot be filled: `template` and `line` say where, if known."""

    def __init__(self, what: str, template: Path, line: int | None = None):
        where = f"{shown(template)}:{line}" if line else shown(template)
        super().__init__(f"the page template {where} fails: {what}")
        self.what, self.template, self.line = what, template, line

    def problem(self) -> Problem:
        """As a problem of the input: the series' template is the author's to fix."""
        said = f"the page template fails: {self.what}"
        return Problem(self.template, self.line, None, "templates", said)


@lru_cache(maxsize=8)
def site_templates(overrides: Path, root: Path) -> SiteTemplates:
    """The templates for a series' overrides folder (inside the project at `root`), opened
    once a process."""
    return SiteTemplates(overrides, root)


class SiteTemplates:
    def __init__(self, overrides: Path, root: Path):
        self.overrides = overrides
        loader = jinja2.ChoiceLoader(
            [ProjectLoader([overrides], root), jinja2.FileSystemLoader(str(DEFAULTS))]
        )
        self.env = Bounded(
            loader=loader, autoescape=True, undefined=jinja2.StrictUndefined, trim_blocks=True,
            lstrip_blocks=True, limits=PAGES,
        )  # fmt: skip

    def render(self, name: str, context: dict[str, Any]) -> str:
        """Raises PageProblem naming the template and its line when it cannot be filled."""
        try:
            return self.env.render_bounded(self.env.get_template(name), context)
        except Exception as err:  # the template's own mistake, whatever it is
            raise self._problem(name, err) from None

    def _problem(self, name: str, err: Exception) -> PageProblem:
        line = getattr(err, "lineno", None)
        file = getattr(err, "filename", None)
        if line is None:  # raised while it ran: the innermost frame of a template's
            file, line = _template_frame(err) or (None, None)
        what = (getattr(err, "message", None) or str(err)) + "; fix the template"
        if isinstance(err, Unreadable):
            what = err.message or ""  # it says what to do
        elif isinstance(err, TooBig):
            what = f"refused by the sandbox: {what}"
        elif isinstance(err, jinja2.TemplateNotFound):
            what = f"it includes '{err.name}', which is in neither {shown(self.overrides)} nor "
            what += "the defaults; add it, or correct the name"
        elif not isinstance(err, jinja2.TemplateError):
            what = f"{type(err).__name__}: {what}"
        return PageProblem(what, Path(file) if file else self.path_of(name), line)

    def path_of(self, name: str) -> Path:
        own = self.overrides / name
        return own if own.exists() else DEFAULTS / name


def _template_frame(err: BaseException) -> tuple[str, int] | None:
    """The template file and line an error was raised on: Jinja2 rewrites a traceback so
    that its frames are the templates' lines."""
    found, tb = None, err.__traceback__
    while tb is not None:
        name = tb.tb_frame.f_code.co_filename
        if name.endswith((".html", ".css", ".xml", ".svg")):
            found = (name, tb.tb_lineno)
        tb = tb.tb_next
    return found
