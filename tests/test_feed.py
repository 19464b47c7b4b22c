"""The podcast feed: what feedparser, Apple and a Podcasting 2.0 app read from it, for two
hand-made episodes whose files sit in a tmp output/ folder with sizes of their own."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, replace
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote

import feedparser
import pytest
from lxml import etree

from pipeline.publish.facts import (
    ChapterFacts,
    EpisodeFacts,
    SeriesFacts,
    VideoFile,
    episode_guid,
)
from pipeline.publish.feed import feed_xml
from pipeline.script.settings import Site

URL = "https://example.org/essays/"
ITUNES = "http://www.itunes.com/dtds/podcast-1.0.dtd"
PODCAST = "https://podcastindex.org/namespace/1.0"
NS = {"itunes": ITUNES, "podcast": PODCAST}
NASTY = "Tom & Jerry <b>\"bold\"</b> 'n' ]]> end"  # everything XML and CDATA dread


@dataclass
class Delivered:
    output: Path
    series: SeriesFacts
    episodes: list[EpisodeFacts]
    sizes: dict[str, int]

    def xml(self) -> bytes:
        return feed_xml(self.series, self.episodes, self.sizes)

    def root(self) -> etree._Element:
        return etree.fromstring(self.xml())

    def items(self) -> dict[str, etree._Element]:
        """By guid."""
        return {i.findtext("guid"): i for i in self.root().iter("item")}


def _write(folder: Path, names: dict[str, int]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name, size in names.items():
        (folder / name).write_bytes(bytes(k % 251 for k in range(size)))


def _episode(
    slug: str, number: int, date: str, files: dict[str, str], **more: object
) -> EpisodeFacts:
    facts = dict(
        slug=slug, number=number, title=f"Episode {slug}", series="Cuts", film="A film (2013)",
        date=date, duration=600.0, guid=episode_guid("Cuts", number, None), summary="About it.",
        author=None, chapters=(ChapterFacts(0, 300, "Start"), ChapterFacts(300, 600, "End")),
        videos=(), files=files,
    )  # fmt: skip
    return EpisodeFacts(**(facts | more))  # type: ignore[arg-type]


@pytest.fixture
def delivered(tmp_path: Path) -> Delivered:
    out = tmp_path / "output"
    _write(out, {"series cover.jpg": 321})
    her = {"mp3": "her.mp3", "m4a": "her.m4a", "cover": "her.cover.jpg", "captions": "her.vtt",
           "subtitles": "her.srt", "chapters": "her.chapters.json",
           "transcript": "her.transcript.html", "words": "her.transcript.json",
           "page": "index.html"}  # fmt: skip
    _write(out / "her", {name: 1000 + 37 * k for k, name in enumerate(her.values())})
    _write(out / "her", {"her.mp4": 9001, "her.720.mp4": 5003, "her.480.mp4": 2999})
    arrival = {"mp3": "arrival & after.mp3", "captions": "arrival.vtt", "page": "index.html"}
    _write(out / "arrival", {"arrival & after.mp3": 4242, "arrival.vtt": 77, "index.html": 88})
    _write(out / "arrival", {"arrival #720.mp4": 3131})
    episodes = [
        _episode("her", 1, "2025-01-10", her, title=NASTY, summary=NASTY, film=NASTY,
                 duration=754.6, chapters=(ChapterFacts(0, 60, NASTY),
                                           ChapterFacts(60, 754.6, "Intro & <x>")),
                 videos=(VideoFile("her.mp4", 1920, 1080), VideoFile("her.720.mp4", 1280, 720),
                         VideoFile("her.480.mp4", 854, 480))),
        _episode("arrival", 2, "2025-03-01", arrival, videos=(
            VideoFile("arrival #720.mp4", 1280, 720),)),
    ]  # fmt: skip
    sizes = {p.relative_to(out).as_posix(): p.stat().st_size for p in out.rglob("*") if p.is_file()}
    site = Site(url=URL, description="Films & how they end.")
    return Delivered(out, SeriesFacts("Cuts", "Ann", site, "series cover.jpg"), episodes, sizes)


def _on_disk(delivered: Delivered, url: str) -> Path:
    """The file an absolute URL of the feed names (it must be under the site's address)."""
    assert url.startswith(URL), url
    assert " " not in url and "#" not in url, url  # quoted
    return delivered.output / unquote(url[len(URL) :])


class _Html(HTMLParser):
    """Tags, hrefs and the text inside each kind of tag of a description."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.hrefs: list[str] = []
        self.texts: dict[str, list[str]] = {}
        self.open: list[str] = []
        self.feed(text)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.open.append(tag)
        self.hrefs += [v or "" for k, v in attrs if k == "href"]

    def handle_endtag(self, tag: str) -> None:
        assert self.open.pop() == tag

    def handle_data(self, data: str) -> None:
        self.texts.setdefault(self.open[-1] if self.open else "", []).append(data)


def test_feedparser_reads_it_cleanly_newest_first(delivered: Delivered) -> None:
    parsed = feedparser.parse(delivered.xml())
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "rss20"
    assert [e.itunes_episode for e in parsed.entries] == ["2", "1"]


def test_namespaces_are_declared_exactly(delivered: Delivered) -> None:
    xml = delivered.xml()
    assert f'xmlns:itunes="{ITUNES}"'.encode() in xml
    assert f'xmlns:podcast="{PODCAST}"'.encode() in xml
    assert {k: v for k, v in etree.fromstring(xml).nsmap.items() if k in NS} == NS


def test_enclosures_give_each_files_exact_size(delivered: Delivered) -> None:
    entries = feedparser.parse(delivered.xml()).entries
    assert len(entries) == 2
    for entry in entries:
        (enclosure,) = entry.enclosures
        assert enclosure.type == "audio/mpeg"
        assert int(enclosure.length) == _on_disk(delivered, enclosure.href).stat().st_size


def test_guids_hold_through_a_title_edit_and_differ(delivered: Delivered) -> None:
    def guids() -> list[str]:
        return [e.id for e in feedparser.parse(delivered.xml()).entries]

    first = guids()
    assert first == guids()
    delivered.episodes = [replace(e, title=e.title + " (revised)") for e in delivered.episodes]
    assert guids() == first
    assert len(set(first)) == 2
    assert {g.get("isPermaLink") for g in delivered.root().iter("guid")} == {"false"}


def test_podcast_guid_is_the_standard_uuid5(delivered: Delivered) -> None:
    namespace = uuid.UUID("ead4c236-bf58-58c6-a2c6-a6b28d128cb6")
    expected = uuid.uuid5(namespace, "example.org/essays/feed.xml")
    assert delivered.root().findtext("channel/podcast:guid", namespaces=NS) == str(expected)


def test_the_authors_text_comes_back_as_written(delivered: Delivered) -> None:
    xml = delivered.xml()
    entry = {e.itunes_episode: e for e in feedparser.parse(xml).entries}["1"]
    assert entry.title == NASTY
    item = delivered.items()[delivered.episodes[0].guid]
    assert b"<description><![CDATA[<p>" in xml
    html = _Html(item.findtext("description"))
    assert set(html.tags) <= {"p", "ol", "ul", "li", "a"}
    assert html.texts["p"][:2] == [NASTY, NASTY]  # the summary, the film
    assert [t.split(" ", 1)[1] for t in html.texts["li"]] == [NASTY, "Intro & <x>"]
    assert [t.split(" ", 1)[0] for t in html.texts["li"]] == ["0:00", "1:00"]
    assert [_on_disk(delivered, h).name for h in html.hrefs] == ["index.html"]


def test_descriptions_stay_within_4000_bytes(delivered: Delivered) -> None:
    long = "Les « fins » & <les> débuts ]]> " * 600
    delivered.episodes[0] = replace(delivered.episodes[0], summary=long)
    delivered.series = replace(
        delivered.series, site=delivered.series.site.model_copy(update={"description": "é" * 4000})
    )
    assert not feedparser.parse(delivered.xml()).bozo
    root = delivered.root()
    assert 0 < len(root.findtext("channel/description").encode()) <= 4000
    text = delivered.items()[delivered.episodes[0].guid].findtext("description")
    assert 3000 < len(text.encode()) <= 4000
    html = _Html(text)
    assert html.texts["p"][0].startswith(long[:2000])
    assert set(html.tags) <= {"p", "ol", "ul", "li", "a"}


def test_a_long_chapter_list_makes_way_for_the_summary(delivered: Delivered) -> None:
    chapters = tuple(ChapterFacts(k, k + 1, f"Chapter {k} & <more> " * 3) for k in range(100))
    delivered.episodes[0] = replace(
        delivered.episodes[0], summary="Long & longer. " * 500, chapters=chapters
    )
    text = delivered.items()[delivered.episodes[0].guid].findtext("description")
    assert len(text.encode()) <= 4000
    html = _Html(text)
    assert len(html.texts["p"][0].encode()) > 2000  # the summary, cut but not to nothing
    assert html.texts["p"][1] == NASTY  # the film
    assert [_on_disk(delivered, h).name for h in html.hrefs] == ["index.html"]


def test_alternate_enclosures_list_every_rendition(delivered: Delivered) -> None:
    items = delivered.items()
    for episode in delivered.episodes:
        tags = items[episode.guid].findall("podcast:alternateEnclosure", NS)
        videos = {
            (int(t.get("height")), int(t.get("length")), t.find("podcast:source", NS).get("uri"))
            for t in tags
            if t.get("type") == "video/mp4"
        }
        folder = delivered.output / episode.slug
        expected = {(v.height, (folder / v.file).stat().st_size, v.file) for v in episode.videos}
        assert {(h, n, _on_disk(delivered, u).name) for h, n, u in videos} == expected
    her = items[delivered.episodes[0].guid].findall("podcast:alternateEnclosure", NS)
    (m4a,) = [t for t in her if t.get("type") == "audio/x-m4a"]
    assert int(m4a.get("length")) == (delivered.output / "her/her.m4a").stat().st_size


def test_two_builds_are_byte_identical_and_dated_by_the_episodes(delivered: Delivered) -> None:
    first = delivered.xml()
    delivered.episodes.reverse()
    assert delivered.xml() == first
    channel = etree.fromstring(first).find("channel")
    assert channel.findtext("lastBuildDate") == "Sat, 01 Mar 2025 12:00:00 +0000"
    assert channel.findtext("pubDate") == "Sat, 01 Mar 2025 12:00:00 +0000"
    dates = [i.findtext("pubDate") for i in channel.iter("item")]
    assert dates == ["Sat, 01 Mar 2025 12:00:00 +0000", "Fri, 10 Jan 2025 12:00:00 +0000"]


def test_an_episode_without_a_date_is_refused(delivered: Delivered) -> None:
    delivered.episodes[1] = replace(delivered.episodes[1], date=None)
    with pytest.raises(ValueError, match="arrival"):
        delivered.xml()


def test_duration_is_whole_seconds(delivered: Delivered) -> None:
    durations = {
        i.findtext("guid"): i.findtext("itunes:duration", namespaces=NS)
        for i in delivered.root().iter("item")
    }
    assert durations == {delivered.episodes[0].guid: "755", delivered.episodes[1].guid: "600"}


def test_podcasting_tags_point_at_the_files_there_are(delivered: Delivered) -> None:
    items = delivered.items()
    her, arrival = (items[e.guid] for e in delivered.episodes)
    chapters = her.find("podcast:chapters", NS)
    assert chapters.get("type") == "application/json+chapters"
    assert _on_disk(delivered, chapters.get("url")).name == "her.chapters.json"
    kinds = {t.get("type"): t for t in her.findall("podcast:transcript", NS)}
    assert kinds["text/vtt"].get("rel") == "captions"
    assert _on_disk(delivered, kinds["text/vtt"].get("url")).name == "her.vtt"
    assert _on_disk(delivered, kinds["application/x-subrip"].get("url")).name == "her.srt"
    words = kinds["application/json"]  # Podcasting 2.0's JSON transcript, word by word
    assert _on_disk(delivered, words.get("url")).name == "her.transcript.json"
    assert words.get("rel") is None and words.get("language") == "en"
    assert arrival.find("podcast:chapters", NS) is None  # no chapters file
    assert [t.get("type") for t in arrival.findall("podcast:transcript", NS)] == ["text/vtt"]
    assert arrival.find("itunes:image", NS) is None
    cover = her.find("itunes:image", NS).get("href")
    assert _on_disk(delivered, cover).name == "her.cover.jpg"
    for url in re.findall(rb'(?:url|uri|href)="([^"]+)"', delivered.xml()):
        assert _on_disk(delivered, url.decode()).is_file() or url.decode().endswith("/feed.xml")


def test_the_channel_says_what_apple_reads(delivered: Delivered) -> None:
    channel = delivered.root().find("channel")
    (category,) = channel.findall("itunes:category", NS)
    assert category.get("text") == "TV & Film" and len(category) == 0
    assert channel.findtext("itunes:explicit", namespaces=NS) == "false"
    assert channel.findtext("itunes:author", namespaces=NS) == "Ann"
    assert channel.findtext("itunes:type", namespaces=NS) == "episodic"
    assert channel.findtext("language") == "en"
    assert channel.findtext("link") == URL
    assert channel.findtext("description") == "Films & how they end."
    (me,) = channel.findall("{http://www.w3.org/2005/Atom}link")
    assert (me.get("rel"), me.get("href")) == ("self", URL + "feed.xml")
    assert _on_disk(delivered, channel.find("itunes:image", NS).get("href")).is_file()
    site = delivered.series.site.model_copy(
        update={"explicit": True, "author": "Bo", "description": ""}
    )
    delivered.series = replace(delivered.series, site=site)
    channel = delivered.root().find("channel")
    marks = [e.text for e in channel.iter(f"{{{ITUNES}}}explicit")]
    assert marks == ["true"] * (1 + len(delivered.episodes))  # the channel's and each item's
    assert channel.findtext("itunes:author", namespaces=NS) == "Bo"
    assert "Cuts" in channel.findtext("description")
