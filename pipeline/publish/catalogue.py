"""What output/ holds of a series: each delivered episode, known by the facts it was
delivered with, newest first. The series' files are made from this, not from the build
that just ran, so they tell the truth about episodes that failed or were not rebuilt."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from pipeline.publish.facts import FACTS_SUFFIX, EpisodeFacts


@dataclass(frozen=True)
class Catalogue:
    output: Path
    episodes: tuple[EpisodeFacts, ...]  # newest first

    def files(self, episode: EpisodeFacts) -> list[Path]:
        """Every file of an episode's folder, by name (hidden ones are a build's own)."""
        folder = self.output / episode.slug
        return sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith("."))

    def path(self, episode: EpisodeFacts, role: str) -> str | None:
        """Where a file of the episode is, relative to output/ (None: it has none)."""
        name = episode.files.get(role)
        return f"{episode.slug}/{name}" if name else None

    def sizes(self) -> dict[str, int]:
        """Bytes of every episode's file, by path relative to output/."""
        return {
            f"{e.slug}/{p.name}": os.stat(p).st_size for e in self.episodes for p in self.files(e)
        }


def read_catalogue(output: Path, slugs: Sequence[str]) -> Catalogue:
    """The episodes among `slugs` that output/ holds a delivery of."""
    found = []
    for slug in slugs:
        try:
            found.append(EpisodeFacts.read(output / slug / f"{slug}{FACTS_SUFFIX}"))
        except (OSError, ValueError, KeyError, TypeError):  # never delivered, or not whole
            continue
    found.sort(key=lambda e: (e.date or "", e.number), reverse=True)
    return Catalogue(output, tuple(found))
