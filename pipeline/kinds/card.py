"""A card: an SVG template of the series filled with the shot's fields (a title, a quote).
It takes a share of its section's time by weight and looks the same at every frame."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import Field

from pipeline.base.errors import Problem
from pipeline.kinds import Drawing, Editorial, Held, Picture
from pipeline.script.kinds import Making
from pipeline.script.model import Origin, OwnSound, Transition
from pipeline.script.settings import MAX_WEIGHT, Model, TransitionSpec
from pipeline.script.source import KeyPath


class CardShot(Model):
    lines = frozenset({"fields"})
    card: str = Field(description="A template in the templates folder by name, or an .svg path.")
    fields: dict[str, str] = Field(default_factory=dict, description="Values the template shows.")
    weight: float = Field(1.0, gt=0, le=MAX_WEIGHT, description="Share of the section's time.")
    transition: TransitionSpec | None = Field(None, description="How the shot comes in.")


@dataclass(frozen=True)
class Card:
    svg: str  # the template rendered with its fields
    weight: float
    transition: Transition
    origin: Origin
    kind: str = "card"
    seconds: None = None
    sound: OwnSound | None = None


class CardKind:
    tag = "card"
    model = CardShot
    file_keys: frozenset[str] = frozenset()
    heading = "### A card shot"

    def make(self, shot: CardShot, key: KeyPath, transition: Transition, making: Making) -> Card:
        given = shot.fields.items()
        fields = {k: making.text(v, (*key, "fields", k), lines=True) for k, v in given}
        svg = making.fill(shot.card, fields, key)
        return Card(svg or "", shot.weight, transition, making.origin(key))

    def files(self, visual: Card) -> tuple[Path, ...]:
        return ()  # its template and fonts are watched as the series' own

    def pixels(self, visual: Card) -> dict[str, Any]:
        return {"card": visual.svg}

    def moves(self, visual: Card) -> bool:
        return False

    def picture(self, visual: Card, drawing: Drawing) -> Picture:
        from pipeline.visuals.cards import card_planes

        def draw(out) -> None:
            planes = card_planes(visual.svg, drawing.fonts, drawing.size)
            for src, dst in zip(planes, out.planes, strict=True):
                dst[...] = src

        return Held(draw)

    def checks(self, visual: Card, frame: tuple[int, int]) -> list[Problem]:
        return []

    def editorial(self, visual: Card, frames: int, fps: float) -> Editorial:
        return Editorial(None, 0.0, {"kind": "card"})  # the export rasterises it


KIND = CardKind()
