"""What a delivered episode is, as the series' files read it.

Each episode's folder holds `<slug>.episode.json` beside its files, written with them, so
the series' index, feed and manifest describe what is in output/ whichever build put it
there: an episode that fails to build keeps its last delivery, and the series files still
tell the truth about it.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import asdict, dataclass, field
from pathlib import Path

from pipeline.base.files import read_file
from pipeline.script.settings import Site

FACTS_SUFFIX = ".episode.json"  # after the slug: <slug>.episode.json
MAX_FACTS_BYTES = 10_000_000  # an episode's facts are kilobytes
# Podcasting 2.0's namespace for guids: the feed's is uuid5 of its URL in it; an episode's,
# of the series and its number, so a new title or a new address keeps it.
PODCAST_NAMESPACE = uuid.UUID("ead4c236-bf58-58c6-a2c6-a6b28d128cb6")


@dataclass(frozen=True)
class VideoFile:
    file: str  # name in the episode's folder
    width: int
    height: int


@dataclass(frozen=True)
class ChapterFacts:
    start: float  # seconds
    end: float
    title: str


class Roles(dict):
    """The files of an episode by role; a role the profile makes no file for is ""."""

    def __missing__(self, role: str) -> str:
        return ""


@dataclass(frozen=True)
class EpisodeFacts:
    slug: str
    number: int
    title: str
    series: str
    film: str  # the credit line: "Her (2013), directed by Spike Jonze"
    date: str | None  # YYYY-MM-DD
    duration: float  # seconds
    guid: str
    summary: str
    author: str | None
    chapters: tuple[ChapterFacts, ...]
    videos: tuple[VideoFile, ...]  # the master first, then smaller
    files: dict[str, str] = field(default_factory=Roles)  # what each file is: name

    def __post_init__(self) -> None:
        object.__setattr__(self, "files", Roles(self.files))

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=1, ensure_ascii=False) + "\n"

    @classmethod
    def read(cls, path: Path) -> EpisodeFacts:
        """Raises OSError, ValueError (not JSON), KeyError or TypeError (not these facts)."""
        data = json.loads(read_file(path, MAX_FACTS_BYTES).decode("utf-8"))  # never a FIFO
        data["chapters"] = tuple(ChapterFacts(**c) for c in data["chapters"])
        data["videos"] = tuple(VideoFile(**v) for v in data["videos"])
        return cls(**data)


def episode_guid(series: str, number: int, fixed: str | None) -> str:
    return fixed or str(uuid.uuid5(PODCAST_NAMESPACE, f"{series}/episode/{number}"))


def feed_guid(url: str) -> str:
    """podcast:guid: uuid5 of the feed's address without its scheme and trailing slash."""
    bare = url.split("://", 1)[-1].rstrip("/")
    return str(uuid.uuid5(PODCAST_NAMESPACE, bare))


@dataclass(frozen=True)
class SeriesFacts:
    title: str
    author: str | None
    site: Site
    cover: str  # the square art, a path relative to output/
