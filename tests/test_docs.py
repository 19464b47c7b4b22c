"""docs/essay-format.md documents every key of the format, with its default."""

from __future__ import annotations

import re

import pytest
from conftest import REPO
from pydantic_core import PydanticUndefined

from pipeline.script import schema as s
from pipeline.script import settings as st
from pipeline.script.kinds import shot_kinds

DOC = (REPO / "docs" / "essay-format.md").read_text(encoding="utf-8")

# model -> the heading of the doc section whose table lists its keys
SECTIONS = {
    s.EpisodeDoc: "## Episode keys",
    s.Film: "### `film`",
    s.Section: "### A section",
    s.Narration: "### `narration`",
    st.Move: "### `move` (Ken Burns)",
    st.TransitionSpec: "### `transition`",
    st.SeriesDoc: "## Settings (series.yaml, or an episode to override)",
    st.Video: "### `video`",
    st.Pacing: "### `timing`",
    st.Subtitles: "### `subtitles`",
    st.Audio: "### `audio`",
    st.Music: "### `music`",
    st.MusicClip: "### A music clip",
    st.MusicCue: "### A music cue",
    s.EpisodeNarration: "### `narration` (episode)",
    st.Defaults: "### `defaults`",
    st.Scratch: "### `scratch`",
    st.Site: "### `site`",
    st.Feed: "### `feed`",
    st.Publish: "### `publish`",
    st.Newsletter: "### `newsletter`",
    s.Poster: "### `poster`",
}
SECTIONS |= {kind.model: kind.heading for kind in shot_kinds().values()}  # a kind's own part
SETTINGS = set(st.SeriesDoc.model_fields)


def keys(model) -> dict:
    """The model's fields by the key the YAML writes (`from`, not `from_`)."""
    return {field.alias or name: field for name, field in model.model_fields.items()}


def table_rows(heading: str) -> dict[str, str]:
    start = DOC.index(heading + "\n")
    rest = DOC[start + len(heading) :]
    end = re.search(r"\n#{2,3} ", rest)
    body = rest[: end.start()] if end else rest
    return {m.group(1): m.group(0) for m in re.finditer(r"^\| `([a-z_]+)` \|.*$", body, re.M)}


@pytest.mark.parametrize("model", list(SECTIONS), ids=lambda m: m.__name__)
def test_every_key_is_documented_with_its_default(model) -> None:
    rows = table_rows(SECTIONS[model])
    own = set(keys(model))
    if model is s.EpisodeDoc:
        own -= SETTINGS - {"series", "author"}  # settings have their own section
    for name in own:
        assert name in rows, f"{model.__name__}.{name} is missing from the docs"
        default = keys(model)[name].default
        if isinstance(default, bool):
            assert f"`{str(default).lower()}`" in rows[name], rows[name]
        elif isinstance(default, int | float) and default is not PydanticUndefined:
            assert f"`{default:g}`" in rows[name] or f"`{default}`" in rows[name], rows[name]


def test_documented_keys_exist() -> None:
    for model, heading in SECTIONS.items():
        extra = set(table_rows(heading)) - set(keys(model))
        assert not extra, f"{heading} documents keys that do not exist: {extra}"
