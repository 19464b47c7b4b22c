"""Kinds of shot, as the script sees them: the key that names one in a shot (`still:`,
`card:`, `clip:`), its YAML model, and how a validated shot becomes the Essay's value.

Each kind is one module of `pipeline/kinds/`, which also says how it is drawn, keyed,
checked, watched and exported (`pipeline/kinds/__init__.py`). Those parts sit above the
script in the layers, so the script reaches them the way a plugin system does: by the
package's name, when first asked, never by an import. That is the one place a lower layer
calls up, and only through the small protocol below.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any, Protocol

from pipeline.script.model import Transition, Visual
from pipeline.script.settings import Model
from pipeline.script.source import KeyPath

PACKAGE = "pipeline.kinds"


class Making(Protocol):
    """What a kind is given to make its value (script/normalise.py's Normaliser)."""

    root: Path

    def file(self, raw: str, key: KeyPath, types: tuple[str, ...]) -> Path | None: ...

    def image_size(self, file: Path, key: KeyPath) -> tuple[int, int] | None: ...

    def text(self, raw: str, key: KeyPath, lines: bool = False) -> str: ...

    def fill(self, name: str, fields: Mapping[str, str], key: KeyPath) -> str | None: ...

    def origin(self, key: KeyPath) -> Any: ...

    def report(self, key: KeyPath, message: str) -> None: ...

    def setting(self, name: str) -> Any: ...


class ShotKind(Protocol):
    tag: str  # the key that names the kind in a shot
    model: type[Model]
    file_keys: frozenset[str]  # its keys that name a file of the project
    heading: str  # its part of docs/essay-format.md ("### A still shot")

    def make(self, shot: Any, key: KeyPath, transition: Transition, making: Making) -> Visual: ...


@cache
def shot_kinds() -> dict[str, ShotKind]:
    """Every kind, by its tag, in the order the format lists them."""
    package = importlib.import_module(PACKAGE)
    return {kind.tag: kind for kind in package.KINDS}


def kind_named(shot: Any) -> ShotKind | None:
    """The kind a shot (its YAML mapping, or a validated model) is of."""
    for kind in shot_kinds().values():
        if isinstance(shot, kind.model) or (isinstance(shot, dict) and kind.tag in shot):
            return kind
    return None


def file_keys() -> frozenset[str]:
    return frozenset().union(*(k.file_keys for k in shot_kinds().values()))
