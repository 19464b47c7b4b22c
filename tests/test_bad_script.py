"""Bad input in the script layer, through the real command line: every problem is one line,
`path:line[:col]: key: message` naming the fix, exit status 2, never a traceback, and
`essay check` and `essay build` say the same lines.

The YAML files themselves (not text, too big, aliases that multiply, syntax), Jinja2 in the
author's text and in card templates, and settings at and beyond the bounds the format
documents (generated from the models, so a new bound is tested and documented with them).
"""

from __future__ import annotations

import io
import re
import shutil
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner
from conftest import Project, make_project, write_music
from PIL import Image
from pydantic import BaseModel
from test_docs import SECTIONS, table_rows

from pipeline.cli import main
from pipeline.script import settings as st
from pipeline.script import source
from pipeline.script.project import Project as SeriesProject
from pipeline.script.source import MAX_BYTES, WHOLE_FILE, key_name

LINE = re.compile(
    r"^(?P<file>[^:\s][^:]*):(?P<line>\d+)(?::(?P<col>\d+))?: "
    r"(?P<key>\(file\)|[\w-]+(?:\[\d+\]|\.[\w-]+)*): (?P<message>.+)$"
)
SUMMARY = re.compile(r"^\d+ problems? found(; .*)?$")


@dataclass(frozen=True)
class Said:
    """One problem line as the command printed it."""

    file: str
    line: int
    col: int | None
    key: str
    message: str


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_project(tmp_path_factory.mktemp("pristine") / "proj").root


@pytest.fixture
def project(pristine: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Project:
    """conftest's project, copied from one made once: making its takes and stills is most
    of the time these tests would take."""
    shutil.copytree(pristine, tmp_path / "proj")
    monkeypatch.chdir(tmp_path / "proj")  # paths are shown relative to it, as a user sees them
    return Project(tmp_path / "proj")


def refused(*paths: str) -> list[Said]:
    """The problems `essay check` finds in `paths`, asserting the rules: exit status 2, no
    traceback, every line of its report a problem line (or the count), and `essay build`
    saying the same lines."""
    said = _problems(CliRunner().invoke(main, ["check", *paths]))
    built = _problems(CliRunner().invoke(main, ["build", "--profile", "draft", "-q", *paths]))
    assert built == said, "essay build and essay check disagree"
    return said


def _problems(result) -> list[Said]:
    assert result.exit_code == 2, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    found = []
    for text in result.stderr.splitlines():
        if ": warning: " in text or text.startswith("not built"):
            continue
        match = LINE.match(text)
        assert match or SUMMARY.match(text), f"not one clean line: {text}"
        if match:
            found.append(Said(
                match["file"], int(match["line"]), match["col"] and int(match["col"]),
                match["key"], match["message"],
            ))  # fmt: skip
    assert found, result.output
    return found


def only(found: list[Said]) -> Said:
    assert len(found) == 1, found
    return found[0]


def line_of(path: Path, snippet: str) -> int:
    return next(n for n, text in enumerate(path.read_text().splitlines(), 1) if snippet in text)


# --- the YAML files ---------------------------------------------------------------------------


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (4, 4)).save(out, "PNG")
    return out.getvalue()


NOT_TEXT = {  # what is in the file, where the problem is, what it says, its fix
    "nul": (b"episode: 1\ntitle: a\x00b\n", (2, 9), "not a text file", "saved as UTF-8"),
    "latin-1": (b"episode: 1\ntitle: caf\xe9\n", (2, 11), "not UTF-8 text", "save it as"),
    "png": (_png(), None, "not a text file", "YAML text saved as UTF-8"),
    "utf-16": ("episode: 1\n".encode("utf-16"), (1, None), "saved as UTF-16", "save it as"),
    "control": (b"episode: 1\ntitle: a\x07b\n", (2, 9), "U+0007 is not allowed", "delete it"),
}


@pytest.mark.parametrize("name", list(NOT_TEXT))
def test_a_yaml_file_that_is_not_text(project: Project, name: str) -> None:
    data, where, says, fix = NOT_TEXT[name]
    (project.root / "essays" / "x.yaml").write_bytes(data)
    p = only(refused("essays/x.yaml"))
    assert (p.file, p.key) == ("essays/x.yaml", WHOLE_FILE)
    assert says in p.message and fix in p.message
    if where:
        assert (p.line, p.col) == where


def test_an_empty_episode_is_reported_against_itself(project: Project) -> None:
    (project.root / "essays" / "x.yaml").write_text("# nothing yet\n")
    found = refused("essays/x.yaml")
    assert {p.key for p in found} == {"episode", "title", "film", "sections"}
    assert {(p.file, p.line) for p in found} == {("essays/x.yaml", 1)}


@pytest.mark.parametrize(
    "text, key, says",
    [
        ("", "series", "required key is missing"),
        ("# nothing\n", "series", "required key is missing"),
        ("- a list\n", WHOLE_FILE, "expected a mapping of keys to values, got a list"),
        ("just words\n", WHOLE_FILE, "expected a mapping of keys to values"),
    ],
)
def test_an_empty_or_flat_series_file(project: Project, text: str, key: str, says: str) -> None:
    (project.root / "essays" / "series.yaml").write_text(text)
    p = only(refused("essays/tiny.yaml"))
    assert (p.file, p.line, p.key) == ("essays/series.yaml", 1, key) and says in p.message


def _laughs(levels: int = 9) -> str:
    """The "billion laughs": nine aliases of nine aliases ..., 9**9 values from 10 lines."""
    lines = ['l0: &l0 "lol"']
    for n in range(1, levels + 1):
        lines.append(f"l{n}: &l{n} [{', '.join([f'*l{n - 1}'] * 9)}]")
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("file", ["tiny.yaml", "series.yaml"])
def test_an_alias_bomb_is_refused_before_it_expands(project: Project, file: str) -> None:
    path = project.root / "essays" / file
    path.write_text(path.read_text() + _laughs())
    started = time.monotonic()
    p = only(refused("essays/tiny.yaml"))
    assert time.monotonic() - started < 5
    assert p.file == f"essays/{file}" and "100,000 values" in p.message
    assert p.line == line_of(path, "l6: &l6") and p.key == "l6"  # where 9**6 passes the limit


def test_a_file_over_the_size_limit_is_refused_before_it_is_parsed(project: Project) -> None:
    path = project.root / "essays" / "x.yaml"
    path.write_text("episode: 1\n" + "# padding\n" * (MAX_BYTES // 10 + 1))
    started = time.monotonic()
    p = only(refused("essays/x.yaml"))
    assert time.monotonic() - started < 5
    size = path.stat().st_size
    assert p.key == WHOLE_FILE and p.line == 1
    assert f"the file is {size:,} bytes, over the limit of {MAX_BYTES:,} bytes" in p.message


def test_a_file_at_the_size_limit_is_read(
    project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(source, "MAX_BYTES", len(project.episode.read_bytes()))
    assert CliRunner().invoke(main, ["check", "essays/tiny.yaml"]).exit_code == 0
    project.write_text(project.episode.read_text() + "\n")
    assert "over the limit" in only(refused("essays/tiny.yaml")).message


def test_the_limits_are_documented() -> None:
    doc = (Path(__file__).parent.parent / "docs" / "essay-format.md").read_text()
    limits = doc[doc.index("## Limits") :]
    assert f"| {MAX_BYTES / 1e6:g} MB |" in limits
    assert f"| {source.MAX_VALUES:,} |" in limits and f"| {source.MAX_DEPTH} levels |" in limits


def replace(project: Project, old: str, new: str) -> Path:
    text = project.episode.read_text()
    assert old in text, old
    project.write_text(text.replace(old, new, 1))
    return project.episode


SYNTAX = {  # old text, new text, then the key, what is said and the line it is said on
    "unclosed [": ("title: A tiny test", "title: [A tiny test", "title", "YAML syntax", "film:"),
    "tab": ("episode: 1", "episode: 1\n\ttitle: x", WHOLE_FILE, "'\\t'", "\ttitle"),
    "second document": ("episode: 1", "episode: 1\n---", WHOLE_FILE, "second YAML doc", "---"),
    "python tag": ("episode: 1", "episode: !!python/object:os.system ls", "episode", "tag", "!!"),
    "no such date": ("date: '2026-11-26'", "date: 2026-13-45", "date", "month must be", "date:"),
    "nesting": ("episode: 1", f"episode: 1\ndeep: {'[' * 60}{']' * 60}", "deep", "50 levels", "[["),
    "unknown alias": ("title: A tiny test", "title: *nowhere", "title", "alias", "*nowhere"),
}


@pytest.mark.parametrize("name", list(SYNTAX))
def test_yaml_that_does_not_parse_is_located(project: Project, name: str) -> None:
    old, new, key, says, snippet = SYNTAX[name]
    path = replace(project, old, new)
    p = only(refused("essays/tiny.yaml"))
    assert (p.file, p.line, p.key) == ("essays/tiny.yaml", line_of(path, snippet), key)
    assert p.col is not None and says in p.message and ";" in p.message  # what, then the fix


def test_a_merge_key_is_overridden_by_the_mappings_own_keys(project: Project) -> None:
    replace(project, "episode: 1", (
        "defaults:\n  move: &slow {zoom: [1.0, 1.05], pan: [0.0, 0.0]}\n"
        "  transition: {type: cut}\nepisode: 1"
    ))  # fmt: skip
    own = "move: {<<: *slow, zoom: [1, 1.2]}"
    replace(project, "move:\n      zoom:\n      - 1.0\n      - 1.2", own)
    result = CliRunner().invoke(main, ["check", "essays/tiny.yaml"])
    assert result.exit_code == 0, result.output  # not a duplicate key


# --- Jinja2 in the author's text and in card templates -----------------------------------------

NARRATION = "text: 'The second section talks about {{ film.title }} & its ending: a short one.'"
TEXTS = {
    "sandbox": ("{{ ''.__class__.__mro__ }}", "refused by the sandbox", "names"),
    "sandbox via a name": ("{{ film.__class__ }}", "refused by the sandbox", "names"),
    "undefined": ("{{ flim.title }}", "'flim' is undefined", "the names you can use"),
    "syntax": ("{{ film.title ", "template syntax error", "check the"),
    "division by zero": ("{{ 1/0 }}", "ZeroDivisionError", "correct the expression"),
    "filter on the wrong type": ("{{ film.title | round }}", "TypeError", "correct"),
    "format": ("{{ '%d' | format('x') }}", "TypeError", "correct the expression"),
    "range": ("{{ range(10**7) | list }}", "Range too big", "correct the expression"),
    "huge repeat": ("{{ 'x' * 10**10 }}", "over 100,000 long", "correct the expression"),
    "huge power": ("{{ 7 ** 1000000 }}", "exponent over 1000", "correct the expression"),
}


@pytest.mark.parametrize("name", list(TEXTS))
def test_jinja2_in_narration_text(project: Project, name: str) -> None:
    expression, says, fix = TEXTS[name]
    path = replace(project, NARRATION, f'text: "About {expression}."')
    p = only(refused("essays/tiny.yaml"))
    assert (p.key, p.line) == ("sections[1].narration.text", line_of(path, "About"))
    assert says in p.message and fix in p.message


ELSEWHERE = [  # as the line was, as it is now, the key
    ("title: The second", "title: '{{ 1/0 }}'", "sections[1].title"),
    ("caption: A caption", "caption: '{{ nope }}'", "sections[0].visuals[1].caption"),
    (
        "text: A quote & more", "text: '{{ cycler.__init__ }}'",
        "sections[1].visuals[1].fields.text",
    ),
]  # fmt: skip


@pytest.mark.parametrize("old, new, key", ELSEWHERE, ids=[k for _, _, k in ELSEWHERE])
def test_jinja2_in_titles_card_fields_and_captions(project: Project, old, new, key) -> None:
    path = replace(project, old, new)
    p = only(refused("essays/tiny.yaml"))
    assert (p.key, p.line) == (key, line_of(path, new[:8]))


def test_an_error_in_a_block_of_text_names_its_own_line(project: Project) -> None:
    block = "text: |\n      The first line.\n      The second {% if %} line.\n      The third."
    path = replace(project, NARRATION, block)
    p = only(refused("essays/tiny.yaml"))
    assert p.line == line_of(path, "The second {%") and p.key == "sections[1].narration.text"


SVG = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1920 1080" width="1920" height="1080">'
TEMPLATES = {
    "sandbox": ("{{ ''.__class__.__mro__ }}", "refused by the sandbox"),
    "undefined": ("{{ nothing.here }}", "'nothing' is undefined"),
    "syntax": ("{% for %}", "Expected an expression"),
    "division by zero": ("{{ 1 / 0 }}", "ZeroDivisionError"),
    "filter with arguments missing": ("{{ 'x' | wrap('sans') }}", "missing 3 required"),
    "filter with the wrong type": ("{{ 'x' | wrap('sans', 'big', 100, 1) }}", "TypeError"),
    "loop": ("{% for i in range(10**6) %}{% endfor %}", "Range too big"),
}


@pytest.mark.parametrize("name", list(TEMPLATES))
def test_jinja2_in_a_card_template(project: Project, name: str) -> None:
    body, says = TEMPLATES[name]
    (project.root / "assets" / "templates" / "mine.svg").write_text(f"{SVG}\n\n{body}\n</svg>\n")
    path = replace(project, "card: title", "card: mine")
    p = only(refused("essays/tiny.yaml"))
    assert (p.key, p.line) == ("sections[0].visuals[0].card", line_of(path, "card: mine"))
    assert "template assets/templates/mine.svg:3: " in p.message and says in p.message
    assert p.message.endswith("fix the template")


def test_a_template_that_includes_one_that_is_not_there(project: Project) -> None:
    including = f'{SVG}{{% include "gone.svg" %}}</svg>'
    (project.root / "assets/templates/mine.svg").write_text(including)
    replace(project, "card: title", "card: mine")
    p = only(refused("essays/tiny.yaml"))
    assert "template 'mine' includes 'gone.svg', which is not in assets/templates" in p.message


def test_a_template_that_is_not_text(project: Project) -> None:
    (project.root / "assets/templates/quote.svg").write_bytes(_png())
    p = only(refused("essays/tiny.yaml"))
    assert p.key == "sections[1].visuals[1].card" and "not UTF-8 text" in p.message


def test_a_missing_font_is_blamed_not_the_card_field(project: Project) -> None:
    # the series' fonts replace the bundled ones (an episode's merge over the series')
    series = project.root / "essays" / "series.yaml"
    serif_only = "fonts: {serif: assets/fonts/EBGaramond12-Regular.ttf}\n"
    series.write_text(series.read_text() + serif_only)
    found = refused("essays/tiny.yaml")
    assert all("needs the field" not in p.message for p in found)
    title = next(p for p in found if p.key == "sections[0].visuals[0].card")
    assert "uses a font 'sans' that `fonts` does not name" in title.message


# --- settings, at and beyond their bounds ------------------------------------------------------

NEEDS = {  # what a mapping must hold beside the key under test
    ("music", "bed"): {"file": "assets/t/music.wav"},
    ("music", "cues", 0): {"file": "assets/t/music.wav", "start": "one"},
    ("site",): {"url": "https://example.org/series/"},
}


@dataclass(frozen=True)
class Bound:
    path: tuple  # of the key in series.yaml
    kind: str  # ge, gt, le, max_length
    limit: Any
    whole: bool  # a whole number

    @property
    def at(self) -> Any:
        """The bound itself, or (an exclusive one) the nearest value inside it."""
        if self.kind == "max_length":
            return "x" * self.limit
        return self.limit + self._step if self.kind == "gt" else self.limit

    @property
    def beyond(self) -> Any:
        if self.kind == "max_length":
            return "x" * (self.limit + 1)
        beyond = {"ge": self.limit - self._step, "le": self.limit + self._step}
        return beyond.get(self.kind, self.limit)  # gt: the bound itself

    @property
    def _step(self) -> float:
        return 1 if self.whole else 0.001


def _settings_bounds(model: type[BaseModel], path: tuple = ()) -> Iterator[Bound]:
    """Every bound pydantic enforces on a settings key, down the models of SeriesDoc."""
    for name, field in model.model_fields.items():
        here = (*path, field.alias or name)
        for meta in field.metadata:
            for kind in ("ge", "gt", "le", "max_length"):
                if getattr(meta, kind, None) is not None:
                    yield Bound(here, kind, getattr(meta, kind), field.annotation is int)
        inner = _model_in(field.annotation)
        if inner:
            is_list = "list" in str(field.annotation)
            yield from _settings_bounds(inner, (*here, 0) if is_list else here)


def _model_in(t: Any) -> type[BaseModel] | None:
    if isinstance(t, type) and issubclass(t, BaseModel):
        return t
    return next(filter(None, (_model_in(a) for a in getattr(t, "__args__", ()))), None)


BOUNDS = list(_settings_bounds(st.SeriesDoc))
VALIDATED = [  # bounds a validator keeps, not a constraint: key, inside, beyond, what is said
    (("defaults", "move", "zoom"), [1.0, 4.0], [0.99, 1.0], "between 1 "),
    (("defaults", "move", "zoom"), [4.0, 1.0], [1.0, 4.01], "and 4"),
    (("defaults", "move", "pan"), [-1.0, 1.0], [-1.01, 0.0], "between -1 and 1"),
    (("defaults", "move", "focus"), [0.0, 1.0], [0.5, 1.01], "between 0 and 1"),
    (("renditions",), [4320, 90], [88], "from 90 to 4320"),
    (("renditions",), [4320, 90], [4322], "from 90 to 4320"),
    (("video", "width"), 7680, 321, "must be even"),
    (("subtitles", "max_duration"), 0.833, 0.832, "shorter than min_duration"),
]


def set_key(data: dict, path: tuple, value: Any) -> dict:
    """`data` with `value` at `path`, the mappings on the way made (with what they need)."""
    here: Any = data
    for n, part in enumerate(path[:-1]):
        if isinstance(here, list):
            here.extend({} for _ in range(part + 1 - len(here)))
        elif not isinstance(here.get(part), dict | list):
            here[part] = [] if isinstance(path[n + 1], int) else {}
        here = here[part]
        if isinstance(here, dict):
            here.update(NEEDS.get(path[: n + 1], {}))
    here[path[-1]] = value
    return data


TOGETHER = {("subtitles", "max_duration"): ("subtitles", "min_duration")}  # longest ≥ shortest


def put(project: Project, where: str, path: tuple, value: Any, music: float = 4.0) -> Path:
    """Write a setting into series.yaml or, as an override, into the episode."""
    file = project.root / "essays" / ("series.yaml" if where == "series" else "tiny.yaml")
    data = yaml.safe_load(file.read_text())
    file.write_text(yaml.safe_dump(set_key(data, path, value), sort_keys=False))
    if not (project.root / "assets/t/music.wav").exists():
        write_music(project.root / "assets/t/music.wav", music, level=0.05)
    return file


def put_at(project: Project, where: str, path: tuple, value: Any, music: float = 4.0) -> None:
    """A value at its bound, and what must be there with it."""
    if path in TOGETHER:
        put(project, where, TOGETHER[path], value)
    put(project, where, path, value, music)


def key_line(file: Path, path: tuple) -> int:
    """The line PyYAML itself marks the key at `path` on."""
    node = yaml.compose(file.read_text())
    for part in path[:-1]:
        node = node.value[part] if isinstance(part, int) else _value(node, part)
    key = next(k for k, _ in node.value if k.value == path[-1])
    return key.start_mark.line + 1


def _value(node: yaml.MappingNode, key: str) -> yaml.Node:
    return next(v for k, v in node.value if k.value == key)


def _where(n: int) -> str:
    return "series" if n % 2 == 0 else "episode"


def _range_said(bound: Bound, among: list[Bound]) -> str:
    """How a problem (or, in symbols, the docs) names the range `bound` is one end of."""
    if bound.kind == "max_length":
        return f"at most {bound.limit} characters"
    if bound.kind == "gt":
        return f"above {bound.limit:g}"
    others = [b for b in among if b.path == bound.path and b is not bound]
    if others and others[0].kind == "gt":  # above one end, at most the other
        return f"above {others[0].limit:g} and at most {bound.limit:g}"
    if others:
        low, high = sorted([bound.limit, others[0].limit])
        return f"from {low:g} to {high:g}"
    return f"of {bound.limit:g} or more"


# (key, a value at the bound, one just beyond it, what the problem says)
CASES = [(b.path, b.at, b.beyond, _range_said(b, BOUNDS)) for b in BOUNDS] + VALIDATED
IDS = [f"{key_name(c[0])}={c[2]}"[:40] for c in CASES]


@pytest.mark.parametrize("n", range(len(CASES)), ids=IDS)
def test_a_setting_at_its_bound_is_taken_and_beyond_it_is_one_line(project, n) -> None:
    """At the bound, validated as check and build validate first; just beyond it, refused by
    both, naming the key and the range."""
    path, at, beyond, says = CASES[n]
    put_at(project, _where(n), path, at)
    SeriesProject.containing(project.root).read(project.episode)
    file = put(project, _where(n), path, beyond)
    p = only(refused("essays/tiny.yaml"))
    assert (p.file, p.key, p.line) == (f"essays/{file.name}", key_name(path), key_line(file, path))
    assert says in p.message, p.message


@pytest.mark.parametrize("side", ["lowest", "highest"])
def test_every_setting_at_its_bound_at_once_passes_check(project: Project, side: str) -> None:
    """What validation accepts, nothing later in `essay check` refuses."""
    low = side == "lowest"
    for bound in BOUNDS:
        if (bound.kind in ("ge", "gt")) == low or bound.kind == "max_length":
            put_at(project, "episode", bound.path, bound.at, music=4.0 if low else 61.0)
    result = CliRunner().invoke(main, ["check", "essays/tiny.yaml"])
    assert result.exit_code == 0, result.output


def test_every_bound_is_documented() -> None:
    """Each key's row in docs/essay-format.md names the range it is refused beyond."""
    for model, heading in SECTIONS.items():
        rows, bounds = table_rows(heading), list(_settings_bounds(model))
        for bound in (b for b in bounds if len(b.path) == 1):
            said = _range_said(bound, bounds).replace("above ", "> ").replace("from ", "")
            said = re.sub(r"^of (\S+) or more$", r"≥ \1", said)
            assert said in rows[bound.path[0]], f"{heading}: {rows[bound.path[0]]}"


NUMBERS = sorted({b.path for b in BOUNDS if b.kind != "max_length"})
MAPPINGS = [("video",), ("timing",), ("subtitles",), ("audio",), ("music",), ("defaults",),
            ("fonts",), ("site",), ("music", "bed"), ("defaults", "move")]  # fmt: skip


@pytest.mark.parametrize(
    "value, says",
    [("ten", "expected a"), (True, "got true (YAML reads yes, no"), ([1], "expected a")],
    ids=["text", "yes", "list"],
)
def test_a_wrong_type_for_every_number(project: Project, value: Any, says: str) -> None:
    """All at once: one line each, each naming its key."""
    for path in NUMBERS:
        put(project, "series", path, value)
    found = refused("essays/tiny.yaml")
    assert sorted(p.key for p in found) == sorted(key_name(p) for p in NUMBERS)
    assert all(says in p.message and "number" in p.message for p in found), found


@pytest.mark.parametrize("path", MAPPINGS, ids=key_name)
def test_a_list_where_a_mapping_goes(project: Project, path: tuple) -> None:
    file = put(project, "episode", path, ["a", "list"])
    p = only(refused("essays/tiny.yaml"))
    assert (p.key, p.file) == (key_name(path), f"essays/{file.name}")
    assert "expected a mapping of keys to values, got a list" in p.message


def test_yes_where_a_number_goes_in_a_pair(project: Project) -> None:
    put(project, "episode", ("defaults", "move", "zoom"), [True, 1.2])
    p = only(refused("essays/tiny.yaml"))
    assert p.key == "defaults.move.zoom" and "got true" in p.message


@pytest.mark.parametrize("value", [".inf", ".nan", "-.inf"])
def test_an_endless_number(project: Project, value: str) -> None:
    path = replace(project, "episode: 1", f"timing: {{pause: {value}}}\nepisode: 1")
    p = only(refused("essays/tiny.yaml"))
    assert (p.key, p.line) == ("timing.pause", line_of(path, "timing:"))
    assert "expected a finite number" in p.message
