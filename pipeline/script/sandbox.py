"""Jinja2's sandbox, bounded: what a template may make and how long it may run.

Jinja2's sandbox keeps a template from reaching into Python, and bounds `range`; nothing
else. A line of the author's text or of a card or page template could still ask for a
string of gigabytes (`'x' * 10**10`, `'%999999999s' % ''`, `'x' | center(10**9)`, a
`~` doubled in a loop) or for work without end (loops inside loops, a macro calling itself
twice), and take the machine with it. Here every value a template makes is bounded in size
(each operator, filter and string method that can make more than it was given is checked
before it runs, and what any of them returns after), and every render in steps (each turn
of a loop and each call of a macro is one), in time, and in the text it puts out. Lists,
dicts and sets cannot be changed in place (`ImmutableSandboxedEnvironment`), so nothing
grows but by these checked operations. docs/essay-format.md, "Limits", says the numbers.
"""

from __future__ import annotations

import functools
import re
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from jinja2 import nodes
from jinja2.compiler import CodeGenerator, Frame
from jinja2.exceptions import SecurityError
from jinja2.sandbox import ImmutableSandboxedEnvironment, SandboxedFormatter
from jinja2.utils import _PassArg, generate_lorem_ipsum

MAX_EXPONENT = 1000  # beyond it `**` makes numbers of thousands of digits
MAX_BITS = 100_000  # the size of a whole number a template may make (some 30,000 digits)


@dataclass(frozen=True)
class Limits:
    """What one render may make and do."""

    length: int  # characters or items of any value it makes
    output: int  # characters it puts out in all
    steps: int  # turns of its loops and calls of its macros
    seconds: float  # its time


# The author's text and the cards: a card holds a few hundred characters, a text a few
# thousand. The pages: an hour's transcript and cues as JSON are some hundreds of kilobytes.
TEXT = Limits(length=100_000, output=1_000_000, steps=200_000, seconds=2.0)
PAGES = Limits(length=10_000_000, output=20_000_000, steps=2_000_000, seconds=20.0)


class TooBig(SecurityError):
    """What the sandbox refuses for its size or its time, not for what it reaches."""


class Bounded(ImmutableSandboxedEnvironment):
    """The sandbox every template of the project runs in, within `limits`."""

    intercepted_binops = frozenset({"*", "**", "%", "+"})

    def __init__(self, *args: Any, limits: Limits = TEXT, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.limits = limits
        self.code_generator_class = _CountingCode
        self.filters = {name: self._bounded(name, f) for name, f in self.filters.items()}
        self.globals["lipsum"] = self._lipsum

    # -- rendering
    def render_bounded(self, template: Any, context: dict[str, Any]) -> str:
        """`template` filled with `context` within the limits. Raises TooBig, or whatever
        the template's own expressions raise."""
        with _budget(self.limits):
            out, size = [], 0
            for piece in template.generate(context):
                size += len(piece)
                if size > self.limits.output:
                    raise TooBig(f"it puts out more than {self.limits.output:,} characters")
                out.append(piece)
            return "".join(out)

    # -- what the generated code calls
    def tick(self) -> None:
        budget = getattr(_BUDGET, "current", None)
        if budget is not None:  # None: outside a render (Jinja2 folding constants)
            budget.tick()

    def counted(self, items: Iterable[Any]) -> Iterator[Any]:
        """A loop's items, each one step: a loop with a filter (`if`) counts every item."""
        for item in items:
            self.tick()
            yield item

    def joined(self, join: Callable[[Iterable[Any]], str], parts: tuple[Any, ...]) -> str:
        """`~`: what the parts make is checked before it is made."""
        self._fits(sum(_size(p, self.limits.length) for p in parts), "~")
        return join(parts)

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        if operator == "**" and _huge_power(left, right):
            raise TooBig(f"** with an exponent over {MAX_EXPONENT} is refused")
        self._fits(_binop_size(operator, left, right, self.limits.length), operator)
        return self._after(super().call_binop(context, operator, left, right), operator)

    def wrap_str_format(self, value: Any) -> Callable[..., str] | None:
        """A string's methods that make more than they are given, bounded like the filters;
        `format` through a formatter that bounds each field's width."""
        name = getattr(value, "__name__", "")
        owner = getattr(value, "__self__", None)
        if not isinstance(owner, str):
            return None
        if name in ("format", "format_map"):  # its fields' widths bounded by the formatter
            return self._bounded(f"str.{name}()", _format_method(self, owner, name))
        if name in _STRING_GROWS:
            return self._bounded(f"str.{name}", value, method=True)
        return None

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        # dict.fromkeys makes a mapping of any size from one value: no template needs it
        return attr not in ("fromkeys", "translate", "maketrans") and super().is_safe_attribute(
            obj, attr, value
        )

    # -- the checks
    def _bounded(self, name: str, f: Callable, method: bool = False) -> Callable:
        """`f` (a filter, a string's method) checked before (from its arguments) and after
        (its result) it runs."""
        skip = 0 if method else (1 if _PassArg.from_obj(f) else 0)

        @functools.wraps(f)
        def bounded(*args: Any, **kwargs: Any) -> Any:
            if name.endswith("join"):  # what it joins, made a list first to be measured
                at = skip if not method else 0
                args = (*args[:at], _listed(args[at]), *args[at + 1 :]) if len(args) > at else args
            given = args[skip:]
            if method:
                given = (f.__self__, *given)
            self._fits(_call_size(name.removeprefix("str."), given, kwargs, self.limits), name)
            return self._after(f(*args, **kwargs), name)

        return bounded

    def _lipsum(self, n: int = 5, html: bool = True, min: int = 20, max: int = 100) -> str:
        self._fits(abs(n) * abs(max) * 12, "lipsum")  # a word and its space: 12 at most
        return generate_lorem_ipsum(n, html, min, max)

    def _fits(self, size: int, what: str) -> None:
        if size > self.limits.length:
            raise TooBig(f"the result of {what} would be over {self.limits.length:,} long")

    def _after(self, result: Any, what: str) -> Any:
        self._fits(_size(result, self.limits.length), what)
        return result


# -- the budget of one render (per thread: pages and cards render on several)
_BUDGET = threading.local()


class _Budget:
    def __init__(self, limits: Limits):
        self.steps, self.limits = limits.steps, limits
        self.deadline = time.monotonic() + limits.seconds

    def tick(self) -> None:
        self.steps -= 1
        if self.steps < 0:
            raise TooBig(f"the template runs more than {self.limits.steps:,} steps of its loops")
        if self.steps % 256 == 0 and time.monotonic() > self.deadline:
            raise TooBig(f"the template runs longer than {self.limits.seconds:g} s")


@contextmanager
def _budget(limits: Limits) -> Iterator[None]:
    outer = getattr(_BUDGET, "current", None)
    _BUDGET.current = outer or _Budget(limits)  # an include renders within its includer's
    try:
        yield
    finally:
        _BUDGET.current = outer


class _CountingCode(CodeGenerator):
    """Jinja2's code generator, with each turn of a loop and each call of a macro counted
    against the render's budget, and `~` made through the environment's check."""

    def visit_For(self, node: nodes.For, frame: Frame) -> None:
        counted = nodes.Call(_env("counted"), [node.iter], [], None, None, lineno=node.lineno)
        body = [_tick(node.lineno), *node.body]  # a recursive loop's calls count too
        node = nodes.For(node.target, counted, body, node.else_, node.test, node.recursive,
                         lineno=node.lineno)  # fmt: skip
        super().visit_For(node, frame)

    def visit_Macro(self, node: nodes.Macro, frame: Frame) -> None:
        node = nodes.Macro(node.name, node.args, node.defaults, [_tick(node.lineno), *node.body],
                           lineno=node.lineno)  # fmt: skip
        super().visit_Macro(node, frame)

    def visit_CallBlock(self, node: nodes.CallBlock, frame: Frame) -> None:
        body = [_tick(node.lineno), *node.body]
        node = nodes.CallBlock(node.call, node.args, node.defaults, body, lineno=node.lineno)
        super().visit_CallBlock(node, frame)

    def visit_Concat(self, node: nodes.Concat, frame: Frame) -> None:
        if frame.eval_ctx.volatile:
            join = "(markup_join if context.eval_ctx.volatile else str_join)"
        else:
            join = "markup_join" if frame.eval_ctx.autoescape else "str_join"
        self.write(f"environment.joined({join}, (")
        for arg in node.nodes:
            self.visit(arg, frame)
            self.write(", ")
        self.write("))")


def _env(name: str) -> nodes.EnvironmentAttribute:
    return nodes.EnvironmentAttribute(name)


def _tick(lineno: int) -> nodes.ExprStmt:
    return nodes.ExprStmt(nodes.Call(_env("tick"), [], [], None, None), lineno=lineno)


# -- sizes
def _size(value: Any, limit: int) -> int:
    """Characters or items `value` stands for, its items' own counted (stops past `limit`):
    a string its length, a list the sizes of its items, a number or anything else 1."""
    if isinstance(value, str | bytes):
        return len(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return 1 + value.bit_length() // 64
    if not isinstance(value, _CONTAINERS):
        return 1
    total, pending = 0, [value]
    while pending and total <= limit:
        items = pending.pop()
        for item in (*items, *items.values()) if isinstance(items, dict) else items:
            if isinstance(item, _CONTAINERS):
                pending.append(item)
                total += 1
            else:
                total += _size(item, limit)
            if total > limit:
                break
    return total


_CONTAINERS = (list, tuple, set, frozenset, dict)


def _binop_size(operator: str, left: Any, right: Any, limit: int) -> int:
    """What `left operator right` would make, before it is made."""
    if all(isinstance(x, int) and not isinstance(x, bool) for x in (left, right)):
        if operator == "*":
            bits = left.bit_length() + right.bit_length()
        elif operator == "**":
            bits = left.bit_length() * right if abs(left) > 1 else 0
        else:
            bits = 0
        return limit + 1 if bits > MAX_BITS else 0
    if operator == "*":
        for seq, count in ((left, right), (right, left)):
            if isinstance(seq, str | list | tuple) and isinstance(count, int):
                return _size(seq, limit) * max(count, 0)
        return 0
    if operator == "+":
        return _size(left, limit) + _size(right, limit)
    if operator == "%" and isinstance(left, str):
        return _percent_size(left, right, limit)
    return 0


def _huge_power(base: Any, exponent: Any) -> bool:
    numbers = all(isinstance(x, int | float) for x in (base, exponent))
    return numbers and abs(exponent) > MAX_EXPONENT and abs(base) > 1


_CONVERSION = re.compile(r"%(?:\([^)]*\))?[#0\- +]*(\*|\d+)?(?:\.(\*|\d+))?[hlL]?(.)")


def _percent_size(fmt: str, args: Any, limit: int) -> int:
    """What `fmt % args` makes at most: its own text, each field's width or precision, and
    the values put in (a `*` width is read from the values: bounded as they are)."""
    widths = 0
    for width, precision, _ in _CONVERSION.findall(fmt):
        for number in (width, precision):
            if number == "*":
                numbers = args if isinstance(args, tuple) else (args,)
                widths += max((abs(a) for a in numbers if isinstance(a, int)), default=0)
            elif number:
                widths += int(number) if len(number) < 10 else limit + 1
    return len(fmt) + widths + _size(args, limit)


# filters and string methods that can make more than they are given, and how much at most
_STRING_GROWS = frozenset({"center", "ljust", "rjust", "zfill", "expandtabs", "replace", "join"})
# those whose whole-number arguments are widths or counts of what they make
_COUNTED = _STRING_GROWS | {"indent", "wordwrap", "truncate", "batch", "slice", "format"}


def _call_size(name: str, given: tuple, kwargs: dict, limits: Limits) -> int:
    """What a call of filter or method `name` with these arguments makes at most; a width
    or a count among its arguments past the limit is refused."""
    limit = limits.length
    numbers = [a for a in (*given[1:], *kwargs.values()) if isinstance(a, int)]
    widths = name in _COUNTED and any(abs(n) > limit for n in numbers if not isinstance(n, bool))
    if widths:
        return limit + 1
    value = given[0] if given else None
    size = _size(value, limit)
    args = [*given[1:], *kwargs.values()]
    if name in ("indent",) and args:
        lines = str(value).count("\n") + 1
        width = args[0] if isinstance(args[0], int) else len(str(args[0]))
        return size + lines * width
    if name == "replace" and len(args) >= 2:
        old, new = str(args[0]), str(args[1])
        times = str(value).count(old) if old else len(str(value)) + 1
        return size + times * len(new)
    if name == "join":
        sep = args[0] if args and isinstance(args[0], str) else ""
        if isinstance(value, str):  # `sep.join(items)`: the method
            value, sep = args[0] if args else (), value
        items = value if isinstance(value, _CONTAINERS) else ()
        return _size(items, limit) + len(sep) * len(items)
    if name == "wordwrap":
        wrap = kwargs.get("wrapstring") or (args[2] if len(args) > 2 else None) or "\n"
        width = args[0] if args and isinstance(args[0], int) else 79
        return size + (size // max(width, 1) + 1) * len(str(wrap))
    if name == "expandtabs":
        tab = args[0] if args and isinstance(args[0], int) else 8
        return size + str(value).count("\t") * max(tab, 0)
    if name == "format":
        return _percent_size(str(value), tuple(args), limit)
    if name in ("batch", "slice") and len(args) > 1:  # filled up with a value each
        return size + (abs(args[0]) if isinstance(args[0], int) else 0) * _size(args[1], limit)
    return 0


def _listed(items: Any) -> Any:
    """An iterable's items as a list (a string, a mapping or a list stays as it is)."""
    if isinstance(items, str | bytes | dict | list | tuple) or not hasattr(items, "__iter__"):
        return items
    return list(items)


class _BoundedFormatter(SandboxedFormatter):
    """`'{:>10}'.format(x)` in the sandbox, each field's width and precision bounded."""

    def __init__(self, env: Bounded):
        super().__init__(env)
        self.limit = env.limits.length

    def format_field(self, value: Any, format_spec: str) -> Any:
        if any(len(n) > 9 or int(n) > self.limit for n in re.findall(r"\d+", format_spec)):
            raise TooBig(f"a format field wider than {self.limit:,} characters")
        return super().format_field(value, format_spec)


def _format_method(env: Bounded, owner: str, name: str) -> Callable[..., str]:
    formatter = _BoundedFormatter(env)

    def format(*args: Any, **kwargs: Any) -> str:
        if name == "format_map":
            (kwargs,), args = args, ()
        return formatter.vformat(owner, args, kwargs)

    return format
