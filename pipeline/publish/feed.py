"""The series' podcast feed (output/feed.xml): the audio edition as RSS 2.0 with the itunes
and Podcasting 2.0 tags, written from the delivered episodes' facts and their files' sizes."""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from typing import Any
from urllib.parse import quote

from feedgen.entry import FeedEntry
from feedgen.ext.base import BaseEntryExtension
from feedgen.feed import FeedGenerator
from feedgen.util import xml_elem

from pipeline.publish.facts import ChapterFacts, EpisodeFacts, SeriesFacts, feed_guid
from pipeline.script.settings import Site

FEED = "feed.xml"  # its name in output/
ITUNES = "http://www.itunes.com/dtds/podcast-1.0.dtd"
PODCAST = "https://podcastindex.org/namespace/1.0"
LIMIT = 4000  # bytes of a description
ROOM_FOR_SUMMARY = 600  # bytes: below this, the chapter list makes way for the summary
AUDIO = {"mp3": "audio/mpeg", "m4a": "audio/x-m4a"}
TRANSCRIPTS = {
    "captions": "text/vtt",
    "subtitles": "application/x-subrip",
    "transcript": "text/html",
    "words": "application/json",  # Podcasting 2.0's JSON transcript, a segment a word
}
TIMED = ("captions", "subtitles")  # rel="captions": timed text
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


@dataclass(frozen=True)
class _Tag:
    name: str  # "{namespace}local"
    attrib: dict[str, str] = field(default_factory=dict)
    text: str | None = None
    children: tuple[_Tag, ...] = ()

    def write(self, parent: Any) -> None:
        elem = xml_elem(self.name, parent, attrib=self.attrib)
        elem.text = self.text
        for child in self.children:
            child.write(elem)


# A subscriber's feed: out of Apple's and Podcasting 2.0's directories, and no host may
# import it (the Podcasting 2.0 spelling is lower case, Apple's "Yes")
_PRIVATE = (
    _Tag(f"{{{ITUNES}}}block", text="Yes"),
    _Tag(f"{{{PODCAST}}}block", text="yes"),
    _Tag(f"{{{PODCAST}}}locked", text="yes"),
)


class _Podcasting(BaseEntryExtension):
    """What feedgen has no method for: Podcasting 2.0's tags, and itunes:explicit spelt
    true/false as Apple now asks (feedgen only writes yes/no/clean). Feed and entry alike."""

    def __init__(self) -> None:
        self.tags: list[_Tag] = []
        self.drop: tuple[str, ...] = ()  # channel elements feedgen writes that must go

    def extend_ns(self) -> dict[str, str]:
        return {"podcast": PODCAST}

    def extend_rss(self, feed: Any) -> Any:
        parent = feed[0] if feed.tag == "rss" else feed  # the channel, or the item
        for name in self.drop:
            for elem in parent.findall(name):
                parent.remove(elem)
        for tag in self.tags:
            tag.write(parent)
        return feed


def feed_xml(
    series: SeriesFacts,
    episodes: Sequence[EpisodeFacts],
    sizes: Mapping[str, int],
    name: str = FEED,
    private: bool = False,
) -> bytes:
    """The feed of the audio edition, newest episode first, at `name` under the site's
    address; `private`: a subscriber's, kept out of directories and from being imported."""
    dated = sorted(
        ((_published(e), e) for e in episodes),
        key=lambda pair: (pair[0], pair[1].number, pair[1].slug),
        reverse=True,
    )
    fg = _channel(series, dated[0][0] if dated else None, name, private)
    for when, episode in dated:
        _item(fg.add_entry(order="append"), series.site, episode, when, sizes)
    return fg.rss_str(pretty=True, encoding="UTF-8", xml_declaration=True)


def _published(episode: EpisodeFacts) -> datetime:
    """Noon UTC of the episode's date: a feed's dates come from the episodes, not the clock."""
    if not episode.date:
        raise ValueError(f"episode {episode.number} ({episode.slug}) has no date to be in the feed")
    try:
        day = date.fromisoformat(episode.date)
    except ValueError:
        raise ValueError(
            f"episode {episode.number} ({episode.slug}): date {episode.date!r} is not YYYY-MM-DD"
        ) from None
    return datetime.combine(day, time(12), tzinfo=UTC)


def _channel(
    series: SeriesFacts, newest: datetime | None, name: str, private: bool
) -> FeedGenerator:
    site = series.site
    fg = FeedGenerator()
    fg.load_extension("podcast")  # the itunes tags
    fg.register_extension("podcasting", _Podcasting, _Podcasting, atom=False)
    fg.title(_text(series.title))
    fg.link(href=site.url + name, rel="self", type="application/rss+xml")
    fg.link(href=site.url, rel="alternate")  # the last link is the RSS one
    about = _text(site.description) or f"{_text(series.title)}, a series of video essays."
    fg.description(_cut(about, lambda s: _bytes(s) <= LIMIT))
    fg.language(site.language)
    if newest is not None:
        fg.lastBuildDate(newest)
        fg.pubDate(newest)
    fg.podcast.itunes_author(_text(site.author or series.author or series.title))
    fg.podcast.itunes_category({"cat": _category(site)})
    if _image(series.cover):
        fg.podcast.itunes_image(_url(site, series.cover))
    fg.podcast.itunes_type("episodic")
    fg.podcasting.tags = [
        _Tag(f"{{{PODCAST}}}guid", text=feed_guid(site.url + FEED)),  # the show's, everywhere
        _explicit(site),
        *(_PRIVATE if private else ()),
    ]
    fg.podcasting.drop = () if newest else ("lastBuildDate",)  # else feedgen writes the clock
    return fg


def _item(
    fe: FeedEntry, site: Site, episode: EpisodeFacts, when: datetime, sizes: Mapping[str, int]
) -> None:
    files = {role: f"{episode.slug}/{name}" for role, name in episode.files.items()}
    fe.title(_text(episode.title))
    fe.guid(_text(episode.guid), permalink=False)  # checked at check; facts may be older
    fe.pubDate(when)
    page = _url(site, files["page"]) if "page" in files else None
    if page:
        fe.link(href=page)
    audio = next((role for role in AUDIO if role in files), None)
    if audio:
        path = files[audio]
        fe.enclosure(_url(site, path), str(_size(sizes, path)), AUDIO[audio])
    fe.content(_description(episode, page), type="CDATA")
    fe.podcast.itunes_duration(round(episode.duration))
    fe.podcast.itunes_episode(episode.number)
    if _image(files.get("cover", "")):
        fe.podcast.itunes_image(_url(site, files["cover"]))
    fe.podcasting.tags = [_explicit(site), *_podcast_tags(site, episode, files, sizes, audio)]


def _podcast_tags(
    site: Site,
    episode: EpisodeFacts,
    files: dict[str, str],
    sizes: Mapping[str, int],
    audio: str | None,
) -> list[_Tag]:
    tags = []
    if "chapters" in files:
        attrib = {"url": _url(site, files["chapters"]), "type": "application/json+chapters"}
        tags.append(_Tag(f"{{{PODCAST}}}chapters", attrib))
    for role in (r for r in TRANSCRIPTS if r in files):
        attrib = {"url": _url(site, files[role]), "type": TRANSCRIPTS[role]}
        attrib |= {"language": site.language} | ({"rel": "captions"} if role in TIMED else {})
        tags.append(_Tag(f"{{{PODCAST}}}transcript", attrib))
    for video in episode.videos:
        path = f"{episode.slug}/{video.file}"
        extra = {"height": str(video.height), "title": f"Video {video.height}p"}
        tags.append(_alternate(site, path, "video/mp4", _size(sizes, path), extra))
    if "m4a" in files and audio != "m4a":
        tags.append(_alternate(site, files["m4a"], AUDIO["m4a"], _size(sizes, files["m4a"]), {}))
    return tags


def _alternate(site: Site, path: str, kind: str, length: int, extra: dict[str, str]) -> _Tag:
    source = _Tag(f"{{{PODCAST}}}source", {"uri": _url(site, path)})
    attrib = {"type": kind, "length": str(length), **extra}
    return _Tag(f"{{{PODCAST}}}alternateEnclosure", attrib, children=(source,))


def _description(episode: EpisodeFacts, page: str | None) -> str:
    """The item's HTML (p, ol, li, a): summary, film credit, chapters, a link to the page,
    within LIMIT bytes: the summary is cut, and the chapters go if it would be cut short."""
    film = _para(_text(episode.film))
    chapters = _chapter_list(episode.chapters)
    link = f'<p><a href="{html.escape(page)}">Watch the episode</a></p>' if page else ""
    summary = _text(episode.summary)
    rests = (film + chapters + link, film + link)

    def room(rest: str) -> int:
        return LIMIT - _bytes(rest)

    rest = next((r for r in rests if room(r) >= min(ROOM_FOR_SUMMARY, _bytes(_para(summary)))), "")
    return _para(_cut(summary, lambda s: _bytes(_para(s)) <= room(rest))) + rest


def _chapter_list(chapters: Sequence[ChapterFacts]) -> str:
    items = "".join(
        f"<li>{_clock(int(c.start))} {html.escape(_text(c.title))}</li>" for c in chapters
    )
    return f"<ol>{items}</ol>" if items else ""


def _para(text: str) -> str:
    """A paragraph of the author's text, escaped: `]]>` becomes `]]&gt;`, so the CDATA
    around the description cannot be closed from inside it."""
    return f"<p>{html.escape(text)}</p>" if text.strip() else ""


def _cut(text: str, fits: Callable[[str], bool]) -> str:
    """`text`, or the longest beginning of it that `fits` with an ellipsis, cut at a word."""
    if fits(text):
        return text
    lo, hi = 0, len(text)
    while lo < hi:
        mid = (lo + hi + 1) // 2
        lo, hi = (mid, hi) if fits(text[:mid].rstrip() + "…") else (lo, mid - 1)
    head = text[:lo]
    if " " in head[-40:]:
        head = head.rsplit(" ", 1)[0]
    return head.rstrip() + "…" if head.strip() else ""


def _clock(seconds: int) -> str:
    """M:SS, or H:MM:SS from the first hour on."""
    h, rest = divmod(seconds, 3600)
    m, s = divmod(rest, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}"


def _explicit(site: Site) -> _Tag:
    return _Tag(f"{{{ITUNES}}}explicit", text="true" if site.explicit else "false")


def _category(site: Site) -> str:
    """The category, whole ("TV & Film" is one of Apple's, not a category and a subcategory)."""
    if '"' in site.category:  # feedgen looks it up in an XPath predicate; none of Apple's has one
        raise ValueError(f"site category {site.category!r} is not an Apple Podcasts category")
    return _text(site.category)


def _url(site: Site, path: str) -> str:
    return site.url + "/".join(quote(part, safe="") for part in path.split("/"))


def _image(path: str) -> bool:
    """Whether itunes:image may name it: Apple (and feedgen) take .jpg and .png only."""
    return path.endswith((".jpg", ".png"))


def _size(sizes: Mapping[str, int], path: str) -> int:
    if path not in sizes:
        raise ValueError(f"{path} has no size: the feed must give its length in bytes")
    return sizes[path]


def _text(text: str | None) -> str:
    """The author's text without the characters XML 1.0 cannot hold (lxml refuses them)."""
    return _NOT_XML.sub("", text or "")


def _bytes(text: str) -> int:  # UTF-8
    return len(text.encode("utf-8"))
