"""Subscribers' private feeds: `private/<token>/feed.xml` each, the token an HMAC of the
subscriber's id under a secret from the environment, so there is no table of tokens to lose
or leak; removing a subscriber from the file revokes their feed at the next publish, and a
new secret revokes everyone's.

The subscribers file holds personal data: it is read from where the command line or the
environment says, never from output/, and nothing made from it but the feeds themselves
is published. The feeds' own manifest (what `essay publish` deletes by) lives on the remote
under a name made of the secret too, and no public file names it.
"""

from __future__ import annotations

import base64
import csv
import hashlib
import hmac
import io
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from pipeline.base.files import read_file
from pipeline.publish.catalogue import Catalogue
from pipeline.publish.facts import SeriesFacts
from pipeline.publish.feed import FEED, feed_xml

SECRET_ENV = "ESSAY_FEED_SECRET"
SUBSCRIBERS_ENV = "ESSAY_SUBSCRIBERS"
FOLDER = "private"
MIN_SECRET = 32  # characters: `secrets.token_urlsafe(32)` gives 43
TOKEN_BYTES = 24  # 192 bits, 32 URL-safe characters
_MANIFEST_ID = "\x00manifest"  # no subscriber's id: a CSV field cannot hold NUL
MAX_FILE = 50_000_000  # bytes: some hundreds of thousands of subscribers


class SubscribersError(ValueError):
    """The subscribers file or the secret cannot be used: one line, saying how to fix it,
    naming no token and no secret."""


@dataclass(frozen=True)
class Subscriber:
    id: str
    email: str
    name: str


def secret_from(environ: dict[str, str] | None) -> bytes:
    """The secret tokens are made with. Raises SubscribersError."""
    value = (environ or {}).get(SECRET_ENV, "")
    if len(value) < MIN_SECRET:
        raise SubscribersError(
            f"{SECRET_ENV} must hold a secret of at least {MIN_SECRET} characters (it has "
            f"{len(value)}); make one with: python -c 'import secrets; "
            "print(secrets.token_urlsafe(32))', and keep it as you keep passwords"
        )
    return value.encode("utf-8")


def token(secret: bytes, subscriber_id: str) -> str:
    """The subscriber's token: URL-safe, 192 bits, the same for the same id and secret."""
    digest = hmac.new(secret, b"feed\x00" + subscriber_id.encode("utf-8"), hashlib.sha256)
    return base64.urlsafe_b64encode(digest.digest()[:TOKEN_BYTES]).decode("ascii")


def feed_path(secret: bytes, subscriber_id: str) -> str:
    """Where the subscriber's feed is, relative to the site's address."""
    return f"{FOLDER}/{token(secret, subscriber_id)}/{FEED}"


def manifest_path(secret: bytes) -> str:
    """The private feeds' manifest on the remote: a name only the secret's holder knows."""
    return f"{FOLDER}/{token(secret, _MANIFEST_ID)}.json"


def read_subscribers(path: Path, output: Path) -> list[Subscriber]:
    """The subscribers in a CSV file with a header (`id`, and optionally `email` and
    `name`). Raises SubscribersError, OSError."""
    if _under(path, output):
        raise SubscribersError(
            f"{path}: the subscribers file holds personal data and may not be in output/, "
            "which is published; keep it outside the project's output/"
        )
    try:
        text = read_file(path, MAX_FILE).decode("utf-8-sig")
        return _rows(path, csv.DictReader(io.StringIO(text)))
    except (UnicodeDecodeError, csv.Error) as err:
        what = "not UTF-8 text" if isinstance(err, UnicodeDecodeError) else str(err)
        raise SubscribersError(f"{path}: not a CSV file ({what}); save it as UTF-8 CSV") from None


def _rows(path: Path, rows: csv.DictReader) -> list[Subscriber]:
    if not rows.fieldnames or "id" not in rows.fieldnames:
        raise SubscribersError(f"{path}:1: no `id` column; the first line is id,email,name")
    found, seen = [], set()
    for row in rows:
        line = rows.line_num
        sid = (row.get("id") or "").strip()
        if not sid:
            raise SubscribersError(f"{path}:{line}: a subscriber without an id; give each one")
        if sid in seen:
            raise SubscribersError(f"{path}:{line}: id {sid!r} is there twice; ids are unique")
        seen.add(sid)
        found.append(Subscriber(sid, (row.get("email") or "").strip(), (row.get("name") or "")))
    return found


def _under(path: Path, output: Path) -> bool:
    return path.resolve().is_relative_to(output.resolve())


def private_feeds(
    secret: bytes, subscribers: Sequence[Subscriber], series: SeriesFacts, catalogue: Catalogue
) -> dict[str, bytes]:
    """Each subscriber's feed, by its path: the audio edition as the public feed has it,
    its own address as its self link, blocked from directories and locked."""
    sizes = catalogue.sizes()
    return {
        (name := feed_path(secret, s.id)): feed_xml(
            series, catalogue.episodes, sizes, name=name, private=True
        )
        for s in subscribers
    }
