"""Validate YAML data against the format's models; every error becomes a located Problem."""

from __future__ import annotations

import difflib
import types
import typing
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from pydantic.fields import FieldInfo

from pipeline.base.errors import EssayError, Problem
from pipeline.script.schema import UNION_TAGS
from pipeline.script.source import KeyPath, Source

M = TypeVar("M", bound=BaseModel)


def validate(model: type[M], source: Source) -> M:
    try:
        return model.model_validate(source.data if source.data is not None else {})
    except ValidationError as err:
        raise EssayError(_problems(model, source, err)) from None


def did_you_mean(word: str, choices: typing.Iterable[str]) -> str:
    close = difflib.get_close_matches(str(word), list(choices), n=1, cutoff=0.6)
    return f"did you mean '{close[0]}'?" if close else ""


def _problems(model: type[BaseModel], source: Source, err: ValidationError) -> list[Problem]:
    found: dict[KeyPath, str] = {}
    for e in err.errors(include_url=False):
        path = _data_path(source.data, e["loc"])
        # A union reports one error per member; the first is the useful one.
        found.setdefault(path, _message(model, e, path))
    # `titel: x` is one mistake: the unknown key explains the missing `title`
    explained = {
        (*path[:-1], message.split("'")[1])
        for path, message in found.items()
        if message.startswith("unknown key; did you mean")
    }
    return [source.problem(p, m) for p, m in found.items() if p not in explained]


def _data_path(data: Any, loc: tuple) -> KeyPath:
    """The error's location as keys of the YAML, without the names pydantic adds for unions."""
    path: list[str | int] = []
    for i, part in enumerate(loc):
        in_list = isinstance(data, list) and isinstance(part, int) and 0 <= part < len(data)
        if in_list or (isinstance(data, dict) and part in data):
            data = data[part]
        elif i < len(loc) - 1 or part in UNION_TAGS or not isinstance(data, dict | None):
            continue  # a union member's name, not a key
        path.append(part)
    return tuple(path)


def _message(model: type[BaseModel], e: dict, path: KeyPath) -> str:
    kind, got = e["type"], e.get("input")
    if kind == "missing" and isinstance(e["loc"][-1], int):
        return "needs two numbers, e.g. [1.0, 1.1]"
    if kind == "missing":
        return "required key is missing; add it"
    if kind == "extra_forbidden":
        allowed = _allowed_keys(model, e["loc"][:-1])
        hint = did_you_mean(path[-1], allowed) or f"allowed keys: {', '.join(allowed)}"
        return f"unknown key; {hint}"
    if kind == "literal_error":
        expected = e["ctx"]["expected"].replace("'", "")
        hint = did_you_mean(str(got), [x.strip() for x in expected.replace(" or ", ",").split(",")])
        return f"got {_show(got)}, expected {expected}" + (f"; {hint}" if hint else "")
    if kind in _EXPECTED:
        return f"expected {_EXPECTED[kind]}, got {_show(got)}"
    if kind in _BOUNDS:
        return f"got {_show(got)}; use a value {_allowed(_field(model, e['loc']), e['ctx'])}"
    if kind == "value_error":
        return str(e["ctx"]["error"])
    if kind == "too_short" and isinstance(got, list | dict) and not got:
        return "must not be empty; add at least one entry"
    if kind == "too_long" and isinstance(got, list):
        return f"needs two numbers, got {len(got)}"
    if kind == "string_pattern_mismatch" and path[-1:] == ("id",):
        return f"got {_show(got)}; use lowercase letters, digits and dashes, e.g. 'the-ending'"
    msg = e["msg"]
    return f"{msg[0].lower()}{msg[1:]}, got {_show(got)}"


_EXPECTED = {
    "int_type": "a whole number",
    "int_parsing": "a whole number",
    "int_from_float": "a whole number",
    "float_type": "a number",
    "float_parsing": "a number",
    "string_type": "text",
    "bool_type": "true or false",
    "bool_parsing": "true or false",
    "list_type": "a list",
    "tuple_type": "a list of two numbers, e.g. [1.0, 1.1]",
    "dict_type": "a mapping of keys to values",
    "model_type": "a mapping of keys to values",
    "model_attributes_type": "a mapping of keys to values",
    "date_type": "a date, YYYY-MM-DD",
    "date_parsing": "a date, YYYY-MM-DD",
    "date_from_datetime_parsing": "a date, YYYY-MM-DD",
    "shot_kind": "a visual with a `still:` image or a `card:` template",
    "finite_number": "a finite number",
}


_BOUNDS = {"greater_than", "greater_than_equal", "less_than", "less_than_equal"}


def _allowed(field: FieldInfo | None, broken: dict[str, Any]) -> str:
    """The range a number must lie in, both ends of it: 'from 0 to 51', 'above 0'."""
    bounds = dict(broken)
    for meta in field.metadata if field else ():
        bounds |= {k: getattr(meta, k) for k in ("ge", "gt", "le", "lt") if hasattr(meta, k)}
    low = f"{bounds['ge']:g}" if "ge" in bounds else None
    high = f"{bounds['le']:g}" if "le" in bounds else None
    if low and high:
        return f"from {low} to {high}"
    below = f"above {bounds['gt']:g}" if "gt" in bounds else (low and f"of {low} or more")
    above = f"below {bounds['lt']:g}" if "lt" in bounds else (
        high and (f"at most {high}" if below else f"of at most {high}"))  # fmt: skip
    return " and ".join(part for part in (below, above) if part)


def _field(model: type[BaseModel], loc: tuple) -> FieldInfo | None:
    """The field of the model that validates the value at `loc`."""
    t = _type_at(model, loc[:-1])
    return t.model_fields.get(loc[-1]) if loc and _is_model(t) else None


def _show(value: Any) -> str:
    text = repr(value) if isinstance(value, str) else str(value)
    if isinstance(value, dict):
        text = "a mapping"
    elif isinstance(value, list):
        text = "a list"
    return text if len(text) <= 40 else text[:37] + "..."


def _allowed_keys(model: type[BaseModel], loc: tuple) -> list[str]:
    """Field names of the model that validates the mapping at `loc`."""
    t = _type_at(model, loc)
    return list(t.model_fields) if _is_model(t) else []


def _type_at(model: type[BaseModel], loc: tuple) -> Any:
    """The type that validates the value at `loc`, or None if none does."""
    t: Any = model
    for part in loc:
        t = _unwrap(t, part)
        if t is None:
            return None
    return _unwrap(t, None)


def _unwrap(t: Any, part: Any) -> Any:
    """One step down the type tree: through Annotated, Optional and unions, then into `part`."""
    while True:
        origin = typing.get_origin(t)
        if origin is typing.Annotated:
            t = typing.get_args(t)[0]
        elif origin in (typing.Union, types.UnionType):
            members = [a for a in typing.get_args(t) if a is not type(None)]
            tagged = [m for m in members if part in UNION_TAGS and _tag(m) == part]
            if tagged:
                return typing.get_args(tagged[0])[0]
            models = [m for m in members if _is_model(_strip(m))]
            t = _strip(models[0]) if models else members[0]
        else:
            break
    if part is None:
        return t
    if _is_model(t):
        field = t.model_fields.get(part)
        return field.annotation if field else None
    if typing.get_origin(t) in (list, tuple):
        return typing.get_args(t)[0]
    if typing.get_origin(t) is dict:
        return typing.get_args(t)[1]
    return None


def _strip(t: Any) -> Any:
    return typing.get_args(t)[0] if typing.get_origin(t) is typing.Annotated else t


def _tag(t: Any) -> str | None:
    if typing.get_origin(t) is typing.Annotated:
        for meta in typing.get_args(t)[1:]:
            tag = getattr(meta, "tag", None)
            if tag:
                return tag
    return None


def _is_model(t: Any) -> bool:
    return isinstance(t, type) and issubclass(t, BaseModel)
