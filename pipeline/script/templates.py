"""Jinja2 for the author's text and for SVG card templates.

Author text (`"{{ film.title }} ({{ film.year }})"`) is rendered as plain text; card templates
are XML, so everything they insert is escaped. Both run sandboxed with strict undefineds, so
a misspelt name is an error at `essay check`, not a blank on screen. Whatever else goes wrong
while one is filled (a name the sandbox refuses, a division by zero, a filter given the wrong
arguments) is the text's or the template's own mistake, so it is a TemplateProblem with the
line Jinja2 was on, never an exception of the program.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from pathlib import Path
from types import TracebackType
from typing import Any

import jinja2
from jinja2.exceptions import SecurityError
from jinja2.loaders import split_template_path

from pipeline.base.errors import shown
from pipeline.base.files import read_file
from pipeline.script.fonts import Font, TextDoesNotFit, wrap
from pipeline.script.sandbox import TEXT, Bounded, TooBig
from pipeline.script.svg import svg_problem

OVERLAY_TEMPLATE = "caption"  # the card template a still's caption and credit are drawn with

MAX_TEMPLATE_BYTES = 1_000_000  # a card or a page template is a few kilobytes


class TemplateProblem(ValueError):
    """A template could not be filled; `field` names the card field at fault, if one is, and
    `line` the line of the text (or of the template) Jinja2 was on, if it knows."""

    def __init__(self, message: str, field: str | None = None, line: int | None = None):
        super().__init__(message)
        self.field = field
        self.line = line


class Unreadable(jinja2.TemplateError):
    """A template the project may not read: a link that leads out of the project, a FIFO, a
    file of megabytes. The message says which and what to do."""


class ProjectLoader(jinja2.BaseLoader):
    """Templates from folders inside the project, as assets are: a link among them (the
    template, or a folder on its way) may lead anywhere inside the project, and one that
    leads out is refused before anything is read, as is what is not a file of a template's
    size. Every template a template includes or extends is loaded the same way."""

    def __init__(self, folders: list[Path], root: Path):
        self.folders, self.root = folders, root.resolve()

    def get_source(self, environment: jinja2.Environment, template: str) -> tuple[str, str, Any]:
        pieces = split_template_path(template)
        for folder in self.folders:
            candidate = Path(folder, *pieces)
            if not os.path.lexists(candidate):
                continue
            real = self._inside(candidate)
            text = self._read(candidate, real)
            stamp = _stamp(real)
            return text, str(candidate), lambda real=real, stamp=stamp: _stamp(real) == stamp
        raise jinja2.TemplateNotFound(template)

    def _inside(self, candidate: Path) -> Path:
        try:
            real = candidate.resolve(strict=True)
        except (OSError, RuntimeError):  # a loop of links, a link to nothing
            raise Unreadable(f"{shown(candidate)} is a link that leads nowhere; point it at "
                             "a template in the project") from None  # fmt: skip
        if not real.is_relative_to(self.root):
            raise Unreadable(
                f"{shown(candidate)} leads out of the project folder, to {real}; copy the "
                "template into the project instead of linking to it"
            )
        return real

    def _read(self, candidate: Path, real: Path) -> str:
        try:
            data = read_file(real, MAX_TEMPLATE_BYTES)
        except OSError as err:
            raise Unreadable(f"cannot read {shown(candidate)}: {err.strerror}") from None
        if len(data) > MAX_TEMPLATE_BYTES:
            raise Unreadable(f"{shown(candidate)} is over {MAX_TEMPLATE_BYTES:,} bytes, which "
                             "no template needs: is it the right file?")  # fmt: skip
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            raise Unreadable(f"{shown(candidate)} is not UTF-8 text; save it as UTF-8") from None


def _stamp(path: Path) -> tuple[int, int] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return (st.st_mtime_ns, st.st_size)


_text_env = Bounded(undefined=jinja2.StrictUndefined, autoescape=False, limits=TEXT)


def render_text(text: str, context: Mapping[str, Any]) -> str:
    """Raises TemplateProblem, its `line` the line of `text` at fault."""
    if "{" not in text:
        return text
    try:
        return _text_env.render_bounded(_text_env.from_string(text), context)
    except jinja2.TemplateSyntaxError as err:
        raise TemplateProblem(
            f"template syntax error: {_said(err.message)}; check the {{{{ }}}} and {{% %}} here",
            line=err.lineno,
        ) from None
    except jinja2.UndefinedError as err:
        names = ", ".join(context)
        raise TemplateProblem(
            f"{err.message}; the names you can use: {names}", line=_text_line(err)
        ) from None
    except Exception as err:  # raised by the author's expression itself: see the docstring
        reaching = isinstance(err, SecurityError) and not isinstance(err, TooBig)
        fix = _NAMES if reaching else "correct the expression"
        raise TemplateProblem(f"{_failure(err)}; {fix}", line=_text_line(err)) from None


_NAMES = 'a text may use the names of docs/essay-format.md, "Text and Jinja2"'


def _failure(err: Exception) -> str:
    """What went wrong while a template was filled, said as its author would fix it."""
    if isinstance(err, SecurityError):
        return f"refused by the sandbox: {_said(str(err))}"
    if isinstance(err, RecursionError):
        return "the expression runs without end"
    if isinstance(err, MemoryError):
        return "the expression takes more memory than there is"
    return f"the expression fails: {type(err).__name__}: {_said(str(err))}"


def _said(message: str | None) -> str:
    """A message of Jinja2's to go inside a sentence of ours."""
    return (message or "").rstrip(".")


def _frame(tb: TracebackType | None, suffix: str) -> tuple[str, int] | None:
    """The template file (its name ending with `suffix`) and line an error was raised on, the
    innermost: Jinja2 rewrites a traceback so that its frames are the templates' lines."""
    found = None
    while tb is not None:
        if tb.tb_frame.f_code.co_filename.endswith(suffix):
            found = (tb.tb_frame.f_code.co_filename, tb.tb_lineno)
        tb = tb.tb_next
    return found


def _text_line(err: BaseException) -> int | None:
    found = _frame(err.__traceback__, "<template>")
    return found[1] if found else None


class _Fields(dict):
    """Card fields that remember which keys the template asked for."""

    def __init__(self, values: Mapping[str, str]):
        super().__init__(values)
        self.asked: set[str] = set()

    def __getitem__(self, key: str) -> Any:
        self.asked.add(key)
        return super().__getitem__(key)


class _Fonts(dict):
    """The fonts by name, under a type of their own so that Jinja2 names it when one is
    missing ("'..._Fonts object' has no attribute 'sans'")."""


_MISSING = re.compile(r"'[\w.]*(_Fields|_Fonts) object' has no attribute '([^']*)'")


class CardTemplates:
    def __init__(self, folder: Path, root: Path, fonts: Mapping[str, Font]):
        self.folder = folder
        self.fonts = _Fonts(fonts)
        self.env = Bounded(
            loader=ProjectLoader([folder, root], root),
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
        """Raises TemplateProblem."""
        card = _Fields(fields)
        try:
            template = self.env.get_template(self.source_of(name))
            svg = self.env.render_bounded(template, {**context, "card": card, "fonts": self.fonts})
        except TemplateProblem:
            raise  # a filter's, already said
        except Exception as err:  # the template's own mistake: see the module's docstring
            raise self._failed(name, err) from None
        self._all_used(name, card, fields)
        wrong = svg_problem(svg)  # what resvg would refuse, or load from elsewhere
        if wrong:
            raise TemplateProblem(f"template '{name}': {wrong}")
        return svg

    def _failed(self, name: str, err: Exception) -> TemplateProblem:
        if isinstance(err, jinja2.TemplateNotFound):
            return self._not_found(name, err)
        if isinstance(err, Unreadable):
            return TemplateProblem(f"template '{name}': {err.message}")
        if isinstance(err, jinja2.TemplateSyntaxError):
            where = f"{shown(Path(err.filename))}:{err.lineno}" if err.filename else f"'{name}'"
            return TemplateProblem(f"template {where}: {_said(err.message)}; fix the template")
        if isinstance(err, UnicodeDecodeError):
            return TemplateProblem(f"template '{name}' is not UTF-8 text; save it as UTF-8")
        found = _frame(err.__traceback__, ".svg")
        where = f"{shown(Path(found[0]))}:{found[1]}" if found else f"'{name}'"
        if isinstance(err, jinja2.UndefinedError):
            return self._undefined(name, where, err)
        return TemplateProblem(f"template {where}: {_failure(err)}; fix the template")

    def _not_found(self, name: str, err: jinja2.TemplateNotFound) -> TemplateProblem:
        if err.name != self.source_of(name):  # one it includes or extends
            return TemplateProblem(
                f"template '{name}' includes '{err.name}', which is not in "
                f"{shown(self.folder)}; add it, or correct the name"
            )
        return TemplateProblem(f"no template '{name}'; available: {', '.join(self.names())}")

    def _undefined(self, name: str, where: str, err: jinja2.UndefinedError) -> TemplateProblem:
        """A card field the YAML lacks is the YAML's to add; anything else the template's."""
        missing = _MISSING.search(err.message or "")
        if missing and missing.group(1) == "_Fields":
            field = missing.group(2)
            return TemplateProblem(f"template '{name}' needs the field '{field}'; add it", field)
        if missing:
            return self._no_font(f"template {where}", missing.group(2))
        return TemplateProblem(f"template {where}: {_said(err.message)}; fix the template")

    def _no_font(self, template: str, name: str) -> TemplateProblem:
        known = f", or use one of: {', '.join(self.fonts)}" if self.fonts else ""
        return TemplateProblem(
            f"{template} uses a font '{name}' that `fonts` does not name; name it there{known}"
        )

    def _all_used(self, name: str, card: _Fields, fields: Mapping[str, str]) -> None:
        unused = sorted(set(fields) - card.asked)
        if unused:
            raise TemplateProblem(
                f"template '{name}' does not use this field; it reads: "
                f"{', '.join(sorted(card.asked)) or 'no fields'}",
                unused[0],
            )

    def _font(self, name: str) -> Font:
        if name not in self.fonts:
            raise self._no_font("the template", name)
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
