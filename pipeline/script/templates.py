"""Jinja2 for the author's text and for SVG card templates.

Author text (`"{{ film.title }} ({{ film.year }})"`) is rendered as plain text; card templates
are XML, so everything they insert is escaped. Both run sandboxed with strict undefineds, so
a misspelt name is an error at `essay check`, not a blank on screen. Whatever else goes wrong
while one is filled (a name the sandbox refuses, a division by zero, a filter given the wrong
arguments) is the text's or the template's own mistake, so it is a TemplateProblem with the
line Jinja2 was on, never an exception of the program.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from types import TracebackType
from typing import Any

import jinja2
from jinja2.exceptions import SecurityError
from jinja2.sandbox import SandboxedEnvironment

from pipeline.base.errors import shown
from pipeline.script.fonts import Font, TextDoesNotFit, wrap

MAX_LENGTH = 100_000  # characters or items a `*` may make; a card holds a few hundred
MAX_EXPONENT = 1000  # beyond it `**` makes numbers of thousands of digits


class TemplateProblem(ValueError):
    """A template could not be filled; `field` names the card field at fault, if one is, and
    `line` the line of the text (or of the template) Jinja2 was on, if it knows."""

    def __init__(self, message: str, field: str | None = None, line: int | None = None):
        super().__init__(message)
        self.field = field
        self.line = line


class _TooBig(SecurityError):
    """What the sandbox refuses for its size, not for what it reaches."""


class Sandbox(SandboxedEnvironment):
    """Jinja2's sandbox, which only bounds `range`, also bounding what `*` and `**` make: a
    text repeated 10**10 times would take the machine's memory before anything could fail."""

    intercepted_binops = frozenset({"*", "**"})

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        if operator == "*" and _repeated_length(left, right) > MAX_LENGTH:
            raise _TooBig(f"the result of * would be over {MAX_LENGTH:,} long")
        if operator == "**" and _huge_power(left, right):
            raise _TooBig(f"** with an exponent over {MAX_EXPONENT} is refused")
        return super().call_binop(context, operator, left, right)


def _repeated_length(left: Any, right: Any) -> int:
    for seq, count in ((left, right), (right, left)):
        if isinstance(seq, str | list | tuple) and isinstance(count, int):
            return len(seq) * count
    return 0


def _huge_power(base: Any, exponent: Any) -> bool:
    numbers = all(isinstance(x, int | float) for x in (base, exponent))
    return numbers and abs(exponent) > MAX_EXPONENT and abs(base) > 1


_text_env = Sandbox(undefined=jinja2.StrictUndefined, autoescape=False)


def render_text(text: str, context: Mapping[str, Any]) -> str:
    """Raises TemplateProblem, its `line` the line of `text` at fault."""
    if "{" not in text:
        return text
    try:
        return _text_env.from_string(text).render(context)
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
        reaching = isinstance(err, SecurityError) and not isinstance(err, _TooBig)
        fix = _NAMES if reaching else "correct the expression"
        raise TemplateProblem(f"{_failure(err)}; {fix}", line=_text_line(err)) from None


_NAMES = 'a text may use the names of docs/essay-format.md, "Text and Jinja2"'


def _failure(err: Exception) -> str:
    """What went wrong while a template was filled, said as its author would fix it."""
    if isinstance(err, SecurityError):
        return f"refused by the sandbox: {_said(str(err))}"
    if isinstance(err, RecursionError | MemoryError):
        return "the expression runs without end"
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
        self.env = Sandbox(
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
        """Raises TemplateProblem."""
        card = _Fields(fields)
        try:
            template = self.env.get_template(self.source_of(name))
            svg = template.render({**context, "card": card, "fonts": self.fonts})
        except TemplateProblem:
            raise  # a filter's, already said
        except Exception as err:  # the template's own mistake: see the module's docstring
            raise self._failed(name, err) from None
        self._all_used(name, card, fields)
        return svg

    def _failed(self, name: str, err: Exception) -> TemplateProblem:
        if isinstance(err, jinja2.TemplateNotFound):
            return self._not_found(name, err)
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
