"""`essay watch` as the author runs it: a real process on a free port over the tiny project,
edited on disk as an editor saves, its preview read over HTTP (and in Chromium, where there
is one). One process serves the module's tests in order; the last one stops it."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
import yaml
from conftest import make_project, write_still

from pipeline.base.cache import SEAL, SEGMENTS
from pipeline.base.progress import Progress
from pipeline.produce import build
from pipeline.produce.watch import Superseded, _Cancellable, _watched
from pipeline.publish.profiles import DRAFT
from pipeline.script.project import Project

CHROMIUM = Path(os.environ.get("ESSAY_CHROMIUM", "/usr/bin/chromium"))
ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"]
# One real `essay watch` serves these in order (about 20 s): the slow suite's, as CI runs it;
# the cancelling of a build itself is tested in the default suite, in-process.
SERVED = pytest.mark.slow


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Watching:
    """The process, its address, and the project it watches."""

    def __init__(self, root: Path, port: int, slug: str = "tiny"):
        self.root, self.port = root, port
        self.url = f"http://127.0.0.1:{port}/"
        self.episode = root / "essays" / f"{slug}.yaml"
        cmd = [
            sys.executable,
            "-m",
            "pipeline",
            "watch",
            f"essays/{slug}.yaml",
            "--port",
            str(port),
        ]
        self.proc = subprocess.Popen(
            cmd, cwd=root, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )

    def get(self, path: str) -> str:
        with urllib.request.urlopen(self.url + path, timeout=5) as answer:
            return answer.read().decode()

    def state(self) -> dict:
        return json.loads(self.get("_essay/version"))

    def until(self, test, timeout: float = 30.0) -> dict:
        """Poll the version endpoint until `test(state)`; the state it passed with."""
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            assert self.proc.poll() is None, self.proc.communicate()
            try:
                state = self.state()
            except OSError:  # not listening yet
                state = None
            if state and test(state):
                return state
            time.sleep(0.01)
        raise AssertionError(f"not within {timeout} s; last state {state}")

    def doc(self) -> dict:
        return yaml.safe_load(self.episode.read_text())

    def save(self, doc: dict) -> float:
        """Save as an editor does (a temporary, then a rename); when it was saved."""
        tmp = self.episode.with_name(f".{self.episode.name}.tmp")
        tmp.write_text(yaml.safe_dump(doc, sort_keys=False, allow_unicode=True))
        tmp.replace(self.episode)
        return time.monotonic()

    def said(self, text: str) -> float:
        """Save the second section's narration as `text`."""
        doc = self.doc()
        doc["sections"][1]["narration"]["text"] = text
        return self.save(doc)


@pytest.fixture(scope="module")
def watching(tmp_path_factory) -> Watching:
    root = tmp_path_factory.mktemp("watch") / "proj"
    project = make_project(root)
    data = project.read()  # the section edited here is read by the scratch voice: it says
    data["sections"][1]["narration"]["audio"] = "scratch"  # each new text, as the author hears
    project.write(data)
    seen = Watching(root, free_port())
    seen.until(lambda s: s["version"] == 1 and s["state"] == "ready", timeout=60)
    yield seen
    if seen.proc.poll() is None:
        seen.proc.kill()
        seen.proc.communicate()


def ready_after(version: int):
    return lambda s: s["version"] > version and s["state"] == "ready"


@SERVED
def test_a_text_edit_is_served(watching: Watching) -> None:
    """How soon is benchmarks/watch.py's to measure; here, that it is served at all."""
    before = watching.state()
    watching.said("The second section, said again, talks about how it ends.")
    state = watching.until(ready_after(before["version"]))
    assert "said again, talks about how it ends." in watching.get("tiny.vtt")
    # The page reloads at the section edited: the second starts after the first's take.
    assert 3.0 < state["at"] < 6.0
    assert state["problems"] == [] and state["builds"] == before["builds"] + 1


@SERVED
def test_the_page_is_served_with_the_live_script_and_the_video_seeks(watching) -> None:
    page = watching.get("")
    assert 'id="essay-live"' in page and "/_essay/events" in page
    assert "essay-live" not in (watching.root / "output/tiny-draft/index.html").read_text()
    ask = urllib.request.Request(watching.url + "tiny.mp4", headers={"Range": "bytes=100-199"})
    with urllib.request.urlopen(ask, timeout=5) as answer:
        assert answer.status == 206 and len(answer.read()) == 100
        assert answer.headers["Cache-Control"] == "no-store"


@SERVED
def test_a_broken_save_shows_its_problem_and_keeps_the_last_good_preview(watching) -> None:
    good = watching.get("tiny.vtt")
    before = watching.state()
    watching.episode.write_text(watching.episode.read_text() + "\nsections: [oops\n")
    state = watching.until(lambda s: s["state"] == "problems")
    assert state["version"] == before["version"]
    assert "YAML syntax error" in state["problems"][0]
    assert state["problems"][0].startswith("essays/tiny.yaml:")
    assert state["problems"][-1] == "1 problem found; the page shows the last good build"
    assert watching.get("tiny.vtt") == good
    assert "said again" in watching.get("")
    doc = yaml.safe_load(watching.episode.read_text().rsplit("\nsections: [oops", 1)[0])
    watching.save(doc)
    watching.until(lambda s: s["state"] == "ready" and not s["problems"])


@SERVED
def test_an_atomic_save_and_a_burst_of_saves_are_one_build_each(watching) -> None:
    before = watching.state()
    watching.said("The second section, saved once, talks about how it ends.")
    after = watching.until(ready_after(before["version"]))
    assert after["builds"] == before["builds"] + 1
    doc = watching.doc()
    for k in range(5):  # an editor that writes a file in several goes
        doc["sections"][1]["narration"]["text"] = f"The second section, in burst {k}, ends."
        watching.episode.write_text(yaml.safe_dump(doc, sort_keys=False))
        time.sleep(0.01)
    last = watching.until(ready_after(after["version"]))
    assert "in burst 4, ends." in watching.get("tiny.vtt")
    # A fence rather than a wait: the watcher tells changes in order, so a burst told as two
    # would have started a second build (or cancelled one) before the marker's
    watching.said("The second section, the marker, ends.")
    fenced = watching.until(lambda s: ready_after(last["version"])(s) and "marker" in
                            watching.get("tiny.vtt"))  # fmt: skip
    assert fenced["builds"] == after["builds"] + 2
    assert fenced["cancelled"] == after["cancelled"]


@SERVED
def test_saves_during_a_render_cancel_it_and_the_last_one_is_served(watching) -> None:
    before = watching.state()
    stills = [
        write_still(watching.root / f"assets/t/new{k}.jpg", seed=10 + k).relative_to(watching.root)
        for k in range(3)
    ]
    doc = watching.doc()
    for k, still in enumerate(stills):  # each save asks for both sections to render again
        doc["sections"][0]["visuals"][1]["still"] = str(still)
        doc["sections"][1]["visuals"][0]["still"] = str(still)
        doc["sections"][1]["narration"]["text"] = f"The second section, at save {k}, ends."
        watching.save(doc)
        if k < 2:
            watching.until(lambda s, k=k: s["builds"] == before["builds"] + k + 1)
            time.sleep(0.15)  # into its render
    state = watching.until(lambda s: s["state"] == "ready" and s["version"] > before["version"])
    assert state["cancelled"] >= before["cancelled"] + 1
    assert "at save 2, ends." in watching.get("tiny.vtt")
    assert state["version"] == before["version"] + 1  # the cancelled builds replaced nothing
    cache = watching.root / ".essay-cache" / SEGMENTS
    names = [p.name for p in cache.iterdir()]
    assert not [n for n in names if n.startswith(".")]  # nothing half-made left
    assert all(f"{n}{SEAL}" in names for n in names if not n.endswith(SEAL))


@SERVED
def test_a_port_in_use_is_one_line(watching) -> None:
    cmd = [sys.executable, "-m", "pipeline", "watch", "essays/tiny.yaml"]
    done = subprocess.run(
        [*cmd, "--port", str(watching.port)], cwd=watching.root, capture_output=True, text=True
    )
    assert done.returncode == 1
    assert done.stderr == f"error: port {watching.port} is in use; choose another with --port\n"


@SERVED
def test_the_page_reloads_with_the_new_text_and_shows_problems(watching) -> None:
    sync_playwright = pytest.importorskip("playwright.sync_api").sync_playwright
    if not CHROMIUM.is_file():
        pytest.skip(f"the page part needs a Chromium at {CHROMIUM} (or ESSAY_CHROMIUM)")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        page = browser.new_page()
        page.goto(watching.url)
        page.wait_for_function("document.getElementById('player').readyState >= 1")
        page.wait_for_timeout(200)  # the event stream connected
        saved = watching.said("The second section, seen in the page, ends.")
        page.wait_for_function(
            "document.querySelector('.transcript').textContent.includes('seen in the page')"
        )
        seen = time.monotonic() - saved  # how soon is benchmarks/watch.py's to measure
        at = page.evaluate("location.hash")  # the second section, after the first's take
        assert at.startswith("#t=") and 3.0 < float(at[3:]) < 6.0, at
        watching.episode.write_text(watching.episode.read_text() + "\nsections: [oops\n")
        banner = page.locator("#essay-problems")
        banner.wait_for(state="visible")
        assert "YAML syntax error" in banner.inner_text()
        assert "seen in the page" in page.locator(".transcript").inner_text()
        browser.close()
    print(f"the page showed the edit {seen:.2f} s after the save")  # pytest -rP shows it


@SERVED
def test_sigint_stops_it_with_one_line(watching) -> None:
    watching.proc.send_signal(signal.SIGINT)
    out, err = watching.proc.communicate(timeout=10)
    assert watching.proc.returncode == 130
    assert err.splitlines()[-1] == "interrupted; the preview is stopped"
    assert "Traceback" not in err + out
    with (
        pytest.raises(ConnectionRefusedError),
        socket.create_connection(("127.0.0.1", watching.port), timeout=2),
    ):
        pass


def test_a_newer_save_stops_a_build_between_frames_and_the_cache_stays_whole(project) -> None:
    """In-process: the build's progress raises at the 20th frame, as a save would make it."""
    frames = []

    def stale() -> bool:
        return len(frames) > 20

    class Counting(Progress):
        def frame(self, job) -> None:
            frames.append(job)

    opened = Project.containing(project.episode)
    with pytest.raises(Superseded):
        build(project.episode, DRAFT, progress=_Cancellable(Counting(), stale), project=opened)
    cache = project.root / ".essay-cache"
    assert not [p for p in (cache / SEGMENTS).iterdir() if p.name.startswith(".")]
    assert not list((cache / "work").iterdir())
    assert not (project.root / "output" / "tiny-draft").exists()
    built = build(project.episode, DRAFT, project=opened)
    assert built.frames_encoded > 0


@pytest.mark.slow  # a new episode's six scratch sections drafted, then edited: half a minute
def test_the_authors_loop_new_watch_edit_see_with_no_take(tmp_path) -> None:
    root = tmp_path / "proj"
    make_project(root)
    new = [sys.executable, "-m", "pipeline", "new", "loop", "--film", "The Third Man",
           "--year", "1949", "--director", "Carol Reed"]  # fmt: skip
    made = subprocess.run(new, cwd=root, capture_output=True, text=True)
    assert made.returncode == 0, made.stderr
    assert not list((root / "assets" / "loop" / "narration").glob("*.wav"))  # no take
    seen = Watching(root, free_port(), "loop")
    try:
        first = seen.until(lambda s: s["version"] == 1 and s["state"] == "ready", timeout=120)
        assert first["problems"] == []
        doc = seen.doc()
        doc["sections"][2]["narration"]["text"] = "Harry Lime smiles from the doorway."
        seen.save(doc)
        seen.until(ready_after(first["version"]), timeout=30)
        # a new scratch take for the line, so a new length: its shots and the sound made again
        # (how soon: benchmarks/watch.py)
        assert "Harry Lime smiles from the doorway." in seen.get("loop.vtt")
    finally:
        seen.proc.send_signal(signal.SIGINT)
        seen.proc.communicate(timeout=30)


def test_a_scratch_section_watches_nothing_outside_the_project(project, tmp_path, monkeypatch):
    """A section on the synthetic voice has no take file: nothing of the working folder (a
    home folder, say, with other things in it) is watched on its account."""
    elsewhere = tmp_path / "home"
    (elsewhere / "Videos").mkdir(parents=True)
    (elsewhere / "notes.txt").write_text("not the project's")
    monkeypatch.chdir(elsewhere)
    doc = project.read()
    doc["sections"][1]["narration"]["audio"] = "scratch"
    project.write(doc)
    opened = Project.containing(project.episode)
    essay = opened.load(project.episode)
    assert essay.sections[1].narration.scratch and essay.sections[1].narration.audio is None
    folders, counts = _watched(opened, project.episode, essay)
    assert folders and all(f.is_relative_to(project.root.resolve()) for f in folders)
    assert not counts(elsewhere / "notes.txt") and not counts(elsewhere.resolve())
