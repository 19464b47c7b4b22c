"""The subscriber bundle, built for a series of two tiny episodes and read as its clients
read it: renditions probed, pictures opened, the feed parsed, the manifest verified."""

from __future__ import annotations

import itertools
import json
import subprocess
import sys
from pathlib import Path

import av
import feedparser
import numpy as np
import pytest
import webvtt
import yaml
from conftest import Project, make_project
from PIL import Image
from probe import streams, top_level_atoms

from pipeline.produce import check

SITE = "https://example.org/who-what/"


def essay(root: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "pipeline", *args], cwd=root, capture_output=True, text=True
    )


def add_series_settings(project: Project, **settings) -> None:
    path = project.root / "essays" / "series.yaml"
    data = yaml.safe_load(path.read_text())
    path.write_text(yaml.safe_dump(data | settings, sort_keys=False))


def second_episode(project: Project, **changes) -> Path:
    data = project.read() | {"episode": 2, "title": "Another tiny test", "date": "2026-12-03"}
    path = project.root / "essays" / "other.yaml"
    path.write_text(yaml.safe_dump(data | changes, sort_keys=False))
    return path


@pytest.fixture(scope="module")
def series(tmp_path_factory) -> Project:
    project = make_project(tmp_path_factory.mktemp("bundle") / "proj")
    add_series_settings(project, renditions=[180, 120, 90], site={"url": SITE})
    data = project.read()
    data["poster"] = {"section": "two", "at": 0.5}
    project.write(data)
    second_episode(project)
    proc = essay(project.root, "build", "--quiet", "--report", "report.json")
    assert proc.returncode == 0, proc.stderr
    return project


def out(project: Project) -> Path:
    return project.root / "output"


def keyframes(path: Path) -> list[float]:
    with av.open(str(path)) as c:
        v = c.streams.video[0]
        return [float(p.pts * v.time_base) for p in c.demux(v) if p.is_keyframe and p.size]


def audio_packets(path: Path) -> list[bytes]:
    with av.open(str(path)) as c:
        return [bytes(p) for p in c.demux(c.streams.audio[0]) if p.size]


def test_renditions_are_the_master_made_smaller(series) -> None:
    folder = out(series) / "tiny"
    master = folder / "tiny.mp4"
    for name, (w, h) in {"tiny.mp4": (320, 180), "tiny-120p.mp4": (214, 120),
                         "tiny-90p.mp4": (160, 90)}.items():  # fmt: skip
        s = streams(folder / name)
        assert (s["video"].width, s["video"].height, s["video"].profile) == (w, h, "High")
        assert abs(s["video"].duration - streams(master)["video"].duration) <= 1 / 30
        atoms = top_level_atoms(folder / name)
        assert atoms.index("moov") < atoms.index("mdat")  # faststart
        assert keyframes(folder / name) == keyframes(master)
        assert audio_packets(folder / name) == audio_packets(master)  # the master's sound
    assert b"elst" not in (folder / "tiny-120p.mp4").read_bytes()  # no edit lists


def test_keyframes_every_two_seconds_from_each_shot_and_crossfade(series) -> None:
    frames = keyframes(out(series) / "tiny" / "tiny.mp4")
    facts = json.loads((out(series) / "tiny" / "tiny.episode.json").read_text())
    starts = {round(c["start"], 3) for c in facts["chapters"]}
    shots = check(series.episode).timeline.shots  # a segment starts at each, and each fade's end
    starts |= {
        round(f / 30, 3) for s in shots for f in (s.first_frame, s.first_frame + s.fade_frames)
    }
    assert starts <= {round(t, 3) for t in frames}
    assert all(b - a <= 2.0 + 1e-6 for a, b in itertools.pairwise(frames))


def test_the_poster_is_the_frame_the_author_chose(series) -> None:
    folder = out(series) / "tiny"
    poster = np.asarray(Image.open(folder / "tiny.jpg").convert("L"), dtype=float)
    assert poster.shape == (180, 320)
    facts = json.loads((folder / "tiny.episode.json").read_text())
    at = facts["chapters"][1]["start"] + 0.5  # section two, half a second in
    with av.open(str(folder / "tiny.mp4")) as c:
        frame = next(f for f in c.decode(video=0) if f.time >= at - 1e-6)
    luma = frame.to_ndarray(format="gray").astype(float) * 255 / 219  # TV range, roughly
    assert np.corrcoef(poster.ravel(), luma.ravel())[0, 1] > 0.98


def test_thumbnail_and_cover(series) -> None:
    folder = out(series) / "tiny"
    with Image.open(folder / "tiny-thumbnail.jpg") as im:
        assert (im.format, im.size, im.mode) == ("JPEG", (1280, 720), "RGB")
    assert (folder / "tiny-thumbnail.jpg").stat().st_size < 2_000_000
    with Image.open(folder / "tiny-cover.jpg") as im:
        assert (im.format, im.size, im.mode) == ("JPEG", (3000, 3000), "RGB")


def test_chapters_json_matches_the_chapters_vtt(series) -> None:
    folder = out(series) / "tiny"
    chapters = json.loads((folder / "tiny.chapters.json").read_text())
    assert chapters["version"] == "1.2.0"
    cues = webvtt.read(str(folder / "tiny.chapters.vtt"))
    assert [c["title"] for c in chapters["chapters"]] == [c.text for c in cues]
    assert [round(c["startTime"], 3) for c in chapters["chapters"]] == [
        seconds(c.start) for c in cues
    ]


def seconds(stamp: str) -> float:
    h, m, s = stamp.split(":")
    return round(int(h) * 3600 + int(m) * 60 + float(s), 3)


def test_the_feed_as_a_podcast_app_reads_it(series) -> None:
    feed = feedparser.parse(str(out(series) / "feed.xml"))
    assert not feed.bozo
    assert [e.title for e in feed.entries] == ["Another tiny test", "A tiny test"]
    for entry in feed.entries:
        (enclosure,) = entry.enclosures
        name = enclosure.href.removeprefix(SITE)
        assert int(enclosure.length) == (out(series) / name).stat().st_size
    assert feed.feed.image.href == SITE + "cover.jpg"


def test_guids_hold_through_a_title_edit(series, tmp_path) -> None:
    before = {e.title: e.id for e in feedparser.parse(str(out(series) / "feed.xml")).entries}
    data = series.read()
    data["title"] = "A renamed tiny test"
    series.write(data)
    assert essay(series.root, "build", "--quiet", "essays/tiny.yaml").returncode == 0
    after = {e.title: e.id for e in feedparser.parse(str(out(series) / "feed.xml")).entries}
    assert after["A renamed tiny test"] == before["A tiny test"]
    assert after["Another tiny test"] == before["Another tiny test"]
    assert len(set(after.values())) == 2


def test_the_series_page_lists_the_episodes_newest_first(series) -> None:
    page = (out(series) / "index.html").read_text()
    assert page.index("Another tiny test") < page.index("tiny test</")
    assert 'href="other/index.html"' in page and 'href="tiny/index.html"' in page


def test_the_manifest_names_every_file_and_verify_checks_it(series) -> None:
    manifest = json.loads((out(series) / "manifest.json").read_text())
    listed = {e["path"]: e for e in manifest["files"]}
    on_disk = {
        p.relative_to(out(series)).as_posix()
        for p in out(series).rglob("*")
        if p.is_file() and p.name != "manifest.json"
    }
    assert set(listed) == on_disk
    assert listed["tiny/tiny.mp3"]["type"] == "audio/mpeg"
    assert listed["tiny/tiny.chapters.json"]["type"] == "application/json+chapters"
    assert listed["tiny/tiny.mp4"]["bytes"] == (out(series) / "tiny/tiny.mp4").stat().st_size
    assert essay(series.root, "verify").returncode == 0
    srt = out(series) / "tiny" / "tiny.srt"
    kept = srt.read_bytes()
    try:
        srt.write_bytes(kept[:-1] + bytes([kept[-1] ^ 1]))  # one byte of one file
        proc = essay(series.root, "verify")
        assert proc.returncode == 1 and "changed: output/tiny/tiny.srt" in proc.stderr
    finally:
        srt.write_bytes(kept)


def test_the_report_says_what_was_built(series) -> None:
    report = json.loads((series.root / "report.json").read_text())
    rows = {r["slug"]: r for r in report["episodes"]}
    assert set(rows) == {"tiny", "other"} and all(r["status"] == "built" for r in rows.values())
    assert rows["tiny"]["frames_encoded"] > 0 and rows["tiny"]["loudness"]
    assert any(f.endswith("manifest.json") for f in report["series"][0]["files"])


def test_a_failed_episode_keeps_its_delivery_and_the_series_tells_the_truth(series) -> None:
    other = series.root / "essays" / "other.yaml"
    kept = other.read_text()
    try:
        other.write_text(kept.replace("assets/t/n0.wav", "assets/t/gone.wav"))
        proc = essay(series.root, "build", "--quiet")
        assert proc.returncode == 2
        assert (out(series) / "other" / "other.mp4").is_file()  # its last delivery
        titles = [e.title for e in feedparser.parse(str(out(series) / "feed.xml")).entries]
        assert "Another tiny test" in titles
        assert essay(series.root, "verify").returncode == 0
    finally:
        other.write_text(kept)


@pytest.mark.parametrize(
    ("change", "says"),
    [
        ({"site": {"url": "example.org"}}, "site.url: must be an address like https://"),
        ({"site": {"url": SITE, "language": "klingon"}}, "'klingon' is not an ISO 639"),
        ({"renditions": [720, 721]}, "renditions: needs distinct even heights"),
    ],
)
def test_bad_series_settings(project: Project, change, says) -> None:
    add_series_settings(project, **change)
    proc = essay(project.root, "check")
    assert proc.returncode == 2 and says in proc.stderr
    assert proc.stderr.startswith("essays/series.yaml:")


def test_problems_between_episodes(project: Project) -> None:
    add_series_settings(project, site={"url": SITE})
    second_episode(project, episode=1, date=None)
    proc = essay(project.root, "check")
    assert proc.returncode == 2
    assert "essays/tiny.yaml:1:1: episode: episode 1 is also essays/other.yaml" in proc.stderr
    assert "essays/other.yaml" in proc.stderr and "the podcast feed needs the episode's date" in (
        proc.stderr
    )


def test_a_poster_past_its_section(project: Project) -> None:
    data = project.read()
    data["poster"] = {"section": "one", "at": 30}
    project.write(data)
    proc = essay(project.root, "check")
    assert (
        proc.returncode == 2 and "poster: at 30 s is past the end of section 'one'" in proc.stderr
    )


def test_without_a_site_check_warns_once_and_the_build_writes_no_feed(project: Project) -> None:
    proc = essay(project.root, "check")
    assert proc.returncode == 0 and proc.stderr.count("no `site:`") == 1
    assert essay(project.root, "build", "--quiet").returncode == 0
    assert (out(project) / "index.html").is_file() and not (out(project) / "feed.xml").exists()


def test_a_series_page_template_is_bounded_like_the_authors_text(tmp_path: Path) -> None:
    """A series' own page template runs in the same sandbox as the author's text: a string
    repeated past the bound is one clean error, not the machine's memory."""
    from pipeline.base.errors import RenderError
    from pipeline.publish.site import SiteTemplates

    (tmp_path / "series.html").write_text("{{ 'x' * 10**10 }}")
    bounded = r"the page template .*series.html:1 fails: .*the result of \* would be over"
    with pytest.raises(RenderError, match=bounded):
        SiteTemplates(tmp_path, tmp_path).render("series.html", {})
