"""`essay publish` against a real S3 server (rclone serve s3, from its wheel, on 127.0.0.1):
a first publish, a no-op, a still swapped, an episode removed, the delete guard, a publish
killed and resumed; the order checked by listing the bucket after every file sent. And the
subscribers' private feeds: each read by feedparser, revoked, no token anywhere public."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import time
from pathlib import Path

import feedparser
import pytest
from click.testing import CliRunner
from conftest import SITE, write_still
from publishing import (
    BUCKET,
    S3Server,
    credentials,
    essay_process,
    listing,
    set_publish,
)

from pipeline.cli.essay import main
from pipeline.produce import build
from pipeline.produce.publishing import Subscribers, Watcher, prepare, run, work_folder
from pipeline.produce.series import publish_series
from pipeline.publish.manifest import MANIFEST, read_manifest
from pipeline.publish.profiles import MASTER
from pipeline.publish.subscribers import SECRET_ENV, token
from pipeline.publish.upload import tier
from pipeline.script.project import Project

FEED_SECRET = "a-test-secret-of-more-than-thirty-two-characters"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    s3 = S3Server(tmp_path_factory.mktemp("s3") / "data")
    saved = {k: os.environ.get(k) for k in credentials()}
    os.environ.update(credentials())
    yield s3
    s3.stop()
    for k, v in saved.items():
        os.environ.pop(k) if v is None else os.environ.__setitem__(k, v)


@pytest.fixture
def root(built_series: Path, server: S3Server, tmp_path: Path, request) -> Path:
    """A copy of the built series, publishing to a prefix of its own."""
    copy = tmp_path / "proj"
    shutil.copytree(built_series, copy, symlinks=True)
    set_publish(copy, to=f"s3://{BUCKET}/{request.node.name}", endpoint=server.endpoint)
    return copy


class Order(Watcher):
    """After every file sent: the bucket listed, and nothing in it points at a file it lacks
    (every file of an earlier tier is there; the remote's manifest lists only what it holds);
    deletions come after the manifest."""

    def __init__(self, server: S3Server, prefix: str, output: Path):
        self.server, self.prefix = server, prefix
        self.local = [e.path for e in read_manifest(output)[0]]
        self.events: list[tuple[str, str]] = []

    def uploaded(self, upload) -> None:
        self.events.append(("sent", upload.path))
        there = listing(self.server, self.prefix)
        missing = [p for p in self.local if tier(p) < tier(upload.path) and p not in there]
        assert not missing, f"{upload.path} is up before {missing}"
        if MANIFEST in there:
            got = self.server.client().get_object(Bucket=BUCKET, Key=self.prefix + MANIFEST)
            listed = json.loads(got["Body"].read())["files"]
            assert all(e["path"] in there for e in listed), "the manifest lists a file not there"

    def deleted(self, paths, private) -> None:
        assert ("sent", MANIFEST) in self.events or not self.files, "deleted before the manifest"
        self.events += [("deleted", p) for p in paths]

    @property
    def files(self) -> list[str]:
        return [p for what, p in self.events if what == "sent"]

    @property
    def deletions(self) -> list[str]:
        return [p for what, p in self.events if what == "deleted"]


def prefix_of(root: Path) -> str:
    return Project.open(root).series.publish.to.split("/", 3)[3]


def publish(root: Path, server: S3Server, subscribers: Path | None = None) -> Order:
    project = Project.open(root)
    prefix = prefix_of(root) + "/"
    watcher = Order(server, prefix, project.output)
    who = Subscribers(subscribers, {SECRET_ENV: FEED_SECRET}) if subscribers else None
    with work_folder() as work:
        run(prepare(project, who, Path(work)), project.output, Path(work), watcher)
    return watcher


def bucket_files(server: S3Server, root: Path) -> dict[str, str]:
    """The bucket's files under the test's prefix, by path, with their SHA-256."""
    folder = server.data / BUCKET / prefix_of(root)
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in folder.rglob("*")
        if p.is_file()
    }


def local_files(root: Path) -> dict[str, str]:
    listed = {e.path: e.sha256 for e in read_manifest(root / "output")[0]}
    own = hashlib.sha256((root / "output" / MANIFEST).read_bytes()).hexdigest()
    return listed | {MANIFEST: own}


def essay(root: Path, *args: str, env: dict | None = None):
    cwd = os.getcwd()
    os.chdir(root)
    try:
        return CliRunner().invoke(main, list(args), env=env)
    finally:
        os.chdir(cwd)


# The bucket ---------------------------------------------------------------------------


def test_first_publish_then_a_no_op(root: Path, server: S3Server) -> None:
    first = publish(root, server)
    assert bucket_files(server, root) == local_files(root)
    assert first.files[-1] == MANIFEST and len(first.files) == len(local_files(root))
    tiers = [tier(p) for p in first.files]
    assert tiers == sorted(tiers), first.files
    head = server.client().head_object(Bucket=BUCKET, Key=f"{prefix_of(root)}/tiny/tiny.mp4")
    assert head["ContentType"] == "video/mp4" and "max-age=604800" in head["CacheControl"]
    started = time.monotonic()
    again = essay(root, "publish")
    assert again.exit_code == 0, again.output
    assert time.monotonic() - started < 2
    assert "sent 0 files" in again.stdout and "sent " not in again.stderr


def test_a_still_swapped_sends_only_the_changed_files(root: Path, server: S3Server) -> None:
    publish(root, server)
    before = local_files(root)
    write_still(root / "assets" / "t" / "s1.jpg", seed=7)
    for slug in ("tiny", "other"):
        build(root / "essays" / f"{slug}.yaml", profile=MASTER)
    publish_series(Project.open(root))
    after = local_files(root)
    changed = {p for p in after if before.get(p) != after[p]}
    assert any(p.endswith(".mp4") for p in changed) and len(changed) < len(after) / 2
    swapped = publish(root, server)
    assert set(swapped.files) == changed and swapped.files[-1] == MANIFEST
    assert [tier(p) for p in swapped.files] == sorted(tier(p) for p in swapped.files)
    assert not swapped.deletions
    assert bucket_files(server, root) == after


def test_an_episode_removed_is_deleted_after_the_rest(root: Path, server: S3Server) -> None:
    publish(root, server)
    (root / "essays" / "other.yaml").unlink()
    publish_series(Project.open(root))
    dry = essay(root, "publish", "--dry-run")
    assert dry.exit_code == 0 and "delete other/other.mp4" in dry.stdout, dry.output
    removed = publish(root, server)
    assert removed.deletions and all(p.startswith("other/") for p in removed.deletions)
    assert removed.events.index(("sent", MANIFEST)) < removed.events.index(
        ("deleted", removed.deletions[0])
    )
    assert bucket_files(server, root) == local_files(root)


def test_the_delete_guard(root: Path, server: S3Server) -> None:
    publish(root, server)
    (root / "essays" / "other.yaml").unlink()
    publish_series(Project.open(root))
    before = bucket_files(server, root)
    refused = essay(root, "publish", "--max-deletes", "3")
    assert refused.exit_code == 2, refused.output
    assert "more than --max-deletes 3" in refused.stderr and len(refused.stderr.splitlines()) == 1
    assert bucket_files(server, root) == before  # nothing sent, nothing deleted
    forced = essay(root, "publish", "--max-deletes", "3", "--force")
    assert forced.exit_code == 0, forced.output
    assert bucket_files(server, root) == local_files(root)


class Interrupted(Order):
    """Ctrl-C after the fourth file is sent (as the signal handler raises it)."""

    def uploaded(self, upload) -> None:
        super().uploaded(upload)
        if len(self.files) == 4:
            raise KeyboardInterrupt


def test_an_interrupted_publish_resumes_with_what_is_missing(root: Path, server) -> None:
    project = Project.open(root)
    with work_folder() as work, pytest.raises(KeyboardInterrupt):
        stopped = Interrupted(server, prefix_of(root) + "/", project.output)
        run(prepare(project, None, Path(work)), project.output, Path(work), stopped)
    assert MANIFEST not in bucket_files(server, root)
    resumed = publish(root, server)
    assert set(resumed.files) == set(local_files(root)) - set(stopped.files)
    assert bucket_files(server, root) == local_files(root)


@pytest.mark.slow  # about 5 s: a throttled server, so that a real kill lands mid-upload
def test_a_publish_killed_midway_resumes_with_what_is_missing(
    root: Path, server: S3Server, tmp_path: Path
) -> None:
    slow = S3Server(tmp_path / "slow", bwlimit="600k")  # a second's upload, to kill it in
    try:
        set_publish(root, to=f"s3://{BUCKET}/killed", endpoint=slow.endpoint)
        proc = essay_process(root, "publish", "-q", env=credentials())
        deadline = time.monotonic() + 20
        while len(listing(slow, "killed/")) < 3 and time.monotonic() < deadline:
            time.sleep(0.02)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        there = bucket_files(slow, root)
        local = local_files(root)
        assert 3 <= len(there) < len(local) and MANIFEST not in there
        whole = {p for p, digest in there.items() if local.get(p) == digest}
        resumed = publish(root, slow)
        assert set(resumed.files) == set(local) - whole
        assert bucket_files(slow, root) == local
    finally:
        slow.stop()


def test_bad_publish_settings_are_one_line(root: Path) -> None:
    set_publish(root, to="s3://Not A Bucket")
    said = essay(root, "publish")
    assert said.exit_code == 2
    first, *rest = said.stderr.splitlines()
    assert first.startswith("essays/series.yaml:") and ": publish.to: must be s3://" in first
    assert rest == ["1 problem found; nothing was published"], said.stderr


def test_a_folder_as_the_target(root: Path, tmp_path: Path) -> None:
    set_publish(root, to="../site")
    done = essay(root, "publish", "-q")
    assert done.exit_code == 0, done.output
    copied = tmp_path / "site"
    listed = {p.relative_to(copied).as_posix() for p in copied.rglob("*") if p.is_file()}
    assert listed == set(local_files(root))


# Subscribers' private feeds ------------------------------------------------------------


def write_subscribers(path: Path, *ids: str) -> Path:
    rows = ["id,email,name", *(f"{i},{i}@example.org,Name {i}" for i in ids)]
    path.write_text("\n".join(rows) + "\n")
    return path


def test_private_feeds_read_revoked_and_never_public(
    root: Path, server: S3Server, tmp_path: Path
) -> None:
    secret = FEED_SECRET.encode()
    subscribers = write_subscribers(tmp_path / "subscribers.csv", "ann", "bob", "cy")
    tokens = {i: token(secret, i) for i in ("ann", "bob", "cy")}
    assert all(len(t) >= 22 and t.replace("-", "").replace("_", "").isalnum()
               for t in tokens.values())  # fmt: skip
    env = {SECRET_ENV: FEED_SECRET, "ESSAY_SUBSCRIBERS": str(subscribers)}
    planned = essay(root, "publish", "--dry-run", env=env)
    assert "private feeds: 3 to upload" in planned.stdout, planned.output
    said = essay(root, "publish", env=env)
    assert said.exit_code == 0, said.output
    there = bucket_files(server, root)
    folder = server.data / BUCKET / prefix_of(root)
    for t in tokens.values():
        xml = (folder / "private" / t / "feed.xml").read_bytes()
        parsed = feedparser.parse(xml)
        assert not parsed.bozo and len(parsed.entries) == 2
        own = [link.href for link in parsed.feed.links if link.rel == "self"]
        assert own == [f"{SITE}private/{t}/feed.xml"]
        for tag in (b"<itunes:block>Yes</itunes:block>", b"<podcast:block>yes</podcast:block>",
                    b"<podcast:locked>yes</podcast:locked>"):  # fmt: skip
            assert tag in xml
    listed = essay(root, "subscribers", env=env)
    assert listed.exit_code == 0
    urls = [line.split(",")[-1] for line in listed.stdout.splitlines()[1:]]
    assert [u.removeprefix(SITE) in there for u in urls] == [True] * 3
    # no token in anything public, nor in what was said
    public = [p for p in folder.rglob("*") if p.is_file() and "private" not in p.parts]
    public += [p for p in (root / "output").rglob("*") if p.is_file()]
    for t in tokens.values():
        assert t not in said.output + planned.output
        assert not any(t.encode() in p.read_bytes() for p in public)
    # bob removed: his feed goes at the next publish
    write_subscribers(subscribers, "ann", "cy")
    revoked = essay(root, "publish", env=env)
    assert revoked.exit_code == 0 and tokens["bob"] not in revoked.output
    assert not (folder / "private" / tokens["bob"]).exists()
    assert (folder / "private" / tokens["ann"] / "feed.xml").is_file()


def test_a_private_series_has_no_public_feed(root: Path, server: S3Server, tmp_path) -> None:
    publish(root, server)
    series = root / "essays" / "series.yaml"
    series.write_text(series.read_text() + "feed: {public: false}\n")
    publish_series(Project.open(root))
    assert not (root / "output" / "feed.xml").exists()
    assert "feed.xml" not in (root / "output" / "index.html").read_text()
    subscribers = write_subscribers(tmp_path / "subscribers.csv", "ann")
    gone = publish(root, server, subscribers)
    assert "feed.xml" in gone.deletions
    assert sum(p.startswith("private/") for p in bucket_files(server, root)) == 2


def test_subscribers_and_secret_refused_in_one_line(root: Path, tmp_path: Path) -> None:
    inside = write_subscribers(root / "output" / "subscribers.csv", "ann")
    said = essay(root, "publish", "--subscribers", str(inside), env={SECRET_ENV: FEED_SECRET})
    assert said.exit_code == 2 and "may not be in output/" in said.stderr
    outside = write_subscribers(tmp_path / "s.csv", "ann")
    weak = "short-secret"
    said = essay(root, "subscribers", "--subscribers", str(outside), env={SECRET_ENV: weak})
    assert said.exit_code == 2 and weak not in said.output
    assert len(said.stderr.splitlines()) == 1
