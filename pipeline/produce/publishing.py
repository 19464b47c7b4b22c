"""`essay publish`: output/ onto the series' store, as publish/upload.py plans it.

Killed at any point, it leaves the remote whole: every file is written whole (a PUT, a
rename), the manifests go after every file they list and deletions after the manifests. Run
again, it compares against the remote's manifest as before and asks the store which of the
files to send already stand there with their digest (a killed run sent them), so it sends
only what is missing.
"""

from __future__ import annotations

import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from pipeline.base.cache import file_digest
from pipeline.base.errors import EssayError, Problem, RenderError
from pipeline.base.files import read_file
from pipeline.publish.catalogue import Catalogue, read_catalogue
from pipeline.publish.facts import SeriesFacts
from pipeline.publish.manifest import (
    MANIFEST,
    MAX_MANIFEST_BYTES,
    BadManifest,
    Listed,
    parse_manifest,
    read_manifest,
)
from pipeline.publish.series_files import COVER
from pipeline.publish.stores import Store, store_for
from pipeline.publish.subscribers import (
    FOLDER,
    SubscribersError,
    manifest_path,
    private_feeds,
    read_subscribers,
    secret_from,
)
from pipeline.publish.upload import Caching, Plan, Upload, listing, manifest_upload, plan, tier
from pipeline.script.project import Project, slug_problem
from pipeline.script.settings import Publish as PublishSettings


class Watcher:
    """What a publish reports as it goes; the command line shows it, tests look."""

    def start(self, files: int, size: int) -> None: ...
    def sent(self, size: int) -> None: ...  # bytes of a file, as they go
    def uploaded(self, upload: Upload) -> None: ...  # a file is on the remote
    def deleted(self, paths: tuple[str, ...], private: bool) -> None: ...


@dataclass(frozen=True)
class Subscribers:
    """Whose private feeds to publish (read from outside output/), and the secret."""

    path: Path
    environ: Mapping[str, str]


@dataclass
class Publishing:
    """What a publish will do (a dry run stops here) and what it did."""

    store: Store
    public: Plan
    private: Plan | None
    manifest: Upload | None  # output/'s manifest, sent last of the files
    private_manifest: tuple[Upload, bytes] | None
    resumed: int = 0  # files a killed publish had sent already

    @property
    def uploads(self) -> list[Upload]:
        """Every file to send, in order: the private feeds among the feeds."""
        private = list(self.private.uploads) if self.private else []
        return sorted([*self.public.uploads, *private], key=_order)

    @property
    def last(self) -> list[Upload]:
        """The manifests to send after every file: the private feeds', then output/'s."""
        own = self.private_manifest[0] if self.private_manifest else None
        return [m for m in (own, self.manifest) if m]

    @property
    def deletes(self) -> int:
        return len(self.public.deletes) + (len(self.private.deletes) if self.private else 0)


def _order(upload: Upload) -> tuple[int, bool]:
    return (tier(upload.path), upload.private)


def prepare(project: Project, subscribers: Subscribers | None, work: Path) -> Publishing:
    """The plan: what output/ holds against what the store holds, the files a killed run
    sent already left out. Private feeds are written into `work`. Raises EssayError (the
    series or the subscribers cannot be published as they are), RenderError, OSError."""
    settings = _settings(project)
    caching = Caching(settings.media_cache, settings.short_cache)
    local, manifest_bytes = _local(project.output)
    store = store_for(settings, project.root)
    remote_bytes = store.get(MANIFEST)
    present = {k for k in store.names() if not k.startswith(f"{FOLDER}/")} - {MANIFEST}
    public = plan(local, _remote(remote_bytes), present, caching)
    changed = public.uploads or public.deletes or remote_bytes != manifest_bytes
    digest = file_digest(project.output / MANIFEST)
    doing = Publishing(
        store, public, None, manifest_upload(manifest_bytes, digest, caching) if changed else None,
        None,
    )  # fmt: skip
    if subscribers:
        _private(project, subscribers, doing, caching, work)
    _resume(doing)
    return doing


def _settings(project: Project) -> PublishSettings:
    settings = project.series.publish
    if settings is None:
        raise EssayError([Problem(project.series_file, None, None, "publish", (
            "no `publish:`, so nowhere to publish to; add `publish: {to: s3://bucket/prefix}` "
            "(and `endpoint:` for a store that is not AWS), or `publish: {to: ../folder}`"
        ))])  # fmt: skip
    folder = (project.root / settings.to).resolve()
    if not settings.to.startswith("s3://") and folder.is_relative_to(project.output.resolve()):
        raise EssayError([Problem(project.series_file, None, None, "publish.to", (
            f"{settings.to} is inside output/, which is what is published; name a folder "
            "outside it, such as ../public"
        ))])  # fmt: skip
    return settings


def _local(output: Path) -> tuple[list[Listed], bytes]:
    try:
        listed, _ = read_manifest(output)
        return listed, read_file(output / MANIFEST, MAX_MANIFEST_BYTES)
    except (OSError, BadManifest) as err:
        said = err.strerror if isinstance(err, OSError) and err.strerror else str(err)
        raise RenderError(
            f"{output / MANIFEST}: {said}; `essay build` writes it, then publish"
        ) from None


def _remote(data: bytes | None, empty: bool = False) -> list[Listed]:
    """The remote's manifest, or none: a first publish, or one the store mangled (every file
    is then asked after, and nothing is deleted that no manifest lists)."""
    if data is None:
        return []
    try:
        return parse_manifest(data, empty)[0]
    except BadManifest:
        return []


def _private(
    project: Project, subscribers: Subscribers, doing: Publishing, caching: Caching, work: Path
) -> None:
    """Each subscriber's feed written into `work`, and its plan against the remote's."""
    try:
        secret = secret_from(dict(subscribers.environ))
        who = read_subscribers(subscribers.path, project.output)
    except SubscribersError as err:
        raise EssayError([Problem(None, None, None, "", str(err))]) from None
    feeds = private_feeds(secret, who, _series_facts(project), _catalogue(project))
    entries = []
    for path, xml in feeds.items():
        (work / path).parent.mkdir(parents=True, exist_ok=True)
        (work / path).write_bytes(xml)
        entries.append(Listed(path, len(xml), file_digest(work / path)))
    key = manifest_path(secret)
    data = doing.store.get(key)
    present = doing.store.names(f"{FOLDER}/") - {key}
    doing.private = plan(entries, _remote(data, empty=True), present, caching, private=True)
    own = listing(entries)
    if own != data:
        (work / key).write_bytes(own)
        upload = Upload(key, len(own), file_digest(work / key), "application/json",
                        caching.private, private=True)  # fmt: skip
        doing.private_manifest = (upload, own)


def _series_facts(project: Project) -> SeriesFacts:
    settings = project.series
    if settings.site is None:
        raise EssayError([Problem(project.series_file, None, None, "site", (
            "no `site:`, so no address for the private feeds; add `site: {url: https://...}`"
        ))])  # fmt: skip
    return SeriesFacts(settings.series, settings.author, settings.site, COVER)


def _catalogue(project: Project) -> Catalogue:
    slugs = [p.stem for p in project.episodes if slug_problem(p.stem) is None]
    return read_catalogue(project.output, slugs)


def _resume(doing: Publishing) -> None:
    """Leave out what a killed publish already sent: it stands on the remote with its
    digest (only the files the plan would send are asked after, so a no-op asks nothing)."""
    for p in (doing.public, doing.private):
        if p is None or not p.uploads:
            continue
        kept = tuple(u for u in p.uploads if not doing.store.holds(u))
        doing.resumed += len(p.uploads) - len(kept)
        if p is doing.public:
            doing.public = _with(p, kept)
        else:
            doing.private = _with(p, kept)


def _with(p: Plan, uploads: tuple[Upload, ...]) -> Plan:
    return Plan(uploads, p.deletes, p.unchanged + len(p.uploads) - len(uploads), p.private)


def refused(doing: Publishing, max_deletes: int, force: bool) -> str | None:
    """Why the plan may not run (too many deletions), or None."""
    if force or doing.deletes <= max_deletes:
        return None
    return (
        f"it would delete {doing.deletes} files from {doing.store.where}, more than "
        f"--max-deletes {max_deletes}; look at the plan (--dry-run), then raise "
        "--max-deletes or give --force"
    )


def run(doing: Publishing, output: Path, work: Path, watcher: Watcher) -> None:
    """Send the plan: files in order, the manifests, then the deletions."""
    uploads = doing.uploads + doing.last
    watcher.start(len(uploads), sum(u.size for u in uploads))
    for upload in uploads:
        source = (work if upload.private else output) / upload.path
        _check(source, upload)
        doing.store.put(upload, source, watcher.sent)
        watcher.uploaded(upload)
    for p in (doing.public, doing.private):
        if p and p.deletes:
            doing.store.delete(p.deletes)
            watcher.deleted(p.deletes, p.private)


def _check(source: Path, upload: Upload) -> None:
    """A file changed since its manifest was written is not sent under the old digest."""
    if upload.private:
        return  # written just now
    if not source.is_file() or file_digest(source) != upload.sha256:
        raise RenderError(
            f"{source} is not as output/'s manifest lists it (changed or gone since the "
            "build); run `essay build` again, then publish"
        )


def work_folder() -> tempfile.TemporaryDirectory:
    """Where the private feeds are written before they are sent (gone after)."""
    return tempfile.TemporaryDirectory(prefix="essay-publish-")
