"""YAML files read into plain data, keeping where every key and value was written."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from pipeline.base.errors import EssayError, Problem

KeyPath = tuple[str | int, ...]


@dataclass(frozen=True)
class Mark:
    file: Path
    line: int  # 1-based
    col: int  # 1-based


@dataclass
class Source:
    """Plain data (dicts, lists, scalars) plus the mark of each value and of each key."""

    data: Any
    values: dict[KeyPath, Mark]
    keys: dict[KeyPath, Mark]

    def mark(self, path: KeyPath) -> Mark | None:
        """Where `path` was written; falls back to its closest written ancestor."""
        for n in range(len(path), -1, -1):
            found = self.keys.get(path[:n]) or self.values.get(path[:n])
            if found:
                return found
        return None

    def problem(self, path: KeyPath, message: str, *, warning: bool = False) -> Problem:
        mark = self.mark(path)
        return Problem(
            file=mark.file if mark else None,
            line=mark.line if mark else None,
            col=mark.col if mark else None,
            key=key_name(path),
            message=message,
            warning=warning,
        )


def key_name(path: KeyPath) -> str:
    """('sections', 2, 'narration') -> 'sections[2].narration'"""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out


def read_yaml(file: Path) -> Source:
    try:
        text = file.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise EssayError([Problem(file, None, None, "", "file not found")]) from None
    except (OSError, UnicodeDecodeError) as err:
        reason = getattr(err, "strerror", None) or str(err)
        raise EssayError([Problem(file, None, None, "", f"cannot read: {reason}")]) from None
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        source = Source(None, {}, {})
        problems: list[Problem] = []
        if node is not None:
            source.data = _build(node, (), file, loader, source, problems)
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        what = err.problem or "invalid YAML"
        raise EssayError(
            [
                Problem(
                    file,
                    mark.line + 1 if mark else None,
                    mark.column + 1 if mark else None,
                    "",
                    f"YAML syntax error: {what}; check indentation, quoting and colons here",
                )
            ]
        ) from None
    finally:
        loader.dispose()
    if problems:
        raise EssayError(problems)
    return source


def _mark(node: yaml.Node, file: Path) -> Mark:
    return Mark(file, node.start_mark.line + 1, node.start_mark.column + 1)


def _build(node, path, file, loader, source, problems) -> Any:
    source.values[path] = _mark(node, file)
    if isinstance(node, yaml.MappingNode):
        loader.flatten_mapping(node)  # resolves `<<` merge keys
        out: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = loader.construct_object(key_node, deep=True)
            if not isinstance(key, str | int):
                key = str(key)
            if key in out:
                problems.append(
                    Problem(
                        file,
                        key_node.start_mark.line + 1,
                        key_node.start_mark.column + 1,
                        key_name((*path, key)),
                        "duplicate key; keep one of the two",
                    )
                )
            source.keys[(*path, key)] = _mark(key_node, file)
            out[key] = _build(value_node, (*path, key), file, loader, source, problems)
        return out
    if isinstance(node, yaml.SequenceNode):
        return [
            _build(n, (*path, i), file, loader, source, problems) for i, n in enumerate(node.value)
        ]
    return loader.construct_object(node, deep=True)


def merge(base: Source, override: Source) -> Source:
    """Deep-merge two files: mappings merge key by key, anything else is replaced.

    Marks are merged the same way; a mark left over from a replaced base value can only
    name a path that no longer exists, so it is never looked up.
    """

    def walk(a: Any, b: Any) -> Any:
        if isinstance(a, dict) and isinstance(b, dict):
            return {**a, **{k: walk(a[k], v) if k in a else v for k, v in b.items()}}
        return b

    return Source(
        walk(base.data or {}, override.data or {}),
        {**base.values, **override.values},
        {**base.keys, **override.keys},
    )
