"""YAML files read into plain data, keeping where every key and value was written.

A script is small text, so what is not (a binary file, another encoding, a file of megabytes,
aliases that multiply a few lines into millions of values) is refused before it is parsed or
expanded, each with the line it was found on.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml._yaml import CParser
from yaml.composer import Composer
from yaml.constructor import SafeConstructor
from yaml.resolver import Resolver

from pipeline.base.characters import one_line
from pipeline.base.errors import EssayError, Problem
from pipeline.base.files import NotAFile, open_file

KeyPath = tuple[str | int, ...]

MAX_BYTES = 1_000_000  # a script is a few kilobytes; docs/essay-format.md, "Limits"
MAX_VALUES = 100_000  # values a file may stand for once its aliases are expanded
MAX_DEPTH = 50  # levels of nesting; the format needs fewer than ten
WHOLE_FILE = "(file)"  # the key of a problem with the file as a whole
_MERGE = "tag:yaml.org,2002:merge"
_PLAIN_COLLECTIONS = ("tag:yaml.org,2002:map", "tag:yaml.org,2002:seq")
_KINDS = {"tag:yaml.org,2002:timestamp": "date"}
_SURROGATE = re.compile("[\ud800-\udfff]")
_PLAIN_KEY = re.compile(r"[\w-]+")


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
    literal: set[KeyPath] = field(default_factory=set)  # text written as a `|` block

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
            message=one_line(message),
            warning=warning,
        )

    def problem_in_text(self, path: KeyPath, message: str, line: int | None) -> Problem:
        """A problem on line `line` of the text at `path` (a template's error, say): on its own
        line of the file when the text is a `|` block, where every line is one of the file's."""
        found, start = self.problem(path, message), self.values.get(path)
        if not line:
            return found
        if path in self.literal and start:
            return Problem(start.file, start.line + line, None, found.key, found.message)
        if line > 1:  # folded or quoted: its lines are not the file's
            message = f"{found.message} (line {line} of the text)"
            return Problem(found.file, found.line, found.col, found.key, message)
        return found


def key_name(path: KeyPath) -> str:
    """('sections', 2, 'narration') -> 'sections[2].narration'; a key that is not a word is
    quoted, its line breaks escaped: ('x y', 'z') -> "'x y'.z"."""
    out = ""
    for part in path:
        if isinstance(part, str) and not _PLAIN_KEY.fullmatch(part):
            part = one_line(repr(part))
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out or WHOLE_FILE


def read_yaml(file: Path) -> Source:
    """Raises EssayError naming every problem found, each where it was written."""
    text = _text(file)
    try:
        source, problems = _read(_FastLoader(text, file), file)
    except yaml.YAMLError:
        source, problems = _read(_Loader(text, file), file, text)
    if problems:
        raise EssayError(problems)
    return source


def _read(loader: _Guards, file: Path, text: str | None = None) -> tuple[Source, list[Problem]]:
    """Raises YAMLError, or (given the text) EssayError saying it."""
    try:
        return _Builder(file, loader).source()
    except yaml.YAMLError as err:
        if text is None:
            raise
        raise EssayError([_yaml_problem(file, text, err)]) from None
    finally:
        loader.dispose()


def _text(file: Path) -> str:
    """The file's text, if it is UTF-8 text of a script's size."""
    try:
        with open_file(file) as f:  # a FIFO or a device is refused before it is read
            data = f.read(MAX_BYTES + 1)
            size = os.fstat(f.fileno()).st_size
    except FileNotFoundError:
        raise _whole(file, "file not found") from None
    except NotAFile as err:
        raise _whole(file, f"{err.strerror}; a script is a YAML text file") from None
    except OSError as err:
        raise _whole(file, f"cannot read it: {err.strerror or err}") from None
    if len(data) > MAX_BYTES:
        raise _whole(file, (
            f"the file is {max(size, len(data)):,} bytes, over the limit of {MAX_BYTES:,} bytes "
            "for a YAML file; a script is a few kilobytes of text: is it the right file?"
        ), line=1)  # fmt: skip
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise _whole(file, "the file is saved as UTF-16; save it as UTF-8", line=1)
    if b"\x00" in data:
        raise _at(file, data, data.index(b"\x00"), (
            "not a text file: it holds NUL bytes, as images, audio and other binary files do; "
            "an episode is YAML text saved as UTF-8"
        ))  # fmt: skip
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as err:
        raise _at(file, data, err.start, (
            f"not UTF-8 text: the byte 0x{data[err.start]:02x} here is not UTF-8 (the file may be "
            "saved as Latin-1 or Windows-1252); save it as UTF-8"
        )) from None  # fmt: skip


def _whole(file: Path, message: str, line: int | None = None) -> EssayError:
    return EssayError([Problem(file, line, None, WHOLE_FILE, message)])


def _at(file: Path, data: bytes, offset: int, message: str) -> EssayError:
    """A problem at byte `offset` of the file, by line and (character) column."""
    start = data.rfind(b"\n", 0, offset) + 1
    col = len(data[start:offset].decode("utf-8", "replace")) + 1
    return EssayError([Problem(file, data.count(b"\n", 0, offset) + 1, col, WHOLE_FILE, message)])


class _Refused(yaml.MarkedYAMLError):
    """What PyYAML would read, but a script should not hold; `problem` ends with the fix."""


class _Guards:
    """What a loader refuses that would make a small file huge or deep: aliases that multiply
    (a "billion laughs"), and nesting beyond any script's, which PyYAML would follow until
    Python's recursion limit. It also keeps the keys it is composing, so that a syntax error
    can say where in the format it was."""

    def _guard(self) -> None:
        self.at: list[str | int | None] = []  # the keys and indexes being composed
        self.sizes: dict[int, int] = {}  # the values each node stands for, aliases expanded

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node:
        if len(self.at) >= MAX_DEPTH:
            deep = _Refused(problem=(
                f"nested more than {MAX_DEPTH} levels deep, where the format needs fewer than ten; "
                "look for a bracket that is never closed"
            ), problem_mark=self.peek_event().start_mark)  # fmt: skip
            _locate(deep, self.where()[:1])  # the key it is under: its full path is as long
            raise deep
        self.at.append(index.value if isinstance(index, yaml.ScalarNode) else index)
        try:
            node = super().compose_node(parent, index)  # type: ignore[misc]
            self._count(node)
        except yaml.YAMLError as err:
            _locate(err, self.where())
            raise
        finally:
            self.at.pop()
        return node

    def _count(self, node: yaml.Node) -> None:
        if id(node) in self.sizes:  # an alias: the node it names is counted again by its parent
            return
        children = node.value if isinstance(node, yaml.CollectionNode) else []
        if isinstance(node, yaml.MappingNode):
            children = [n for pair in children for n in pair]
        self.sizes[id(node)] = size = 1 + sum(self.sizes.get(id(n), 1) for n in children)
        if size > MAX_VALUES:
            raise _Refused(problem=(
                f"its aliases (*name) expand this to more than {MAX_VALUES:,} values, which no "
                "script needs; write the values out, or alias each value once"
            ), problem_mark=node.start_mark)  # fmt: skip

    def where(self) -> KeyPath:
        return tuple(p for p in self.at if isinstance(p, str | int))


class _Loader(_Guards, yaml.SafeLoader):
    """PyYAML's own: what it says of a file it cannot read is what the problems quote."""

    def __init__(self, text: str, file: Path):
        self._guard()
        try:
            super().__init__(text)
        except yaml.YAMLError as err:  # the reader looks at every character at once
            raise EssayError([_yaml_problem(file, text, err)]) from None


class _FastLoader(_Guards, Composer, CParser, SafeConstructor, Resolver):
    """libyaml's scanner and parser under the same composer and guards: a tenth of the
    time (a no-op build of a hundred episodes spent a fifth of itself reading YAML). A file
    it cannot read is read again by _Loader, for PyYAML's own account of why."""

    def __init__(self, text: str, file: Path):
        self._guard()
        _Loader(text, file).dispose()  # its reader's check of every character, and nothing else
        CParser.__init__(self, text)
        Composer.__init__(self)
        SafeConstructor.__init__(self)
        Resolver.__init__(self)


@dataclass
class _Builder:
    """The composed document made into plain data, each key and value marked."""

    file: Path
    loader: _Guards
    problems: list[Problem] = field(default_factory=list)
    own: dict[int, set[int]] = field(default_factory=dict)  # each mapping's own key nodes
    built: Source = field(init=False)

    def __post_init__(self) -> None:
        # marked at its start even when empty: an empty file's problems are its own
        self.built = Source(None, {(): Mark(self.file, 1, 1)}, {})

    def source(self) -> tuple[Source, list[Problem]]:
        node = self.loader.get_single_node()
        if node is not None:
            self.built.data = self.value(node, ())
        return self.built, self.problems

    def value(self, node: yaml.Node, path: KeyPath) -> Any:
        self.built.values[path] = _mark(node, self.file)
        if isinstance(node, yaml.CollectionNode) and node.tag not in _PLAIN_COLLECTIONS:
            # a scalar's tag is refused by its constructor; a mapping's would pass unread
            err = _Refused(problem=(
                f"YAML tag not allowed: {node.tag}; remove the `!tag` and write a plain "
                "mapping or list"
            ), problem_mark=node.start_mark)  # fmt: skip
            _locate(err, path)
            raise err
        try:
            if isinstance(node, yaml.MappingNode):
                return self.mapping(node, path)
            if isinstance(node, yaml.SequenceNode):
                return [self.value(n, (*path, i)) for i, n in enumerate(node.value)]
            if node.style == "|":
                self.built.literal.add(path)
            return self.scalar(node)
        except yaml.YAMLError as err:
            _locate(err, path)
            raise

    def mapping(self, node: yaml.MappingNode, path: KeyPath) -> dict:
        own = self.own.setdefault(id(node), {id(k) for k, _ in node.value if k.tag != _MERGE})
        self.loader.flatten_mapping(node)  # resolves `<<` merge keys, ahead of the node's own
        out: dict[Any, Any] = {}
        written: set[Any] = set()
        for key_node, value_node in node.value:
            key = self.key(key_node)
            if id(key_node) in own:
                if key in written:
                    self.problems.append(Problem(
                        self.file, key_node.start_mark.line + 1, key_node.start_mark.column + 1,
                        key_name((*path, key)), "duplicate key; keep one of the two",
                    ))  # fmt: skip
                written.add(key)
            self.built.keys[(*path, key)] = _mark(key_node, self.file)
            out[key] = self.value(value_node, (*path, key))
        return out

    def key(self, node: yaml.Node) -> str:
        """A key as text: as written, when YAML would make it a number, a date, true or null
        (`yes:`, `1:`, `~:`), so that a problem names it as the author wrote it."""
        if isinstance(node, yaml.ScalarNode):
            return _characters(node, node.value)
        return str(self.scalar(node))

    def scalar(self, node: yaml.Node) -> Any:
        try:
            value = self.loader.construct_object(node, deep=True)
        except (ValueError, OverflowError) as err:  # a date that is no date: `2026-13-45`
            kind = _KINDS.get(node.tag, node.tag.rsplit(":", 1)[-1])
            raise _Refused(
                problem=f"{node.value!r} is not a valid {kind}: {err}; correct it, or quote it "
                "to make it text",
                problem_mark=node.start_mark,
            ) from None
        return _characters(node, value)


def _characters(node: yaml.Node, value: Any) -> Any:
    """`value`, unless it is text no file can hold: `"\\ud800"` makes half a UTF-16 pair."""
    if isinstance(value, str) and _SURROGATE.search(value):
        raise _Refused(problem=(
            "a `\\u` escape here names half of a UTF-16 pair, not a character; write the "
            "character itself"
        ), problem_mark=node.start_mark)  # fmt: skip
    return value


def _locate(err: yaml.YAMLError, path: KeyPath) -> None:
    """Let `err` know the innermost key it was raised in (where the parser or loader was)."""
    if not hasattr(err, "path"):
        err.path = path  # type: ignore[attr-defined]


def _mark(node: yaml.Node, file: Path) -> Mark:
    return Mark(file, node.start_mark.line + 1, node.start_mark.column + 1)


def _yaml_problem(file: Path, text: str, err: yaml.YAMLError) -> Problem:
    """PyYAML's error as a located problem, ending with the fix."""
    if isinstance(err, yaml.reader.ReaderError):
        line = text.count("\n", 0, err.position) + 1
        col = err.position - text.rfind("\n", 0, err.position)
        return Problem(file, line, col, WHOLE_FILE, (
            f"the character U+{err.character:04X} is not allowed in YAML; delete it (most "
            "editors do not show it)"
        ))  # fmt: skip
    mark = getattr(err, "problem_mark", None) or getattr(err, "context_mark", None)
    key = key_name(getattr(err, "path", ()))
    line, col = (mark.line + 1, mark.column + 1) if mark else (None, None)
    return Problem(file, line, col, key, _fix(err))


def _fix(err: yaml.YAMLError) -> str:
    what = getattr(err, "problem", None) or "invalid YAML"
    if isinstance(err, _Refused):
        return what
    if "another document" in what:
        return "a second YAML document (`---`) begins here; a file holds one: remove it"
    if "constructor for the tag" in what:
        return f"YAML tag not allowed: {what}; remove the `!tag` and write a plain value"
    if "merging" in what:
        return f"{what}; `<<: *name` merges a mapping written `&name {{...}}`"
    if "alias" in what or "anchor" in what:
        return f"{what}; write `&name` on a value before using it as `*name`, once per name"
    return f"YAML syntax error: {what}; check indentation, quoting and colons here"


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
        (base.literal - override.values.keys()) | override.literal,
    )
