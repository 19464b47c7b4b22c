"""What `essay publish` sends, in which order, and with which headers: the plan, made from
the manifest of output/ and the one the remote holds (by digest, never by time). Pure: the
store and the running of the plan are elsewhere (publish/stores.py, produce/publishing.py).

The order keeps the remote whole at every moment: nothing published points at something
missing. Media and pictures (and the small files pages and feeds point at) go first, then
transcripts, then pages, then feeds, then the manifest; only then are files deleted that
the new manifest no longer lists, so the remote's manifest never lists a file it lacks.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import PurePosixPath

from pipeline.publish.manifest import MANIFEST, Listed, type_of

# The tiers, in the order they go
MEDIA, TRANSCRIPTS, PAGES, FEEDS, MANIFESTS = range(5)
TIER_NAMES = ("media and pictures", "transcripts", "pages", "feeds", "manifest")

# What a browser or a podcast app is served, where it differs from the manifest's type:
# the MP4 audio type a server sends (the feed keeps Apple's audio/x-m4a), text with its charset
_SERVED = {"audio/x-m4a": "audio/mp4"}
_TEXT = ("text/", "application/rss+xml", "application/x-subrip")


def content_type(path: str) -> str:
    """The Content-Type a browser, a podcast app or a player expects of the file."""
    kind = type_of(path)
    kind = _SERVED.get(kind, kind)
    return f"{kind}; charset=utf-8" if kind.startswith(_TEXT) else kind


def tier(path: str) -> int:
    """Which step of the order a file goes in."""
    name = PurePosixPath(path).name
    if name == MANIFEST:
        return MANIFESTS
    if name.endswith(".xml"):
        return FEEDS
    if name.endswith((".transcript.html", ".transcript.json")):
        return TRANSCRIPTS
    if name.endswith(".html"):
        return PAGES
    return MEDIA


@dataclass(frozen=True)
class Caching:
    """Cache-Control by kind: media long (their names are not their content, so not
    forever), what changes when an episode comes (pages, feeds, manifests) short."""

    media: str
    short: str
    private: str = "private, max-age=300"  # a subscriber's feed: no shared cache keeps it

    def of(self, path: str, private: bool = False) -> str:
        if private:
            return self.private
        return self.media if tier(path) == MEDIA else self.short


@dataclass(frozen=True)
class Upload:
    path: str  # relative to output/ (or to the private feeds' folder)
    size: int
    sha256: str
    content_type: str
    cache_control: str
    private: bool = False  # a subscriber's feed: never named in what is said


@dataclass(frozen=True)
class Plan:
    uploads: tuple[Upload, ...]  # in the order they go
    deletes: tuple[str, ...]  # after every upload
    unchanged: int  # files the remote already holds as they are
    private: bool = False  # subscribers' feeds: no path of it is ever said

    @property
    def bytes(self) -> int:
        return sum(u.size for u in self.uploads)


def plan(
    local: Sequence[Listed],
    remote: Sequence[Listed],
    present: Iterable[str],
    caching: Caching,
    private: bool = False,
) -> Plan:
    """Every file of `local` the remote's manifest does not list as it is, in order (the
    manifest's own upload is the caller's: it is made of the list), and every file
    `present` on the remote that `local` does not list: a deletion a killed publish left
    undone is done by the next, whatever the manifest now says."""
    held = {(e.path, e.size, e.sha256) for e in remote}
    wanted = [e for e in local if (e.path, e.size, e.sha256) not in held]
    wanted.sort(key=lambda e: (tier(e.path), e.path))
    uploads = tuple(
        Upload(e.path, e.size, e.sha256, content_type(e.path), caching.of(e.path, private), private)
        for e in wanted
    )
    deletes = tuple(sorted(set(present) - {e.path for e in local}))
    return Plan(uploads, deletes, len(local) - len(wanted), private)


def manifest_upload(data: bytes, sha256: str, caching: Caching, name: str = MANIFEST) -> Upload:
    """The manifest's own upload: always last, always sent when anything else was."""
    return Upload(name, len(data), sha256, content_type(name), caching.of(name))


def described(p: Plan) -> Iterable[str]:
    """The plan as `--dry-run` prints it: a line a file, by tier; subscribers' feeds are
    never named (their path holds their token)."""
    if p.private:
        if p.uploads or p.deletes:
            yield (f"private feeds: {len(p.uploads)} to upload, {len(p.deletes)} to delete "
                   f"(of revoked subscribers), {p.unchanged} unchanged")  # fmt: skip
        return
    for upload in p.uploads:
        yield f"upload {upload.path} ({upload.size:,} bytes, {TIER_NAMES[tier(upload.path)]})"
    for path in p.deletes:
        yield f"delete {path}"


def listing(entries: Iterable[Listed]) -> bytes:
    """A manifest of plain entries (the private feeds' own)."""
    files = [{"path": e.path, "bytes": e.size, "sha256": e.sha256} for e in entries]
    return (json.dumps({"files": files}, indent=1) + "\n").encode()
