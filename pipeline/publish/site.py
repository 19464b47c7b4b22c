"""The pages' templates: Jinja2, HTML-escaped, the defaults in pipeline/publish/site/, and
any file of the same name in the series' <templates>/site/ taken instead (mkdocs-style)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import jinja2

from pipeline.base.errors import RenderError
from pipeline.script.templates import Sandbox

DEFAULTS = Path(__file__).with_name("site")


@lru_cache(maxsize=8)
def site_templates(overrides: Path) -> SiteTemplates:
    """The templates for a series' overrides folder, opened once a process (compiled once)."""
    return SiteTemplates(overrides)


class SiteTemplates:
    def __init__(self, overrides: Path):
        self.overrides = overrides
        loader = jinja2.ChoiceLoader(
            [jinja2.FileSystemLoader(str(overrides)), jinja2.FileSystemLoader(str(DEFAULTS))]
        )
        # the author's sandbox: a series' own page templates are bounded the same way
        self.env = Sandbox(
            loader=loader, autoescape=True, undefined=jinja2.StrictUndefined, trim_blocks=True,
            lstrip_blocks=True,
        )  # fmt: skip

    def render(self, name: str, context: dict[str, Any]) -> str:
        """Raises RenderError naming the template and its line when it cannot be filled."""
        try:
            return self.env.get_template(name).render(context)
        except jinja2.TemplateError as err:
            line = getattr(err, "lineno", None)
            where = f"{name}:{line}" if line else name
            raise RenderError(f"the page template {where} failed: {err}") from None
