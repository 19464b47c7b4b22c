"""Jinja2 for the author's text and for SVG card templates.

Author text (`"{{ film.title }} ({{ film.year }})"`) is rendered as plain text; card templates
are XML, so everything they insert is escaped. Both run sandboxed with strict undefineds, so
a misspelt name is an error at `essay check`, not a blank on screen.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import jinja2
from jinja2.sandbox import SandboxedEnvironment

from pipeline.script.fonts import Font, TextDoesNotFit, wrap


class TemplateProblem(ValueError):
    """A template could not be filled; `field` names the card field at fault, if one is."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


_text_env = SandboxedEnvironment(undefined=jinja2.StrictUndefined, autoescape=False)


def render_text(text: str, context: Mapping[str, Any]) -> str:
    if "{" not in text:
        return text
    try:
        return _text_env.from_string(text).render(context)
    except jinja2.TemplateSyntaxError as err:
        raise TemplateProblem(f"template syntax error: {err.message}") from None
    except jinja2.UndefinedError as err:
        raise TemplateProblem(
            f"{err.message}; the names you can use: {', '.join(context)}"
        ) from None


class _Fields(dict):
    """Card fields that remember which keys the template asked for."""

    def __init__(self, values: Mapping[str, str]):
        super().__init__(values)
        self.asked: set[str] = set()

    def __getitem__(self, key: str) -> Any:
        self.asked.add(key)
        return super().__getitem__(key)


class CardTemplates:
    def __init__(self, folder: Path, root: Path, fonts: Mapping[str, Font]):
        self.folder = folder
        self.fonts = dict(fonts)
        self.env = SandboxedEnvironment(
            loader=jinja2.FileSystemLoader([str(folder), str(root)]),
            autoescape=True,
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
        )
        # set once, so the environment keeps each template compiled (an overlay a render
        # would compile it again every time); the filter finds the card it fills in its context
        self.env.filters["wrap"] = self._wrap
        self.env.filters["measure"] = self._measure

    def source_of(self, name: str) -> str:
        """Template name as written in YAML ('quote' or 'assets/x.svg') to a loader name."""
        return name if name.endswith(".svg") else f"{name}.svg"

    def names(self) -> list[str]:
        return sorted(p.stem for p in self.folder.glob("*.svg"))

    def render(self, name: str, context: Mapping[str, Any], fields: Mapping[str, str]) -> str:
        card = _Fields(fields)
        try:
            template = self.env.get_template(self.source_of(name))
            svg = template.render({**context, "card": card, "fonts": self.fonts})
        except jinja2.TemplateNotFound:
            raise TemplateProblem(
                f"no template '{name}'; available: {', '.join(self.names())}"
            ) from None
        except jinja2.TemplateSyntaxError as err:
            raise TemplateProblem(f"template {err.filename}:{err.lineno}: {err.message}") from None
        except jinja2.UndefinedError as err:
            missing = sorted(card.asked - set(fields))
            if missing:
                raise TemplateProblem(
                    f"template '{name}' needs the field '{missing[0]}'; add it", missing[0]
                ) from None
            raise TemplateProblem(f"template '{name}': {err.message}") from None
        unused = sorted(set(fields) - card.asked)
        if unused:
            raise TemplateProblem(
                f"template '{name}' does not use this field; it reads: "
                f"{', '.join(sorted(card.asked)) or 'no fields'}",
                unused[0],
            )
        return svg

    def _font(self, name: str) -> Font:
        if name not in self.fonts:
            raise TemplateProblem(f"the template uses a font '{name}' that `fonts` does not name")
        return self.fonts[name]

    def _measure(self, text: Any, font: str, size: float) -> float:
        """Width of `text` in the template's units: `{{ line | measure('sans', 40) }}`."""
        return self._font(font).width(str(text), size)

    @jinja2.pass_context
    def _wrap(
        self, ctx: jinja2.runtime.Context, text: Any, font: str, size: float, width: float,
        lines: int,
    ) -> list[str]:  # fmt: skip
        """`{{ title | wrap('serif', 112, 1500, 3) }}`: lines no wider than `width`."""
        try:
            return wrap(str(text), self._font(font), size, width, lines)
        except TextDoesNotFit as err:
            card = ctx.get("card") or {}
            field = next((k for k, v in card.items() if v == str(text)), None)
            raise TemplateProblem(
                f"text does not fit on the card: {err}; shorten it", field
            ) from None
