"""The essay format: every key an episode's YAML may hold, its type, default and meaning.

`docs/essay-format.md` documents these models; a test keeps the two in step. Settings
(video, timing, subtitles, audio, defaults, fonts, templates) are written once in
`essays/series.yaml` (pipeline/script/settings.py); an episode may override any of them
with the same keys.
"""

from __future__ import annotations

import datetime
from typing import Annotated, Any, Literal, Union

from pydantic import Discriminator, Field, Tag, model_validator

from pipeline.base.ffmpeg import MAX_SECONDS
from pipeline.script.kinds import kind_named, shot_kinds
from pipeline.script.settings import Model, SeriesDoc


class Film(Model):
    title: str = Field(min_length=1)
    year: int = Field(ge=1870, le=2100)
    director: str = Field(min_length=1)


Retakes = Literal["keep-last", "keep-all"]


class Narration(Model):
    lines = frozenset({"text"})
    # 50,000 characters are some 50 minutes read: what the scratch voice reads and
    # alignment aligns is bounded with it
    text: str = Field(
        min_length=1, max_length=50_000, description="The script of the section, as spoken."
    )
    audio: str | None = Field(
        None,
        description="The recorded take (wav, mp3, m4a, flac, ogg), or `scratch` for the "
        "synthetic voice; default: the episode's take, else scratch.",
    )
    start: float | None = Field(
        None, ge=0, le=MAX_SECONDS, description="Where the section starts in its take, s."
    )
    end: float | None = Field(
        None, ge=0, le=MAX_SECONDS, description="Where it ends in its take, seconds."
    )
    retakes: Retakes | None = Field(
        None,
        description="A passage read again: `keep-last` cuts the earlier reading or the flub, "
        "`keep-all` keeps both (default: the episode's `narration.retakes`, else keep-last).",
    )

    @model_validator(mode="after")
    def _order(self) -> Narration:
        if self.start is not None and self.end is not None and self.end <= self.start:
            raise ValueError("narration end must come after its start")
        return self


class EpisodeNarration(Model):
    take: str | None = Field(None, description="One recording of the whole episode.")
    retakes: Retakes = Field(
        "keep-last", description="Every section's `retakes`, unless it says otherwise."
    )


def _shot_kind(value: Any) -> str | None:
    kind = kind_named(value)
    return f"{kind.tag}-shot" if kind else None


def _shot_union() -> Any:
    """Every kind's model, told apart by the key that names its kind (`still:`, `clip:`)."""
    kinds = shot_kinds().values()
    members = tuple(Annotated[k.model, Tag(f"{k.tag}-shot")] for k in kinds)
    named = ", ".join(f"`{k.tag}:`" for k in kinds)
    return Annotated[
        Union[members],  # noqa: UP007 (a union of a tuple of types has no `|` spelling)
        Discriminator(
            _shot_kind,
            custom_error_type="shot_kind",
            custom_error_message=f"a visual needs one of {named}",
        ),
    ]


UNION_TAGS = {f"{tag}-shot" for tag in shot_kinds()}
Shot = _shot_union()


class Section(Model):
    id: str = Field(
        pattern=r"^[a-z0-9][a-z0-9-]*$", description="Short unique name: lowercase, digits, dashes."
    )
    title: str = Field(min_length=1, description="Section title; becomes a chapter.")
    narration: Narration
    visuals: list[Shot] = Field(min_length=1, description="Shots, in order.")


class Poster(Model):
    """The frame shown before the video plays, and in the series' pages."""

    section: str = Field(description="Section id.")
    at: float = Field(0.0, ge=0, le=MAX_SECONDS, description="Seconds into the section.")


class EpisodeDoc(SeriesDoc):
    """essays/<slug>.yaml: one episode. It may also override any series setting."""

    lines = frozenset({"summary"})

    series: str = Field(description="The series title (defaults to series.yaml's).", min_length=1)
    episode: int = Field(ge=0, le=99_999, description="Episode number.")
    title: str = Field(min_length=1, description="Episode title.")
    film: Film
    date: datetime.date | None = Field(None, description="Publication date, YYYY-MM-DD.")
    narration: EpisodeNarration | None = Field(
        None, description="A single take of the whole episode, shared by the sections."
    )
    sections: list[Section] = Field(min_length=1)
    poster: Poster | None = Field(
        None,
        description="The poster's frame: `{section: id, at: seconds}` (default: the title card).",
    )
    summary: str | None = Field(
        None, max_length=4000, description="What the episode is about, for the feed and pages."
    )
    guid: str | None = Field(
        None,
        min_length=1,
        description="The feed's id for the episode, if it must be kept through a renumbering.",
    )
    allow_scratch: bool = Field(
        False, description="Let a master build deliver sections on scratch narration."
    )
