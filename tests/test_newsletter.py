"""The newsletter edition as a subscriber's mail client gets it: the .eml parsed by Python's
`email`, the HTML opened in Chromium at 600 and 375 px (site.url served from output/, and
any other request refused and counted), every link a file of the bundle, under 102 KB.

ESSAY_SCREENSHOTS=<folder> keeps the screenshots, to look at.
"""

from __future__ import annotations

import email
import os
import shutil
from email import policy
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote

import pytest
from conftest import SITE
from PIL import Image
from test_pages import ARGS, CHROMIUM, sync_playwright

SLUG = "tiny"
MERGE_TAG = "{{unsubscribe_url}}"


class Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs) -> None:
        self.found.append((tag, dict(attrs)))


def tags(html: str) -> list[tuple[str, dict]]:
    parser = Tags()
    parser.feed(html)
    return parser.found


@pytest.fixture(scope="module")
def output(built_series: Path) -> Path:
    return built_series / "output"


def test_the_eml_is_a_multipart_alternative_message(output: Path) -> None:
    raw = (output / SLUG / f"{SLUG}.eml").read_bytes()
    message = email.message_from_bytes(raw, policy=policy.default)
    assert message.get_content_type() == "multipart/alternative"
    assert message["Subject"] == "A tiny test"
    assert message["List-Unsubscribe"] == f"<{MERGE_TAG}>"  # the merge tag, untouched
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    text, html = (message.get_body(("plain",)), message.get_body(("html",)))
    assert text.get_content_charset() == html.get_content_charset() == "utf-8"
    for part, suffix in ((html, ".email.html"), (text, ".email.txt")):  # the same, in CRLF lines
        said = part.get_content().replace("\r\n", "\n").strip()
        assert said == (output / SLUG / f"{SLUG}{suffix}").read_text().strip()
    assert MERGE_TAG in text.get_content() and MERGE_TAG in html.get_content()
    assert raw == (output / SLUG / f"{SLUG}.eml").read_bytes()  # its boundary is no chance's


def test_the_html_is_made_for_mail_clients(output: Path) -> None:
    html = (output / SLUG / f"{SLUG}.email.html").read_text()
    assert len(html.encode()) < 102_000
    found = tags(html)
    assert all(a.get("role") == "presentation" for t, a in found if t == "table")
    assert all(a.get("alt") for t, a in found if t == "img")
    assert not [t for t, _ in found if t in ("script", "link", "iframe", "video")]
    assert "@font-face" not in html and "@import" not in html
    body = html[html.index("<body") :]
    assert "class=" not in body or "style=" in body  # inlined: the body's tags carry styles
    escaped = "Who &lt;script&gt;alert(1)&lt;/script&gt; &amp; what"
    for word in ("The Who &amp; The What", escaped, "A tiny test",
                 "Her (2013), directed by Spike Jonze", "The first", "The second"):  # fmt: skip
        assert word in html


def test_every_link_is_a_file_of_the_bundle(output: Path) -> None:
    html = (output / SLUG / f"{SLUG}.email.html").read_text()
    links = [a.get("href") or a.get("src") for t, a in tags(html) if t in ("a", "img")]
    text = (output / SLUG / f"{SLUG}.email.txt").read_text()
    links += [w for w in text.split() if w.startswith("https://")]
    assert any("#t=" in link for link in links) and any(link.endswith(".mp3") for link in links)
    for link in links:
        if link == MERGE_TAG:
            continue
        assert link.startswith(SITE), link
        path = unquote(link[len(SITE) :].split("#")[0])
        assert (output / path).is_file(), link
    poster = Image.open(output / SLUG / f"{SLUG}-email.jpg")
    assert poster.format == "JPEG" and poster.width == 1200


@pytest.fixture(scope="module")
def browser():
    if sync_playwright is None or not CHROMIUM.is_file():
        pytest.skip(f"the email is looked at in Chromium ({CHROMIUM}) with playwright")
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield chromium
        chromium.close()


@pytest.mark.parametrize("width", [600, 375])
def test_chromium_shows_it_without_scrolling_or_fetching_elsewhere(
    browser, output: Path, width: int, tmp_path: Path
) -> None:
    page = browser.new_page(viewport={"width": width, "height": 900})
    strays: list[str] = []

    def serve(route) -> None:
        url = route.request.url
        if not url.startswith(SITE):
            strays.append(url)
            return route.abort()
        return route.fulfill(path=str(output / unquote(url[len(SITE) :].split("#")[0])))

    page.route("**/*", serve)
    page.goto(f"{SITE}{SLUG}/{SLUG}.email.html")
    page.wait_for_load_state("load")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    shown = page.evaluate(
        "(() => { const i = document.querySelector('img'); "
        "return [i.complete, i.naturalWidth, i.getBoundingClientRect().width]; })()"
    )
    assert shown[0] and shown[1] == 1200 and shown[2] <= min(width, 600)
    assert not strays
    shot = tmp_path / f"email-{width}.png"
    page.screenshot(path=str(shot), full_page=True)
    if os.environ.get("ESSAY_SCREENSHOTS"):
        shutil.copy(shot, Path(os.environ["ESSAY_SCREENSHOTS"]) / shot.name)
    page.close()


def test_a_series_template_that_fails_is_said_at_check(built_series: Path, tmp_path) -> None:
    from test_publish import essay

    root = tmp_path / "proj"
    shutil.copytree(built_series, root, symlinks=True)
    own = root / "assets" / "templates" / "site" / "email.html"
    own.parent.mkdir(parents=True, exist_ok=True)
    own.write_text("<p>{{ episode.title }}</p>\n<p>{{ episode.no_such.thing }}</p>\n")
    said = essay(root, "check", "essays/tiny.yaml")
    assert said.exit_code == 2, said.output
    assert "assets/templates/site/email.html:2" in said.stderr and "Traceback" not in said.output
