"""The Essay: what the author wrote, validated, with paths resolved and text rendered.

Every later stage reads only these values. Items a later stage may still find fault with
(a take that will not decode, say) carry the Origin of the YAML that named them.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from pipeline.base.errors import Problem
from pipeline.script.settings import (
    Audio,
    Ducking,
    Feed,
    Newsletter,
    Pacing,
    Scratch,
    Site,
    Subtitles,
    Video,
)


@dataclass(frozen=True)
class Origin:
    """Where in the YAML something was written."""

    file: Path | None
    line: int | None
    col: int | None
    key: str

    def problem(self, message: str, *, warning: bool = False) -> Problem:
        return Problem(self.file, self.line, self.col, self.key, message, warning)


@dataclass(frozen=True)
class Film:
    title: str
    year: int
    director: str


@dataclass(frozen=True)
class Meta:
    slug: str
    series: str
    episode: int
    title: str
    film: Film
    author: str | None
    date: datetime.date | None
    summary: str | None = None  # for the feed and the pages
    guid: str | None = None  # the feed's id for it, when the author fixed one


@dataclass(frozen=True)
class Transition:
    type: str  # "cut" or "crossfade", as the YAML says it
    duration: float  # seconds; 0 for a cut


@dataclass(frozen=True)
class OwnSound:
    """A shot's own sound (a film clip that speaks): which seconds of which file, at what
    level. The narration waits for it: it opens its section, closes it, or plays after a
    sentence of it."""

    file: Path
    start: float  # seconds into the file
    end: float
    level: float  # dB, added to the file's own level
    says: str | None  # what is said in it, as written: captioned like narration
    origin: Origin
    after: str | None = None  # words of the sentence after which it plays; None: it opens
    # its section (as its first shot) or closes it (as its last)


class Visual(Protocol):
    """A shot of any kind (pipeline/kinds/): what the timing and the script ask of it."""

    @property
    def kind(self) -> str: ...  # the tag of its kind: "still", "card", "clip"

    @property
    def weight(self) -> float: ...

    @property
    def transition(self) -> Transition: ...

    @property
    def origin(self) -> Origin: ...

    @property
    def seconds(self) -> float | None: ...  # a length of its own; None: a share by weight

    @property
    def sound(self) -> OwnSound | None: ...


@dataclass(frozen=True)
class Narration:
    text: str
    audio: Path | None  # the take; None for a scratch section (audio/scratch.py makes it)
    start: float | None  # seconds into the file where its take begins; None: find it
    end: float | None  # where it ends; None: at the end of the file
    origin: Origin  # of the file's key
    offsets: Origin  # of the section's `start` key
    script: Origin  # of the section's `text` key
    scratch: bool = False  # no recorded take: the synthetic voice reads `text`
    keep_last: bool = True  # a passage read again: the last reading kept, the others cut


@dataclass(frozen=True)
class MusicPart:
    """A music file over the whole episode (a bed) or over a range of sections (a cue)."""

    file: Path
    level: float  # LUFS when nothing is said
    fade_in: float
    fade_out: float
    loop: bool
    sections: tuple[int, int] | None  # first and last section index; None: the whole episode
    origin: Origin


@dataclass(frozen=True)
class Section:
    id: str
    title: str
    narration: Narration
    visuals: tuple[Visual, ...]
    origin: Origin


@dataclass(frozen=True)
class Settings:
    video: Video
    timing: Pacing
    subtitles: Subtitles
    audio: Audio
    ducking: Ducking  # of the music under the voice; the music itself is Essay.music
    fonts: tuple[Path, ...]  # every font file templates may use
    font_names: tuple[tuple[str, Path], ...]  # the name templates use for each
    templates: Path  # the folder of card templates
    renditions: tuple[int, ...] = ()  # heights of the video delivered, tallest first
    site: Site | None = None  # where the series is published
    scratch: Scratch = field(default_factory=Scratch)  # the voice of sections without a take
    strict: bool = False  # a take's disagreements with its script are errors
    feed: Feed = field(default_factory=Feed)  # whether the feed is public
    newsletter: Newsletter = field(default_factory=Newsletter)  # the email edition's settings


@dataclass(frozen=True)
class Poster:
    section: int  # index
    at: float  # seconds into the section
    origin: Origin


@dataclass(frozen=True)
class Essay:
    source: Path  # the episode's YAML
    root: Path  # the project folder; every asset lies inside it
    meta: Meta
    settings: Settings
    sections: tuple[Section, ...]
    music: tuple[MusicPart, ...]
    poster: Poster | None = None  # None: the title card
    allow_scratch: bool = False  # a master build may deliver scratch narration

    @property
    def on_scratch(self) -> tuple[str, ...]:
        """The ids of the sections still read by the synthetic voice."""
        return tuple(s.id for s in self.sections if s.narration.scratch)
