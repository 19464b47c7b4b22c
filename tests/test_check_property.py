"""Whatever an episode or series file holds, `essay check` either passes it or reports clean
problems (each with a file, a key and a one-line message): never another exception.

Checked in-process through the functions `essay check` calls (pipeline/cli/check.py), on
arbitrary YAML documents, arbitrary text and bytes, and mutations of conftest's episode.
Nothing here renders.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import SERIES, make_project
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.base.errors import EssayError, Problem
from pipeline.produce import check
from pipeline.script.selection import select

BOUNDED = settings(
    max_examples=40, deadline=None, database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)  # fmt: skip


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_project(tmp_path_factory.mktemp("property") / "proj").root


@pytest.fixture(scope="module")
def original(root: Path) -> dict:
    return yaml.safe_load((root / "essays" / "tiny.yaml").read_text())


def checked(root: Path, episode: bytes, series: bytes | None = None) -> list[Problem]:
    """What `essay check essays/tiny.yaml` finds: the series opened, the episode checked,
    then what lies between the episodes; problems raised as the command catches them."""
    (root / "essays" / "tiny.yaml").write_bytes(episode)
    (root / "essays" / "series.yaml").write_bytes(_dump(SERIES) if series is None else series)
    selections, found = select([root / "essays" / "tiny.yaml"])
    for picked in selections:
        for path in picked.episodes:
            try:
                check(path, project=picked.project)
            except EssayError as err:
                found += err.problems
        found += [p for p in picked.project.check_series() if not p.warning]
    return found


def assert_clean(found: list[Problem]) -> None:
    for p in found:
        line = str(p)
        assert p.file and p.key and p.message, p
        assert len(line.splitlines()) == 1, line
        line.encode("utf-8")  # printable: no half of a surrogate pair


def _dump(data: Any) -> bytes:
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True).encode("utf-8")


# --- arbitrary documents -----------------------------------------------------------------------

FORMAT_KEYS = [
    "series", "episode", "title", "film", "year", "director", "date", "sections", "id",
    "narration", "text", "audio", "start", "end", "take", "visuals", "still", "card", "fields",
    "caption", "credit", "move", "zoom", "pan", "focus", "weight", "transition", "type",
    "duration", "video", "width", "height", "fps", "timing", "pause", "subtitles", "audio",
    "music", "bed", "cues", "file", "level", "defaults", "fonts", "templates", "renditions",
    "site", "url", "poster", "at", "summary", "guid", "<<",
]  # fmt: skip
JINJA = [
    "{{ film.title }}", "{{ 1/0 }}", "{{ ''.__class__.__mro__ }}", "{{ nope }}", "{% if %}",
    "{{ 'x' * 10**9 }}", "{{ film.title | round }}", "{{ range(10**8) | list }}", "{{",
    "{{ 7 ** 1000000 }}", "{% for i in range(5) %}{{ i }}{% endfor %}",
]  # fmt: skip

scalars = (
    st.none() | st.booleans() | st.integers() | st.floats() | st.dates()
    | st.text(max_size=12) | st.sampled_from(JINJA) | st.sampled_from(["assets/t/s0.jpg",
    "assets/t/n0.wav", "title", "quote", "crossfade", "../../etc/passwd", "one"])
)  # fmt: skip
keys = st.sampled_from(FORMAT_KEYS) | st.text(max_size=8)
documents = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(keys, inner, max_size=5),
    max_leaves=25,
)


@BOUNDED
@given(doc=documents, as_series=st.booleans())
def test_any_yaml_document(root: Path, original: dict, doc: Any, as_series: bool) -> None:
    if as_series:
        assert_clean(checked(root, _dump(original), series=_dump(doc)))
    else:
        assert_clean(checked(root, _dump(doc)))


@BOUNDED
@given(raw=st.text(max_size=200) | st.binary(max_size=200), as_series=st.booleans())
def test_any_text_or_bytes(root: Path, original: dict, raw: str | bytes, as_series: bool) -> None:
    raw = raw if isinstance(raw, bytes) else raw.encode("utf-8")
    if as_series:
        assert_clean(checked(root, _dump(original), series=raw))
    else:
        assert_clean(checked(root, raw))


# --- mutations of a valid episode --------------------------------------------------------------


def paths_in(data: Any, path: tuple = ()) -> list[tuple]:
    """Every key and index path in `data`, the root's included."""
    found = [path]
    if isinstance(data, dict | list):
        for key, value in data.items() if isinstance(data, dict) else enumerate(data):
            found += paths_in(value, (*path, key))
    return found


def at(data: Any, path: tuple) -> Any:
    for part in path:
        data = data[part]
    return data


@st.composite
def mutated(draw: st.DrawFn, original: dict) -> dict:
    """The episode after one to three edits an author might make by mistake."""
    data = copy.deepcopy(original)
    for _ in range(draw(st.integers(1, 3))):
        path = draw(st.sampled_from(paths_in(data)[1:]))
        parent, last = at(data, path[:-1]), path[-1]
        edit = draw(st.sampled_from(["delete", "replace", "wrap", "duplicate section"]))
        if edit == "delete":
            del parent[last]
        elif edit == "replace":
            parent[last] = draw(documents)
        elif edit == "wrap":  # the value in a list, or under a key: the type changes
            parent[last] = draw(st.sampled_from([[parent[last]], {"x": parent[last]}]))
        elif isinstance(data.get("sections"), list) and data["sections"]:
            data["sections"].append(copy.deepcopy(draw(st.sampled_from(data["sections"]))))
    return data


@BOUNDED
@given(data=st.data())
def test_any_mutation_of_a_valid_episode(root: Path, original: dict, data: st.DataObject) -> None:
    assert_clean(checked(root, _dump(data.draw(mutated(original)))))


SNIPPETS = [
    ": ", "- ", "&a ", "*a", "\t", "<<: *a", "{", "[", "]", "!!binary ", "---\n", "? ", "|\n",
    "'", '"', "#", "\n  ", "\x00", "\x07", "\ufeff", "yes", "~", ".inf", "2026-13-45", "{{ 1/0 }}",
]  # fmt: skip


@BOUNDED
@given(data=st.data())
def test_any_edit_of_the_episodes_text(root: Path, original: dict, data: st.DataObject) -> None:
    """Typed at any place of the file: YAML's own punctuation, and what a slip of the hand
    or a wrong encoding puts there."""
    text = _dump(original).decode("utf-8")
    for _ in range(data.draw(st.integers(1, 3))):
        where, cut = data.draw(st.integers(0, len(text))), data.draw(st.integers(0, 3))
        typed = data.draw(st.sampled_from(SNIPPETS) | st.text(max_size=3))
        text = text[:where] + typed + text[where + cut :]
    assert_clean(checked(root, text.encode("utf-8")))


def test_the_episode_itself_is_valid(root: Path, original: dict) -> None:
    assert checked(root, _dump(original)) == []
