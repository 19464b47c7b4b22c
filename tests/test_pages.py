"""The pages as a subscriber's browser shows them: a real Chromium (Debian's, driven by
Playwright) over a tiny two-episode series, served from a loopback web server and opened from
the folder itself (file://, where the browser refuses track files and the page adds its cues).

The series is built once for the module. Its author text is hostile on purpose: a title and a
chapter with `&` and `<...>`, a summary and a quote card with `<script>`.
"""

from __future__ import annotations

import copy
import dataclasses
import functools
import html
import json
import os
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
import webvtt
import yaml
from conftest import make_project

from pipeline.produce import build
from pipeline.produce.series import publish_series
from pipeline.publish.facts import FACTS_SUFFIX, EpisodeFacts
from pipeline.publish.profiles import MASTER
from pipeline.publish.serve import Served, Server
from pipeline.publish.site import SiteTemplates
from pipeline.publish.times import clock
from pipeline.script.project import Project

try:
    from playwright.sync_api import Browser, Page, expect, sync_playwright
except ImportError:  # checked below, with the browser
    sync_playwright = None

CHROMIUM = Path(os.environ.get("ESSAY_CHROMIUM", "/usr/bin/chromium"))
if sync_playwright is None:
    pytest.skip(
        "the page tests drive Chromium with playwright (Python), which is not installed",
        allow_module_level=True,
    )
if not CHROMIUM.is_file():
    pytest.skip(
        f"the page tests need a Chromium at {CHROMIUM} (Debian: apt install chromium; "
        "or set ESSAY_CHROMIUM); they never download one",
        allow_module_level=True,
    )

# Without the background-networking flags Chromium reaches for the network at start.
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
LAPTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
WHERE = ["http", "file"]
SLUGS = ["tiny", "other"]
SETTINGS = """
renditions: [180, 120, 90]
site: {url: "https://example.org/who-what/", language: en}
"""
SCRIPT = "<script>alert(1)</script>"
PLAYER = "document.getElementById('player')"


# The series ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def output(tmp_path_factory) -> Path:
    """Two episodes (the second the newer), three renditions each, and the series' files."""
    root = tmp_path_factory.mktemp("pages") / "proj"
    project = make_project(root)
    first = project.read()
    first["summary"] = f"Who {SCRIPT} & what"
    first["sections"][1]["title"] = "Fish & <chips>"
    first["sections"][1]["visuals"][1]["fields"]["text"] = SCRIPT
    project.write(first)
    series = root / "essays" / "series.yaml"
    series.write_text(series.read_text() + SETTINGS)
    second = copy.deepcopy(first)
    second.update(episode=2, title="Another <script>alert(2)</script> & test", date="2026-12-03")
    second["sections"][1]["narration"]["text"] = (
        "The second section talks about {{ film.title }} & <its> ending: a short one."
    )
    other = root / "essays" / "other.yaml"
    other.write_text(yaml.safe_dump(second, sort_keys=False, allow_unicode=True))
    for path in (project.episode, other):
        build(path, profile=MASTER)
    publish_series(Project.containing(project.episode))
    return root / "output"


def facts(output: Path, slug: str) -> EpisodeFacts:
    return EpisodeFacts.read(output / slug / f"{slug}{FACTS_SUFFIX}")


@pytest.fixture(scope="module")
def server(output: Path) -> Iterator[str]:
    """output/ over HTTP on 127.0.0.1; yields its address."""
    httpd = Server(("127.0.0.1", 0), functools.partial(Served, directory=str(output)))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()
    httpd.server_close()
    thread.join()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield chromium
        chromium.close()


# Visits: a page, with everything it asked for and everything that went wrong -------------


class Visit:
    def __init__(self, page: Page, folder: str):
        self.page, self.folder = page, folder  # folder: the address its files are under
        self.requests: list[str] = []
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        page.on("request", lambda r: self.requests.append(r.url))
        page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: self.errors.append(str(e)))
        page.on("dialog", self._dialog)

    def _dialog(self, dialog) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def player(self, script: str):
        """Evaluate an expression of `v`, the video element."""
        return self.page.evaluate(f"(() => {{ const v = {PLAYER}; return {script}; }})()")

    def wait(self, condition: str, timeout: float = 15_000) -> None:
        self.page.wait_for_function(
            f"(() => {{ const v = {PLAYER}; return {condition}; }})()", timeout=timeout
        )

    def strays(self) -> list[str]:
        return [u for u in self.requests if not u.startswith(self.folder)]


@pytest.fixture
def visit(browser: Browser, server: str, output: Path):
    """visit(where, path) opens output/<path> over HTTP or from the folder (file://)."""
    contexts = []

    def open_(where: str, path: str, viewport=LAPTOP, scheme="light") -> Visit:
        context = browser.new_context(viewport=viewport, color_scheme=scheme)
        contexts.append(context)
        page = context.new_page()
        name, _, fragment = path.partition("#")
        folder = name.rpartition("/")[0]
        base = server if where == "http" else output.as_uri() + "/"
        seen = Visit(page, base + (f"{folder}/" if folder else ""))
        page.goto(base + name + (f"#{fragment}" if fragment else ""))
        return seen

    yield open_
    for context in contexts:
        context.close()


def ready(seen: Visit) -> None:
    """Wait until the video shows a frame (HAVE_CURRENT_DATA)."""
    seen.wait("v.readyState >= 2")


def track_cues(seen: Visit, kind: str) -> list[dict]:
    """The cues of the video's track of `kind`, once it has loaded, as the browser reads them."""
    seen.page.wait_for_function(
        f"[...{PLAYER}.textTracks].some(t => t.kind === '{kind}' && t.cues && t.cues.length)",
        timeout=15_000,
    )
    return seen.player(f"""[...v.textTracks].filter(t => t.kind === '{kind}').map(t =>
        [...t.cues].map(c => ({{start: c.startTime, end: c.endTime, mode: t.mode,
                              text: c.getCueAsHTML().textContent}})))""")


def vtt_cues(path: Path) -> list[tuple[float, str]]:
    """What the file says: webvtt-py's cues, with WebVTT's character references read."""
    return [(seconds(c.start), html.unescape(c.text)) for c in webvtt.read(str(path))]


def seconds(stamp: str) -> float:
    """HH:MM:SS.mmm (webvtt-py's start_in_seconds drops the milliseconds)."""
    h, m, s = stamp.split(":")
    return int(h) * 3600 + int(m) * 60 + float(s)


def seek_after(seen: Visit, action) -> float:
    """Do `action`, then give where the seek it caused went: currentTime when it started
    (by the time it ends, a video asked to play has moved on)."""
    # A function that returns nothing: given the promise, evaluate would wait for it.
    seen.page.evaluate(f"""() => {{ window.seekAt = new Promise((resolve, reject) => {{
        {PLAYER}.addEventListener('seeking', e => resolve(e.target.currentTime), {{once: true}});
        setTimeout(() => reject(new Error('no seek in 10 s')), 10000); }}); }}""")
    action()
    return seen.page.evaluate("window.seekAt")


# The episode's page ----------------------------------------------------------------------


@pytest.mark.parametrize("slug", SLUGS)
@pytest.mark.parametrize("where", WHERE)
def test_the_video_plays_a_rendition(visit, output, where, slug) -> None:
    seen = visit(where, f"{slug}/index.html")
    ready(seen)
    sizes = {(v.width, v.height) for v in facts(output, slug).videos}
    assert tuple(seen.player("[v.videoWidth, v.videoHeight]")) in sizes
    assert seen.player("v.poster").endswith(f"{slug}/{slug}.jpg")
    assert seen.player("v.preload") == "metadata"
    assert seen.player("v.hasAttribute('playsinline')")


@pytest.mark.parametrize(("width", "height"), [(200, 90), (240, 120), (390, 180), (1280, 180)])
def test_a_narrow_screen_takes_a_smaller_rendition(visit, width, height) -> None:
    """Each rendition is for screens up to 1.25 times its width: here 90p up to 200 px, 120p
    up to 267 px, the 180p master beyond (a real series: 480p for phones, 720p for laptops)."""
    seen = visit("http", "tiny/index.html", viewport={"width": width, "height": 800})
    ready(seen)
    assert seen.player("v.videoHeight") == height
    assert seen.page.input_value("#quality").startswith("tiny")  # shows the size chosen
    assert seen.page.locator("#quality option:checked").inner_text() == f"{height}p"


def test_choosing_another_size_keeps_the_place(visit) -> None:
    seen = visit("http", "tiny/index.html")
    ready(seen)
    assert seek_after(seen, lambda: seen.player("v.currentTime = 3")) == pytest.approx(3)
    seen.page.select_option("#quality", label="90p")
    seen.wait("v.videoWidth === 160 && v.readyState >= 2 && Math.abs(v.currentTime - 3) < 0.01")
    assert seen.player("v.currentSrc").endswith("/tiny-90p.mp4")


@pytest.mark.parametrize("slug", SLUGS)
@pytest.mark.parametrize("where", WHERE)
def test_the_captions_hold_every_cue(visit, output, where, slug) -> None:
    """Over HTTP the page's <track> is read; from the folder, the page adds its own cues: the
    same cues either way, with `&` and `<` shown as written."""
    seen = visit(where, f"{slug}/index.html")
    (captions,) = track_cues(seen, "captions")
    expected = vtt_cues(output / slug / f"{slug}.vtt")
    assert len(captions) == len(expected)
    assert [(c["start"], c["text"]) for c in captions] == [
        (pytest.approx(t, abs=1e-3), text) for t, text in expected
    ]
    assert captions[0]["mode"] == "showing"  # on by default
    (chapters,) = track_cues(seen, "chapters")
    titles = [c["text"] for c in chapters]
    assert titles == [text for _, text in vtt_cues(output / slug / f"{slug}.chapters.vtt")]
    assert titles == [c.title for c in facts(output, slug).chapters]


def test_the_captions_track_is_marked_up_for_players(visit) -> None:
    seen = visit("http", "tiny/index.html")
    track = seen.page.locator("track[kind=captions]")
    assert track.get_attribute("srclang") == "en"
    assert track.get_attribute("default") is not None
    assert seen.page.locator("track[kind=chapters]").count() == 1


@pytest.mark.parametrize("where", WHERE)
def test_a_chapter_in_the_list_seeks_there(visit, output, where) -> None:
    seen = visit(where, "tiny/index.html")
    ready(seen)
    chapters = facts(output, "tiny").chapters
    links = seen.page.locator("nav a[data-t]")
    assert links.count() == len(chapters)
    for k in reversed(range(len(chapters))):  # the last first: away from where it starts
        at = seek_after(seen, lambda k=k: links.nth(k).click())
        assert at == pytest.approx(chapters[k].start, abs=0.01)
        expect(links.nth(k)).to_have_attribute("aria-current", "true")  # marked as playing
    assert links.nth(0).inner_text().split()[0] == "0:00"


@pytest.mark.parametrize("where", WHERE)
def test_an_address_with_t_seeks(visit, where) -> None:
    seen = visit(where, "tiny/index.html#t=3.5")
    seen.wait("v.readyState >= 1 && Math.abs(v.currentTime - 3.5) < 0.01")
    assert seen.player("v.paused")  # it waits for the viewer to press play
    seen.page.evaluate("location.hash = '#t=1.25'")  # and on the page itself
    seen.wait("Math.abs(v.currentTime - 1.25) < 0.01")


@pytest.mark.parametrize("where", WHERE)
def test_a_transcript_timestamp_opens_the_page_there(visit, output, where) -> None:
    seen = visit(where, "tiny/tiny.transcript.html")
    stamp = seen.page.locator("section p a").last
    href = stamp.get_attribute("href")
    assert href.startswith("index.html#t=")
    stamp.click()
    seen.page.wait_for_url(f"**/tiny/{href}")
    at = float(href.split("=")[1])
    assert at == pytest.approx(facts(output, "tiny").chapters[-1].start, abs=0.01)
    seen.wait(f"v.readyState >= 1 && Math.abs(v.currentTime - {at}) < 0.01")
    assert seen.page.locator("h1").inner_text() == "A tiny test"


def test_a_timestamp_in_the_page_transcript_seeks(visit) -> None:
    seen = visit("http", "tiny/index.html")
    ready(seen)
    stamp = seen.page.locator(".transcript a[data-t]").first
    at = seek_after(seen, stamp.click)
    assert at == pytest.approx(float(stamp.get_attribute("data-t")), abs=0.01)


@pytest.mark.parametrize("where", WHERE)
def test_the_transcript_follows_the_words_and_a_word_seeks(visit, output, where) -> None:
    """The word being said is marked as the video plays, the marks keep to the words'
    times in <slug>.transcript.json, and a click on a word plays from it."""
    segments = json.loads((output / "tiny" / "tiny.transcript.json").read_text())["segments"]
    seen = visit(where, "tiny/index.html")
    ready(seen)
    words = seen.page.locator(".said .w")
    assert words.count() == len(segments)
    assert [float(words.nth(k).get_attribute("data-t")) for k in range(words.count())] == [
        pytest.approx(s["startTime"], abs=1e-3) for s in segments
    ]
    seen.player("(v.muted = true, v.play(), 0)")
    marked = []
    for _ in range(40):  # sample the mark as it moves
        seen.page.wait_for_timeout(50)
        now, text = seen.page.evaluate(f"""() => {{ const w = document.querySelector('.w.now');
            return [{PLAYER}.currentTime, w ? w.dataset.t + '|' + w.dataset.e : null]; }}""")
        if text:
            start, end = map(float, text.split("|"))
            marked.append((start, end))
            assert start - 0.1 <= now <= end + 0.4, (now, start, end)
    assert len(set(marked)) >= 3  # it moved from word to word
    seen.player("(v.pause(), 0)")
    last = words.nth(words.count() - 1)
    at = seek_after(seen, last.click)
    assert at == pytest.approx(segments[-1]["startTime"], abs=0.01)


def test_the_word_transcript_is_podcasting_json(output) -> None:
    """Podcasting 2.0 JSON (1.0.0): a segment a word, in order, as the script writes them."""
    data = json.loads((output / "tiny" / "tiny.transcript.json").read_text(encoding="utf-8"))
    assert data["version"] == "1.0.0"
    segments = data["segments"]
    assert all(set(s) == {"startTime", "endTime", "body"} for s in segments)
    assert all(0 <= s["startTime"] < s["endTime"] for s in segments)
    starts = [s["startTime"] for s in segments]
    assert starts == sorted(starts)
    cues = vtt_cues(output / "tiny" / "tiny.vtt")
    assert " ".join(s["body"] for s in segments) == " ".join(" ".join(t.split()) for _, t in cues)
    assert segments[-1]["endTime"] <= facts(output, "tiny").duration
    listed = json.loads((output / "manifest.json").read_text())["files"]
    assert "tiny/tiny.transcript.json" in {f["path"] for f in listed}


@pytest.mark.parametrize("slug", SLUGS)
@pytest.mark.parametrize("where", WHERE)
def test_nothing_leaves_the_folder_and_nothing_goes_wrong(visit, where, slug) -> None:
    """Everything a viewer does on the page: play, jump to each chapter, change size. Every
    request stays in the episode's folder; no console error, no uncaught exception."""
    seen = visit(where, f"{slug}/index.html", viewport=PHONE)
    ready(seen)
    track_cues(seen, "captions")
    for link in seen.page.locator("nav a[data-t]").all():
        seek_after(seen, link.click)
    seen.page.select_option("#quality", label="120p")
    seen.wait("v.videoHeight === 120 && v.readyState >= 2")
    seen.page.wait_for_timeout(300)
    requested = {u.rsplit("/", 1)[-1] for u in seen.requests}
    assert {"index.html", f"{slug}.jpg", f"{slug}-120p.mp4"} <= requested  # it did record
    assert seen.strays() == []
    assert seen.errors == []
    assert seen.dialogs == []


@pytest.mark.parametrize("slug", SLUGS)
@pytest.mark.parametrize("where", WHERE)
def test_author_text_shows_as_text_and_runs_nothing(visit, output, where, slug) -> None:
    episode = facts(output, slug)
    seen = visit(where, f"{slug}/index.html")
    page = seen.page
    ready(seen)
    assert page.locator("h1").inner_text() == episode.title
    assert page.title() == f"{episode.title} · {episode.series}"
    assert page.locator("nav .title").all_inner_texts() == [c.title for c in episode.chapters]
    assert page.locator(".transcript h3").all_inner_texts() == [c.title for c in episode.chapters]
    assert page.locator(".summary").inner_text() == episode.summary
    assert SCRIPT in episode.summary  # the hostile text did reach the page, as text
    og = page.locator("meta[property='og:title']").get_attribute("content")
    assert og == episode.title
    assert page.locator("script").count() == 3  # the cues' JSON and the page's own two
    assert page.evaluate("typeof alert") == "function"
    assert seen.dialogs == []
    assert seen.errors == []


def test_open_graph_names_the_episode(visit, output) -> None:
    seen = visit("http", "tiny/index.html")
    og = {
        m.get_attribute("property"): m.get_attribute("content")
        for m in seen.page.locator("meta[property^='og:']").all()
    }
    assert og["og:type"] == "video.episode"
    assert og["og:title"] == "A tiny test"
    site = "https://example.org/who-what/tiny/"
    assert og["og:image"] == site + "tiny.jpg"
    assert og["og:video"] == site + "tiny-120p.mp4"
    assert og["og:video:type"] == "video/mp4"
    assert (og["og:video:width"], og["og:video:height"]) == ("214", "120")
    for key in ("og:image", "og:video"):  # what they name is delivered
        assert (output / "tiny" / og[key].removeprefix(site)).is_file()


def test_the_downloads_are_there(visit, output) -> None:
    seen = visit("http", "tiny/index.html")
    links = seen.page.locator(".downloads a")
    names = [a.get_attribute("href") for a in links.all()]
    for want in ("tiny.mp3", "tiny.m4a", "tiny.srt", "tiny.vtt", "tiny.mp4", "tiny-90p.mp4"):
        assert want in names
    for name in names:
        assert (output / "tiny" / name).is_file()


def test_the_templates_fill_with_fewer_files(output) -> None:
    """A draft delivers no audio edition nor transcript, a series may have no feed nor cover
    and no episode yet: the templates leave those out instead of failing."""
    templates = SiteTemplates(output / "no-overrides", output)
    full = facts(output, "tiny")
    draft = dataclasses.replace(
        full,
        videos=full.videos[:1],
        files={k: full.files[k] for k in ("subtitles", "captions", "chapters_vtt", "poster")},
    )
    og = {"url": "", "image": "tiny.jpg", "video": "tiny.mp4", "width": 320, "height": 180}
    context = {"sections": [], "cues": [], "og": og, "language": "en", "clock": clock}
    page = templates.render("episode.html", {**context, "episode": draft})
    for absent in ("tiny.mp3", "tiny.m4a", "tiny.transcript.html", "<h3>Listen</h3>"):
        assert absent not in page
    assert 'href="tiny.srt"' in page and 'poster="tiny.jpg"' in page
    assert 'id="quality"' not in page  # one size: nothing to choose
    series = {"title": "S & T", "description": "", "feed": None, "cover": None}
    index = templates.render(
        "series.html", {"series": series, "episodes": [], "clock": clock, "language": "en"}
    )
    assert "S &amp; T" in index and "feed.xml" not in index and "No episodes yet" in index


# Looks: contrast and focus ---------------------------------------------------------------

CONTRAST = """(selectors) => {
  const rgba = s => { const p = s.match(/[\\d.]+/g).map(Number);
    return p.length > 3 ? p : [...p, 1]; };
  const lin = c => (c /= 255) <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  const lum = ([r, g, b]) => 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
  const back = el => { for (; el; el = el.parentElement) {
      const c = rgba(getComputedStyle(el).backgroundColor); if (c[3] > 0) return c; }
    return [255, 255, 255, 1]; };
  return selectors.map(sel => { const el = document.querySelector(sel);
    if (!el) return [sel, 0];
    const [a, b] = [lum(rgba(getComputedStyle(el).color)), lum(back(el))];
    return [sel, (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05)]; });
}"""
EPISODE_TEXT = [
    "h1", ".series a", ".meta", ".quality label", "#quality", ".summary", "nav .title",
    "nav a[aria-current] .ts", "nav a[aria-current] .title", ".transcript h3",
    ".transcript .at", ".at[aria-current] + .said", ".downloads h3", ".downloads a",
    ".downloads .kind",
]  # fmt: skip
SERIES_TEXT = ["h1", ".feed", ".feed a", ".number", "h2 a", ".film", ".facts", ".summary"]


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_text_is_readable_in_light_and_dark(visit, scheme) -> None:
    """WCAG AA: at least 4.5:1 for every kind of text, the marked chapter and passage too."""
    seen = visit("http", "tiny/index.html", scheme=scheme)
    ready(seen)
    seek_after(seen, seen.page.locator("nav a[data-t]").last.click)
    seen.page.wait_for_selector(".at[aria-current]", state="attached")
    ratios = seen.page.evaluate(CONTRAST, EPISODE_TEXT)
    index = visit("http", "index.html", scheme=scheme)
    ratios += index.page.evaluate(CONTRAST, SERIES_TEXT)
    assert [(sel, round(r, 2)) for sel, r in ratios if r < 4.5] == []
    dark = seen.page.evaluate("matchMedia('(prefers-color-scheme: dark)').matches")
    assert dark == (scheme == "dark")


def test_keyboard_focus_is_visible(visit) -> None:
    seen = visit("http", "tiny/index.html")
    focused = []
    for _ in range(4):
        seen.page.keyboard.press("Tab")
        focused.append(
            seen.page.evaluate("""(() => { const s = getComputedStyle(document.activeElement);
                return [document.activeElement.tagName, s.outlineStyle, s.outlineWidth]; })()""")
        )
    links = [f for f in focused if f[0] in ("A", "SELECT")]
    assert links, focused
    for _, style, width in links:
        assert style != "none" and float(width.removesuffix("px")) >= 2
    assert seen.page.locator("#quality").evaluate("s => s.labels.length") == 1


# The series' page -------------------------------------------------------------------------


@pytest.mark.parametrize("where", WHERE)
def test_the_series_page_lists_the_episodes_newest_first(visit, output, where) -> None:
    seen = visit(where, "index.html")
    newest_first = sorted((facts(output, s) for s in SLUGS), key=lambda e: e.date, reverse=True)
    assert [e.number for e in newest_first] == [2, 1]
    page = seen.page
    assert page.locator("h2 a").all_inner_texts() == [e.title for e in newest_first]
    assert page.locator(".film").all_inner_texts() == [e.film for e in newest_first]
    assert page.locator(".facts span:first-child time").all_inner_texts() == [
        e.date for e in newest_first
    ]
    lengths = [f"{int(e.duration) // 60}:{int(e.duration) % 60:02d}" for e in newest_first]
    assert page.locator(".facts span:last-child time").all_inner_texts() == lengths
    page.wait_for_function("[...document.images].every(i => i.complete && i.naturalWidth)")
    pictures = [i.get_attribute("src") for i in page.locator("ol img").all()]
    assert pictures == [f"{e.slug}/{e.files['thumbnail']}" for e in newest_first]
    feed = page.locator("a[href='feed.xml']")
    assert feed.count() == 1 and (output / "feed.xml").is_file()
    assert page.locator("link[rel=alternate][type='application/rss+xml']").count() == 1
    assert seen.strays() == [] and seen.errors == [] and seen.dialogs == []


@pytest.mark.parametrize("where", WHERE)
def test_the_series_page_opens_each_episode(visit, output, where) -> None:
    seen = visit(where, "index.html")
    page = seen.page
    home = page.url
    for k, slug in enumerate(["other", "tiny"]):
        page.locator("h2 a").nth(k).click()
        page.wait_for_url(f"**/{slug}/index.html")
        assert page.locator("h1").inner_text() == facts(output, slug).title
        ready(seen)
        page.locator(".series a").click()  # and back to the series
        page.wait_for_url(home)
        assert page.locator("ol h2").count() == 2
    assert seen.errors == [] and seen.dialogs == []
