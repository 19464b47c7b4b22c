"""Hostile input, tried as an attacker would, against the real command line (issue 24).

Every case runs `essay` in a process of its own under an address-space limit and a timeout,
in a copy of the tiny project beside a folder `outside/` the project must never touch: a
secret in files there (an SVG, a picture, a recording), and a FIFO, which hangs whoever
opens it to read. Each run is held to the same rules (`Arena.run`): the exit status, one
located line per problem, no traceback, no character a terminal would act on, nothing
outside the project read (no secret said, no FIFO opened) or written, output/ unchanged
by a refused command. The classes are the issue's, numbered as it numbers them.
"""

from __future__ import annotations

import contextlib
import hashlib
import http.client
import json
import os
import pickle
import re
import resource
import shutil
import socket
import struct
import subprocess
import sys
import threading
import traceback
from dataclasses import dataclass, field
from pathlib import Path

import jinja2
import jinja2.bccache
import pytest
import yaml
from click.testing import CliRunner
from conftest import RATE, make_project, speechlike, write_wav
from PIL import Image

from pipeline.base.cache import _seal
from pipeline.cli import main
from pipeline.publish import description, tags, vtt
from pipeline.publish.preview import Preview, serve_preview
from pipeline.publish.site import DEFAULTS

LIMIT = 1536 * 2**20  # bytes of address space: a check or a draft build of the tiny project
TIMEOUT = 90  # seconds: a hang fails the test instead of the suite
SECRET = "SECRET-7f3a"
LINE = re.compile(  # a file's problem as a whole (a link) has no line
    r"^(?P<file>[^:\s][^:]*)(?::(?P<line>\d+)(?::\d+)?)?: (?P<key>[\w.\[\]-]+): (?P<msg>.+)$"
)
ACTING = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def _limited() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (LIMIT, LIMIT))


@dataclass
class Ran:
    code: int
    out: str
    err: str

    def line(self, key: str) -> re.Match:
        """The one problem line about `key`: `file:line[:col]: key: message`."""
        found = self.lines(key)
        assert len(found) == 1, f"{key}: {self.err}"
        return found[0]

    def lines(self, key: str) -> list[re.Match]:
        return [m for s in self.err.splitlines() if (m := LINE.match(s)) and m["key"] == key]


@dataclass
class Arena:
    """The project and, beside it, what it must never reach."""

    root: Path
    outside: Path
    before: dict = field(default_factory=dict)

    @property
    def episode(self) -> Path:
        return self.root / "essays" / "tiny.yaml"

    def edit(self, change) -> None:
        data = yaml.safe_load(self.episode.read_text())
        change(data)
        self.episode.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True))

    def series(self, change) -> None:
        path = self.root / "essays" / "series.yaml"
        data = yaml.safe_load(path.read_text())
        change(data)
        path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True))

    def run(self, *args: str, code: int = 2, env: dict | None = None, bounded=False) -> Ran:
        """`essay args` in the project, held to the rules; output/ as it was unless it built.
        `bounded`: in a process of its own, under the address-space limit and a timeout
        (whatever may take memory, or hang on a FIFO); else in this one, which is faster."""
        output = _tree(self.root / "output")
        ran = _apart(self.root, args, env) if bounded else _here(self.root, args, env)
        assert ran.code == code, ran.err
        assert "Traceback" not in ran.err and not re.search("^Error: ", ran.err, re.M), ran.err
        assert not ACTING.search(ran.out + ran.err), repr(ran.out + ran.err)
        assert SECRET not in ran.out + ran.err
        assert _tree(self.outside) == self.before, "something outside the project changed"
        if code != 0:
            assert _tree(self.root / "output") == output, "a refused command changed output/"
        for made in (self.root / "output").rglob("*"):
            if made.is_file() and not made.is_symlink():
                assert SECRET.encode() not in made.read_bytes(), made
        return ran


def _apart(root: Path, args: tuple, env: dict | None) -> Ran:
    proc = subprocess.run(
        [sys.executable, "-m", "pipeline", *args], cwd=root, capture_output=True, text=True,
        timeout=TIMEOUT, preexec_fn=_limited, env={**os.environ, **(env or {})},
    )  # fmt: skip
    return Ran(proc.returncode, proc.stdout, proc.stderr)


def _here(root: Path, args: tuple, env: dict | None) -> Ran:
    with contextlib.chdir(root):
        result = CliRunner().invoke(main, list(args), env=env)
    crashed = result.exception and not isinstance(result.exception, SystemExit)
    assert not crashed, "".join(traceback.format_exception(result.exception))
    return Ran(result.exit_code, result.stdout, result.stderr)


def _tree(folder: Path) -> dict:
    """Every entry under `folder`, with what it is and holds (links not followed)."""
    found = {}
    for path in sorted(folder.rglob("*")) if folder.exists() else ():
        st = path.lstat()
        kind = "link" if path.is_symlink() else "fifo" if path.is_fifo() else "dir" if (
            path.is_dir()) else "file"  # fmt: skip
        data = hashlib.sha256(path.read_bytes()).hexdigest() if kind == "file" else ""
        found[path.relative_to(folder).as_posix()] = (kind, st.st_size, data)
    return found


@pytest.fixture(scope="module")
def pristine(tmp_path_factory) -> Path:
    """The tiny project, delivered (a master build, and a draft): what a refused build must
    leave as it is; its cache makes each test's builds quick."""
    root = make_project(tmp_path_factory.mktemp("hostile") / "proj").root
    for args in (["build", "-q"], ["build", "-q", "--profile", "draft"]):
        with contextlib.chdir(root):
            assert CliRunner().invoke(main, args).exit_code == 0
    return root


@pytest.fixture
def arena(pristine: Path, tmp_path: Path) -> Arena:
    root = tmp_path / "proj"
    shutil.copytree(pristine, root)
    outside = tmp_path / "outside"
    outside.mkdir()
    svg = '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><text>{}</text></svg>'
    (outside / "secret.svg").write_text(svg.format(SECRET))
    Image.new("RGB", (64, 36), (255, 0, 0)).save(outside / "secret.png")
    shutil.copy(root / "assets/t/n1.wav", outside / "secret.wav")
    os.mkfifo(outside / "pipe")
    arena = Arena(root, outside)
    arena.before = _tree(outside)
    return arena


def _lines(text: str) -> list[str]:
    return [s for s in text.splitlines() if s.strip()]


# --- 1. Code from the cache -------------------------------------------------------------


class _Planted:
    """A pickle that, loaded, writes a file: what a forged cache entry would run."""

    def __init__(self, marker: Path):
        self.marker = marker

    def __reduce__(self):
        return (Path.write_text, (self.marker, "ran"))


def test_1_code_planted_in_the_cache_is_never_run(arena: Arena) -> None:
    """The entries the page templates' bytecode was kept under, forged (sealed, as a build
    seals them; Jinja2 unpickles a bytecode file's header): a build runs none of them."""
    marker = arena.outside.parent / "ran"
    area = arena.root / ".essay-cache" / "compiled"
    area.mkdir(parents=True)
    magic = jinja2.bccache.bc_magic
    for name in ("episode.html", "transcript.html", "series.html", "palette.css"):
        key = jinja2.bccache.BytecodeCache().get_cache_key(name, os.path.normpath(DEFAULTS / name))
        entry = area / f"{key}-site-{jinja2.__version__}-1"
        entry.write_bytes(magic + pickle.dumps(_Planted(marker)))
        _seal(entry)
    arena.run("build", "-q", "--profile", "draft", code=0, bounded=True)
    arena.run("build", "-q", code=0)
    assert not marker.exists()
    kept = (arena.root / ".essay-cache").rglob("*")
    assert not any(p.suffix in (".pyc", ".marshal") for p in kept)
    arena.run("prune", code=0)
    assert not area.exists()  # the retired area goes


# --- 2. Links in template folders ---------------------------------------------------------


def _link_template(arena: Arena, where: str, to: str) -> None:
    link = arena.root / where
    link.parent.mkdir(parents=True, exist_ok=True)
    link.unlink(missing_ok=True)
    link.symlink_to(arena.outside / to)


@pytest.mark.parametrize(
    ("where", "to", "key"),
    [
        ("assets/templates/quote.svg", "secret.svg", "sections[1].visuals[1].card"),
        ("assets/templates/quote.svg", "pipe", "sections[1].visuals[1].card"),
        ("assets/templates/site/episode.html", "secret.svg", "templates"),
        ("assets/templates/site/palette.css", "pipe", "templates"),
    ],
    ids=["card", "card-fifo", "page", "included-fifo"],
)
def test_2_a_template_linked_out_of_the_project_is_refused(arena, where, to, key) -> None:
    _link_template(arena, where, to)
    ran = arena.run("check", bounded=True)  # a shared include: each page including it says so
    assert all("leads out of the project folder" in m["msg"] for m in ran.lines(key))
    assert ran.lines(key)
    arena.run("build", "-q", "--profile", "draft", bounded=to == "pipe")


def test_2_a_card_path_and_what_a_card_includes_obey_the_same_rule(arena: Arena) -> None:
    _link_template(arena, "assets/t/evil.svg", "secret.svg")
    own = arena.root / "assets/templates/own.svg"
    own.write_text('{% include "part.svg" %}')
    _link_template(arena, "assets/templates/part.svg", "secret.svg")

    def cards(data: dict) -> None:
        data["sections"][1]["visuals"][1] = {"card": "assets/t/evil.svg"}
        data["sections"][0]["visuals"][0] = {"card": "own"}

    arena.edit(cards)
    ran = arena.run("check")
    for key in ("sections[0].visuals[0].card", "sections[1].visuals[1].card"):
        assert "leads out of the project folder" in ran.line(key)["msg"]


def test_2_a_series_file_or_an_episode_linked_out_is_not_read(arena: Arena) -> None:
    """Read, the FIFO would hang the command past its timeout."""
    (arena.root / "essays" / "other.yaml").symlink_to(arena.outside / "pipe")
    ran = arena.run("check", bounded=True)
    assert "essays/other.yaml: an episode lives in essays/" in ran.err
    arena.run("new", "third", "--film", "X", "--year", "1999", "--director", "Y",
              code=0, bounded=True)  # fmt: skip
    series = arena.root / "essays" / "series.yaml"
    shutil.copy(series, arena.outside / "series.yaml")
    arena.before = _tree(arena.outside)
    series.unlink()
    series.symlink_to(arena.outside / "series.yaml")
    ran = arena.run("check")
    assert "essays/series.yaml: it leads out of the project folder" in ran.err


@pytest.mark.parametrize("href", ["{out}/secret.png", "file://{out}/secret.png", "../x.png"])
def test_2_a_card_loads_no_file(arena: Arena, href: str) -> None:
    svg = (arena.root / "assets/templates/quote.svg").read_text()
    image = f'<image href="{href.format(out=arena.outside)}" width="9" height="9"/>'
    (arena.root / "assets/templates/quote.svg").write_text(svg.replace("</svg>", image + "</svg>"))
    ran = arena.run("check")
    assert "names a file" in ran.line("sections[1].visuals[1].card")["msg"]


# --- 3. Files that name other files -----------------------------------------------------


@pytest.mark.parametrize(
    "playlist",
    [
        "ffconcat version 1.0\nfile 'feed.wav'\n",
        "#EXTM3U\n#EXTINF:1,\nfeed.wav\n",
        "ffconcat version 1.0\nfile '{out}/pipe'\n",
    ],
    ids=["ffconcat", "m3u8", "absolute"],
)
def test_3_a_take_that_names_other_files_is_not_followed(arena: Arena, playlist: str) -> None:
    """It names a file the YAML never did (a link to the FIFO outside, which ffmpeg's own
    'safe' rules let through): were ffmpeg to read it, it would hang past the timeout."""
    (arena.root / "assets/t/feed.wav").symlink_to(arena.outside / "pipe")
    take = arena.root / "assets/t/n0.wav"
    take.write_text(playlist.format(out=arena.outside))
    ran = arena.run("check", bounded=True)
    assert "n0.wav" in ran.line("sections[0].narration.audio")["msg"]
    music = arena.root / "assets/t/bed.mp3"
    music.write_text(playlist.format(out=arena.outside))
    arena.edit(lambda d: d.update(music={"bed": {"file": "assets/t/bed.mp3"}}))
    ran = arena.run("check", bounded=True)
    assert "bed.mp3" in ran.line("music.bed")["msg"]


def test_3_a_still_is_decoded_only_as_a_picture_of_its_kinds(arena: Arena) -> None:
    Image.new("RGB", (640, 480)).save(arena.root / "assets/t/s0.jpg", format="TIFF")
    ran = arena.run("check")
    assert "cannot decode image" in ran.line("sections[0].visuals[1].still")["msg"]


# --- 4 and 13. The preview's server ------------------------------------------------------


@pytest.fixture
def preview(tmp_path: Path):
    folder = tmp_path / "draft"
    folder.mkdir()
    (folder / "index.html").write_text("<html><body>the draft</body></html>")
    (folder / "tiny.mp4").write_bytes(b"x" * 1000)
    server = serve_preview(Preview(folder, "tiny"), 0)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield server.server_address[1]
    server.shutdown()
    server.server_close()


def _ask(port: int, request: str) -> str:
    """The status line the server answers a raw request with ('' if it hung up)."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        s.sendall(request.encode("latin-1"))
        answer = s.recv(4096).decode("latin-1")
    return answer.split("\r\n", 1)[0]


@pytest.mark.parametrize(
    ("host", "status"),
    [
        ("127.0.0.1:{port}", "200"), ("localhost:{port}", "200"), ("LOCALHOST:{port}", "200"),
        ("evil.example:{port}", "421"), ("evil.example", "421"), ("127.0.0.1:1", "421"),
        ("127.0.0.1.evil.example:{port}", "421"), (None, "421"),
    ],
)  # fmt: skip
def test_4_the_preview_answers_only_its_loopback_names(preview: int, host, status) -> None:
    """DNS rebinding: a page elsewhere whose name points at 127.0.0.1 sends its own name."""
    for path in ("/", "/_essay/version", "/tiny.mp4"):
        header = f"Host: {host.format(port=preview)}\r\n" if host else ""
        said = _ask(preview, f"GET {path} HTTP/1.1\r\n{header}Connection: close\r\n\r\n")
        assert said.split(" ")[1] == status, (path, said)


@pytest.mark.parametrize(
    ("path", "range_", "status"),
    [
        ("/%00", None, "400"), ("/index.html%00.x", None, "400"),
        ("/tiny.mp4", "bytes=" + "9" * 5000 + "-", "200"),
        ("/tiny.mp4", "bytes=-" + "9" * 5000, "200"),
        ("/tiny.mp4", "bytes=99999999999999999-", "416"),
        ("/tiny.mp4", "bytes=10-20", "206"),
    ],
)  # fmt: skip
def test_13_a_nul_or_an_enormous_range_gets_a_status(preview: int, path, range_, status) -> None:
    head = f"Host: 127.0.0.1:{preview}\r\nConnection: close\r\n"
    head += f"Range: {range_}\r\n" if range_ else ""
    assert _ask(preview, f"GET {path} HTTP/1.1\r\n{head}\r\n").split(" ")[1] == status


# --- 5. Terminal and line injection --------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "key"),
    [
        (lambda d: d["sections"][0]["narration"].update(text="Hi \x1b]0;owned\x07 there."),
         "sections[0].narration.text"),
        (lambda d: d["sections"][0]["narration"].update(text='Hi {{ "\\x1b[2J" }} there.'),
         "sections[0].narration.text"),
        (lambda d: d["sections"][1]["visuals"][1]["fields"].update(text="a\x9bb"),
         "sections[1].visuals[1].fields"),
        (lambda d: d["sections"][0]["visuals"][1].update(caption="\x08\x08\x08caption"),
         "sections[0].visuals[1].caption"),
        (lambda d: d.update(title="Her \u202eeht gnidne"), "title"),
        (lambda d: d["film"].update(director="Spike\u2066 Jonze"), "film.director"),
        (lambda d: d.update(summary="about\x00it"), "summary"),
    ],
    ids=["osc", "jinja", "c1", "backspace", "rlo", "isolate", "nul"],
)  # fmt: skip
def test_5_control_characters_in_author_text_are_refused_and_never_printed(arena, change, key):
    arena.edit(change)
    ran = arena.run("check")
    assert re.search(r"U\+[0-9A-F]{4}", ran.line(key)["msg"])
    arena.run("build", "-q", "--profile", "draft")


def test_5_a_path_with_an_escape_is_refused_and_said_escaped(arena: Arena) -> None:
    arena.edit(lambda d: d["sections"][0]["visuals"][1].update(still="assets/t/\x1b[31mred.jpg"))
    assert "U+001B (ESC)" in arena.run("check").line("sections[0].visuals[1].still")["msg"]
    for name in ("\x1b]0;owned\x07", "two\nlines"):  # files whose names are the slug
        (arena.root / "essays" / f"{name}.yaml").write_text("episode: 2")
    said = _lines(arena.run("check").err)
    assert sum("\\x1b]0;owned\\x07.yaml: got " in s for s in said) == 1, said
    assert sum("two\\nlines.yaml: got " in s for s in said) == 1, said


def test_5_right_to_left_text_tabs_and_lines_of_narration_are_welcome(arena: Arena) -> None:
    def text(d: dict) -> None:
        d["sections"][0]["narration"]["text"] = "שלום עולם.\tA line,\nand the next, \u200fone."
        d["title"] = "Her: مرحبا"

    arena.edit(text)
    arena.run("check", code=0)


# --- 6. essay verify ----------------------------------------------------------------------


def _delivered(arena: Arena) -> Path:
    """The tree a build delivered, as its manifest lists it."""
    arena.run("verify", code=0)
    return arena.root / "output"


def _listing(path: str) -> dict:
    return {"path": path, "bytes": 1, "sha256": "0" * 64}


def _manifest(out: Path, change) -> None:
    data = json.loads((out / "manifest.json").read_text())
    change(data)
    (out / "manifest.json").write_text(json.dumps(data))


@pytest.mark.parametrize(
    ("change", "says"),
    [
        (lambda m: m["files"].append(_listing("../essays/tiny.yaml")), "not a file inside"),
        (lambda m: m["files"].append(_listing("{out}/secret.svg")), "not a file inside"),
        (lambda m: m.update(files=[]), "lists no files"),
        (lambda m: m.update(files={"a": 1}), "lists no files"),
        (lambda m: m["files"].append([1, 2]), "is not an entry"),
        (lambda m: m["files"][0].update(bytes="12"), "has no size"),
        (lambda m: m["files"][0].update(sha256=None), "has no SHA-256"),
        (lambda m: m.clear(), "not JSON of the form"),
    ],
    ids=["dotdot", "absolute", "empty", "mapping", "list-entry", "bytes", "sha", "no-files"],
)  # fmt: skip
def test_6_verify_refuses_a_manifest_it_cannot_trust(arena: Arena, change, says) -> None:
    out = _delivered(arena)
    _manifest(out, change)
    text = (out / "manifest.json").read_text().replace("{out}", str(arena.outside))
    (out / "manifest.json").write_text(text)
    ran = arena.run("verify")
    assert len(_lines(ran.err)) == 1 and says in ran.err, ran.err


def test_6_verify_reports_every_extra_linked_or_missing_file(arena: Arena) -> None:
    out = _delivered(arena)
    (out / "new-folder").mkdir()
    (out / "new-folder" / "payload.js").write_text("x")
    (out / ".hidden").write_text("x")
    (out / "tiny" / "tiny.srt").unlink()
    (out / "tiny" / "tiny.srt").symlink_to(arena.outside / "secret.svg")
    (out / "tiny" / "index.html").unlink()
    (out / "elsewhere").symlink_to(arena.outside)
    assert (out / "tiny-draft").is_dir()  # an episode's own draft: not delivered, passed over
    ran = arena.run("verify", code=1)
    said = set(_lines(ran.err)[:-1])
    assert said == {
        "linked: output/tiny/tiny.srt", "missing: output/tiny/index.html",
        "extra: output/new-folder/payload.js", "extra: output/.hidden",
        "linked: output/elsewhere",
    }, ran.err  # fmt: skip


# --- 7. Resources -------------------------------------------------------------------------


def _wav(rate: int, data: bytes, channels: int = 1, fmt_size: int = 16) -> bytes:
    block = channels * 2
    fmt = struct.pack("<HHIIHH", 1, channels, rate, rate * block, block, 16)[:fmt_size]
    body = b"WAVE" + b"fmt " + struct.pack("<I", len(fmt)) + fmt
    body += b"data" + struct.pack("<I", len(data)) + data
    return b"RIFF" + struct.pack("<I", len(body)) + body


def test_7_a_wav_whose_header_claims_1_hz_is_refused_before_it_is_decoded(arena: Arena) -> None:
    """96 kB at '1 Hz' is 13 hours: decoded at 48 kHz it took 19 GB; here the limit is 1.5."""
    noise = (speechlike(1.0) * 20000).astype("<i2").tobytes()
    (arena.root / "assets/t/n0.wav").write_bytes(_wav(1, noise))
    (arena.root / "assets/t/n1.wav").write_bytes(_wav(1, noise, channels=2))
    ran = arena.run("check", bounded=True)
    for k in (0, 1):
        assert "sampled at 1 Hz" in ran.line(f"sections[{k}].narration.audio")["msg"]


BOMBS = {
    "repeat": "{{ 'x' * 10**10 }}",
    "list repeat": "{{ ['x' * 90000] * 100000 }}",
    "concat loop": "{% set n = namespace(s='ab') %}{% for i in range(60) %}"
    "{% set n.s = n.s ~ n.s %}{% endfor %}{{ n.s }}",
    "percent": "{{ '%999999999s' % 'x' }}",
    "format": "{{ '%*d' | format(999999999, 1) }}",
    "str.format": "{{ '{:>999999999}'.format(1) }}",
    "center": "{{ 'x' | center(999999999) }}",
    "ljust": "{{ 'x'.ljust(999999999) }}",
    "indent": "{{ ('\\n' * 99999) | indent(99999, true, true) }}",
    "lipsum": "{{ lipsum(10**6) }}",
    "replace": "{{ ('x' * 99999) | replace('', 'y' * 99999) }}",
    "join": "{{ range(99999) | join('y' * 99999) }}",
    "nested loops": "{% for a in range(99999) %}{% for b in range(99999) %}"
    "{% endfor %}{% endfor %}",
    "filtered loops": "{% for a in range(99999) %}{% for b in range(99999) if b < 0 %}"
    "{% endfor %}{% endfor %}",
    "macro": "{% macro f(n) %}{% if n %}{{ f(n - 1) }}{{ f(n - 1) }}{% endif %}{% endmacro %}"
    "{{ f(64) }}",
    "power": "{{ ((10 ** 999) ** 999) ** 999 }}",
    "output": "{% for i in range(99999) %}{{ 'x' * 99999 }}{% endfor %}",
}


def test_7_template_expressions_cost_bounded_memory_and_time(arena: Arena) -> None:
    """Every bomb at once, a card field each: each is one line, within 1.5 GB and the
    timeout; none takes the machine."""

    def cards(d: dict) -> None:
        d["sections"][0]["visuals"] = [
            {"card": "quote", "fields": {"text": bomb}} for bomb in BOMBS.values()
        ]

    arena.edit(cards)
    ran = arena.run("check", bounded=True)
    for k, name in enumerate(BOMBS):
        said = ran.line(f"sections[0].visuals[{k}].fields.text")["msg"]
        assert "refused by the sandbox" in said or "runs without end" in said, (name, said)


def test_7_what_a_text_may_ask_of_the_sandbox_is_still_given(arena: Arena) -> None:
    """The bounds leave the ordinary alone: widths, repeats and loops within them."""
    text = ("{{ '{:,}'.format(10**6) }} {{ film.title | center(30) | trim }} {{ '-' * 20 }}"
            "{% for w in range(3) %} {{ loop.index }}{% endfor %} {{ ['a', 'b'] | join(', ') }}"
            " {{ '%5.1f' % 2.25 }} {{ 5 | default(200000) }}")  # fmt: skip
    arena.edit(lambda d: d["sections"][1]["visuals"][1]["fields"].update(text=text))
    arena.run("check", code=0)


@pytest.mark.parametrize("template", ["card", "page"])
def test_7_a_template_of_the_series_is_bounded_too(arena: Arena, template: str) -> None:
    bomb = "{% for a in range(99999) %}{% for b in range(99999) %}{% endfor %}{% endfor %}"
    if template == "card":
        path = arena.root / "assets/templates/quote.svg"
        path.write_text(bomb + path.read_text())
        key = "sections[1].visuals[1].card"
    else:
        path = arena.root / "assets/templates/site/episode.html"
        path.parent.mkdir()
        path.write_text(bomb)
        key = "templates"
    ran = arena.run("check", bounded=True)
    assert "refused by the sandbox" in ran.line(key)["msg"]


# --- 8. Hangs -----------------------------------------------------------------------------


def test_8_a_fifo_among_the_episodes_does_not_hang_the_series(arena: Arena) -> None:
    os.mkfifo(arena.root / "essays" / "pipe.yaml")
    ran = arena.run("check", bounded=True)
    assert "it is a FIFO" in ran.err and "essays/tiny.yaml: ok" in ran.out


def test_8_a_fifo_where_a_file_is_read_does_not_hang(arena: Arena) -> None:
    (arena.root / "output/manifest.json").unlink()
    os.mkfifo(arena.root / "output/manifest.json")
    ran = arena.run("verify", bounded=True)
    assert "FIFO" in ran.err and len(_lines(ran.err)) == 1


@pytest.mark.parametrize("address", ["nonsense", "tcp://", "tcp://host:99999", "http://x y"])
def test_8_a_scheduler_that_is_no_address_is_one_line_at_once(arena: Arena, address) -> None:
    ran = arena.run("build", "-q", env={"ESSAY_SCHEDULER": address})
    assert len(_lines(ran.err)) == 1 and "is not the address of a Dask scheduler" in ran.err


# --- 9. Tracebacks, and 10. what a build would refuse, check refuses first ----------------


@pytest.mark.parametrize(
    ("change", "key"),
    [
        (lambda d: d["sections"][0]["visuals"][0].update(weight=1e308),
         "sections[0].visuals[0].weight"),
        (lambda d: d["sections"][0]["narration"].update(end=1e308), "sections[0].narration.end"),
        (lambda d: d.update(subtitles={"max_duration": 1e308}), "subtitles.max_duration"),
        (lambda d: d.update(subtitles={"min_gap_frames": 10**30}), "subtitles.min_gap_frames"),
        (lambda d: d.update(guid="tiny\x00guid"), "guid"),
        (lambda d: d.update(site={"url": "https://example.org/\x1b/"}), "site.url"),
        (lambda d: d.update(site={"url": "https://example.org/", "category": 'TV "&" Film'}),
         "site.category"),
        (lambda d: d.update(video={"crf": 0}), "video.crf"),
        (lambda d: d.update(audio={"bitrate": "99999999999999999999k"}), "audio.bitrate"),
        (lambda d: d.update(audio={"edition_bitrate": "999k"}), "audio.edition_bitrate"),
    ],
    ids=["weight", "end", "max_duration", "min_gap", "guid", "url", "category", "crf",
         "bitrate", "mp3-bitrate"],
)  # fmt: skip
def test_9_10_settings_a_build_cannot_carry_are_refused_by_check(arena, change, key) -> None:
    """What would stop a build (or fail it after the episode is delivered, leaving the
    series' files stale) is refused by check, and by the build before it touches output/."""
    arena.edit(change)
    arena.run("check").line(key)
    arena.run("build", "-q").line(key)


@pytest.mark.parametrize(
    ("template", "says"),
    [
        ('<!DOCTYPE svg [<!ENTITY e "{{ card.text }}">]>', "DOCTYPE"),
        ("<?xml-stylesheet href='x.css'?>", "instruction"),
        ("<g>\x01</g>", "not well-formed"),
        ("{{ '\\x07' }}", "not well-formed"),
    ],
    ids=["doctype", "stylesheet", "control", "control-made"],
)
def test_10_a_card_resvg_would_refuse_is_refused_by_check(arena, template, says) -> None:
    path = arena.root / "assets/templates/quote.svg"
    text = path.read_text()
    head = text.index("<svg")
    path.write_text(text[:head] + template + text[head:] if "DOCTYPE" in template or "?" in template
                    else text.replace("</svg>", template + "</svg>"))  # fmt: skip
    assert says in arena.run("check").line("sections[1].visuals[1].card")["msg"]
    arena.run("build", "-q", "--profile", "draft").line("sections[1].visuals[1].card")


@pytest.mark.parametrize(
    ("page", "text", "line"),
    [("episode.html", "x\n{% for x in %}", 2), ("series.html", "{{ 1 // 0 }}", 1),
     ("transcript.html", "{{ episode.nothing.here }}", 1)],
)  # fmt: skip
def test_9_10_a_page_template_that_fails_is_a_located_problem_of_check(arena, page, text, line):
    path = arena.root / "assets/templates/site" / page
    path.parent.mkdir()
    path.write_text(text)
    for ran in (arena.run("check"), arena.run("build", "-q")):
        said = ran.line("templates")
        assert said["file"] == f"assets/templates/site/{page}" and int(said["line"]) == line


def test_10_a_name_longer_than_the_file_system_holds_is_one_line(arena: Arena) -> None:
    def long(d: dict) -> None:
        d["sections"][0]["visuals"][1]["still"] = "assets/" + "a" * 300 + ".jpg"
        d["sections"][0]["narration"]["audio"] = "assets/" + "c/" * 3000 + "x.wav"
        d["templates"] = "t" * 400

    arena.edit(long)
    for ran in (arena.run("check"), arena.run("build", "-q")):
        for key in ("sections[0].visuals[1].still", "sections[0].narration.audio"):
            assert "cannot look up" in ran.line(key)["msg"]
        assert "no templates folder" in ran.line("templates")["msg"]


def test_11_new_writes_nothing_through_a_link_out_of_the_project(arena: Arena) -> None:
    (arena.root / "assets" / "third").symlink_to(arena.outside)
    ran = arena.run("new", "third", "--film", "X", "--year", "1999", "--director", "Y")
    assert "link out of the project" in ran.err and len(_lines(ran.err)) == 1
    assert not (arena.root / "essays" / "third.yaml").exists()


def test_9_prune_with_a_size_past_any_disk_is_one_line(arena: Arena) -> None:
    ran = arena.run("prune", "--max-size", "9" * 400)
    assert len(_lines(ran.err)) == 1 and "--max-size" in ran.err


@pytest.mark.parametrize("header", ["short fmt", "no channels", "no block"])
def test_9_a_wav_with_absurd_header_values_is_one_line(arena: Arena, header: str) -> None:
    noise = (speechlike(1.0) * 20000).astype("<i2").tobytes()
    wav = {
        "short fmt": _wav(RATE, noise, fmt_size=4),
        "no channels": _wav(RATE, noise, channels=0),
        "no block": _wav(RATE, noise)[:32] + b"\x00\x00" + _wav(RATE, noise)[34:],
    }[header]
    (arena.root / "assets/t/n0.wav").write_bytes(wav)
    arena.run("check").line("sections[0].narration.audio")


# --- 11. Names that collide -----------------------------------------------------------------


@pytest.mark.parametrize(
    "slug", ["her-draft", "tiny-timeline", "index.html", "feed.xml", "cover.jpg",
             "manifest.json", "Tiny", "a_b", "x" * 65, "series"],
)  # fmt: skip
def test_11_a_name_that_collides_is_refused_by_check_build_and_new(arena: Arena, slug) -> None:
    name = f"{slug}.yml" if slug == "series" else f"{slug}.yaml"  # beside series.yaml
    path = arena.root / "essays" / name
    path.write_text(arena.episode.read_text())
    for args in (("check", f"essays/{name}"), ("build", "-q", f"essays/{name}")):
        ran = arena.run(*args)
        said = [s for s in _lines(ran.err) if s.startswith(f"essays/{name}: ")]
        assert len(said) == 1 and "name" in said[0], ran.err
    ran = arena.run("watch", "--port", "1", f"essays/{name}")  # refused before it serves
    assert "nothing to watch" in ran.err
    path.unlink()
    essays = sorted((arena.root / "essays").iterdir())
    ran = arena.run("new", slug, "--film", "X", "--year", "1999", "--director", "Y")
    assert len(_lines(ran.err)) == 1 and sorted((arena.root / "essays").iterdir()) == essays


@pytest.mark.parametrize("what", ["file", "link"])
def test_11_what_stands_where_the_episodes_folder_goes_leaves_no_litter(arena, what) -> None:
    out = arena.root / "output"
    shutil.rmtree(out / "tiny")
    if what == "file":
        (out / "tiny").write_text("in the way")
    else:
        (out / "tiny").symlink_to(arena.outside)
    arena.run("build", "-q", "--profile", "draft", code=0)
    arena.run("build", "-q", code=0)
    assert (out / "tiny" / "index.html").is_file() and not (out / "tiny").is_symlink()
    assert not [p.name for p in out.iterdir() if p.name.startswith(".")]


# --- 12. Line-based outputs -------------------------------------------------------------


@pytest.mark.parametrize("title", ["One\n0:01 Forged", "One\r0:01 Forged", "One\u2028Two",
                                   "One\u202eowT", "One\x0bTwo"])  # fmt: skip
def test_12_a_break_or_a_bidi_override_in_a_title_is_refused(arena: Arena, title: str) -> None:
    arena.edit(lambda d: d["sections"][0].update(title=title))
    arena.run("check").line("sections[0].title")
    arena.edit(lambda d: (d["sections"][0].update(title="One"), d.update(title=title)))
    arena.run("check").line("title")


def test_12_each_line_based_file_keeps_a_title_on_its_line() -> None:
    """Behind the check, each format itself: a title's break never makes a line."""
    forged = "One\n0:00 Forged\r\n\nWEBVTT"
    assert "\n" not in description._title(forged)
    assert vtt.vtt_file([("00:00:00.000", "00:00:01.000", (forged,))]).count("\n") == 4
    escaped = tags._escape(forged)
    assert not re.search(r"(?<!\\)[\r\n]", escaped)


# --- 13. Wrong diagnosis ----------------------------------------------------------------------


def test_13_a_take_with_little_speech_is_not_called_silent(arena: Arena) -> None:
    quiet = speechlike(0.5, seed=3).tolist() + [0.0005 * ((-1) ** k) for k in range(20 * RATE)]
    write_wav(arena.root / "assets/t/n0.wav", __import__("numpy").array(quiet, "float32"))
    said = arena.run("check").line("sections[0].narration.audio")["msg"]
    assert "silent" not in said and "in only 0.5 s of its 20.5 s" in said


def test_13_two_sections_on_one_take_without_a_start_are_told_so(arena: Arena) -> None:
    arena.edit(lambda d: d["sections"][1]["narration"].update(audio="assets/t/n0.wav"))
    said = arena.run("check").line("sections[1].narration.audio")["msg"]
    assert "silent" not in said and "`start`" in said


def test_13_an_episodes_fonts_merge_over_the_series(arena: Arena) -> None:
    arena.edit(lambda d: d.update(fonts={"serif": "assets/fonts/Lato-Regular.ttf"}))
    arena.run("check", code=0)


@pytest.mark.parametrize("tag", ["!foo", "!!python/object:os.system", "!!omap", "!!set"])
def test_13_a_tag_on_a_mapping_is_refused(arena: Arena, tag: str) -> None:
    text = arena.episode.read_text().replace("film:\n", f"film: {tag}\n", 1)
    arena.episode.write_text(text)
    assert "YAML tag not allowed" in arena.run("check").line("film")["msg"]


def test_13_a_newline_in_a_file_name_keeps_the_problem_on_one_line(arena: Arena) -> None:
    arena.edit(lambda d: d["sections"][0]["visuals"][1].update(still="assets/t/a\nb.jpg"))
    ran = arena.run("check")
    said = [s for s in _lines(ran.err) if "still" in s]
    assert len(said) == 1 and LINE.match(said[0]), ran.err


@pytest.mark.slow  # a real `essay watch`, its first draft built: some seconds
def test_4_a_real_watch_refuses_another_host(arena: Arena) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen(
        [sys.executable, "-m", "pipeline", "watch", "-q", "--port", str(port),
         "essays/tiny.yaml"], cwd=arena.root, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        preexec_fn=_limited,
    )  # fmt: skip
    try:
        for _ in range(300):
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                conn.request("GET", "/_essay/version")
                if json.loads(conn.getresponse().read())["state"] == "ready":
                    break
            except (OSError, ValueError):
                pass
            threading.Event().wait(0.2)
        for host, status in (("rebound.example:%d", 421), ("127.0.0.1:%d", 200)):
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/", headers={"Host": host % port})
            assert conn.getresponse().status == status
    finally:
        proc.terminate()
        _, err = proc.communicate(timeout=30)
    assert b"Traceback" not in err and SECRET.encode() not in err
