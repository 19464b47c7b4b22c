"""The pages' templates: Jinja2, HTML-escaped, the defaults in pipeline/publish/site/, and
any file of the same name in the series' <templates>/site/ taken instead (mkdocs-style)."""

from __future__ import annotations

import contextlib
from functools import lru_cache
from pathlib import Path
from typing import Any

import jinja2
import jinja2.bccache

from pipeline.base.cache import Area
from pipeline.base.errors import RenderError
from pipeline.script.templates import Sandbox

DEFAULTS = Path(__file__).with_name("site")
SITE_ENV_VERSION = 1  # bump when the pages' environment is made with other settings


@lru_cache(maxsize=8)
def site_templates(overrides: Path, compiled: Area | None = None) -> SiteTemplates:
    """The templates for a series' overrides folder, opened once a process; compiled once
    and kept in `compiled` (a cache area), so the next build need not compile them again."""
    return SiteTemplates(overrides, compiled)


class SiteTemplates:
    def __init__(self, overrides: Path, compiled: Area | None = None):
        self.overrides = overrides
        loader = jinja2.ChoiceLoader(
            [jinja2.FileSystemLoader(str(overrides)), jinja2.FileSystemLoader(str(DEFAULTS))]
        )
        # the author's sandbox: a series' own page templates are bounded the same way
        self.env = Sandbox(
            loader=loader, autoescape=True, undefined=jinja2.StrictUndefined, trim_blocks=True,
            lstrip_blocks=True, bytecode_cache=_Compiled(compiled) if compiled else None,
        )  # fmt: skip

    def render(self, name: str, context: dict[str, Any]) -> str:
        """Raises RenderError naming the template and its line when it cannot be filled."""
        try:
            return self.env.get_template(name).render(context)
        except jinja2.TemplateError as err:
            line = getattr(err, "lineno", None)
            where = f"{name}:{line}" if line else name
            raise RenderError(f"the page template {where} failed: {err}") from None


class _Compiled(jinja2.BytecodeCache):
    """Templates compiled by Jinja2, kept in a cache area: compiling the three pages took
    0.09 s of every build. Jinja2 names a template's entry by its name and file, and checks
    its source's checksum and the Python it was compiled by; the name here adds what Jinja2
    leaves out, its own version and this environment's settings (the sandbox's bounds change
    the code it makes)."""

    _TAG = f"site-{jinja2.__version__}-{SITE_ENV_VERSION}"

    def __init__(self, area: Area):
        self.area = area

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        found = self.area.get(f"{bucket.key}-{self._TAG}")
        if found is None:
            return
        with found.open("rb") as f:
            bucket.load_bytecode(f)  # one from another source is dropped by its checksum

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        code = bucket.bytecode_to_string()
        with contextlib.suppress(OSError):  # only a help: the next build compiles again
            self.area.put_file(f"{bucket.key}-{self._TAG}", lambda tmp: tmp.write_bytes(code))
