"""One cache: content keys, atomic entries, and pruning that keeps what builds still use."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import Project, write_still

from pipeline.base.cache import Cache, key, prune
from pipeline.build import build

DAY = 24 * 3600


def test_a_key_is_its_recipe() -> None:
    assert key({"a": 1, "b": [1, 2]}) == key({"b": [1, 2], "a": 1})  # order of keys: no matter
    assert key(1, 2) != key(2, 1) and len(key("x")) == 32


def test_an_entry_is_whole_or_absent(tmp_path: Path) -> None:
    area = Cache(tmp_path).area("segments")

    def fails(tmp: Path) -> None:
        tmp.write_bytes(b"half")
        raise RuntimeError("killed")

    with pytest.raises(RuntimeError):
        area.put_file("k.mp4", fails)
    assert not list(area.folder.iterdir())  # neither the entry nor its temporary file
    area.put_file("k.mp4", lambda tmp: tmp.write_bytes(b"whole"))
    assert area.get("k.mp4").read_bytes() == b"whole"


def age(cache: Path, days: float) -> None:
    """Make every entry look unused for `days`."""
    then = time.time() - days * DAY
    for entry in cache.glob("*/*"):
        os.utime(entry, (then, then))


def test_prune_keeps_what_the_last_build_used(project: Project) -> None:
    build(project.episode)
    write_still(project.root / "assets/t/s1.jpg", seed=9)  # section two's picture changes
    build(project.episode)  # its old segment is no longer used
    cache = project.root / ".essay-cache"
    age(cache, 40)
    again = build(project.episode)  # uses (and so touches) what the episode needs now
    assert again.frames_encoded == 0
    before = {p.name for p in (cache / "segments").iterdir()}
    done = prune(Cache(cache), older_than=30 * DAY)
    after = {p.name for p in (cache / "segments").iterdir()}
    assert done.removed >= 1 and done.freed > 0
    assert len(before - after) == 1  # the stale segment, and only it
    assert {s.path.name for s in again.segments} <= after
    rebuilt = build(project.episode)
    assert rebuilt.frames_encoded == 0 and rebuilt.audio_reused


def test_a_build_after_pruning_everything_still_works(project: Project) -> None:
    build(project.episode)
    done = prune(Cache(project.root / ".essay-cache"), max_bytes=0)
    assert done.kept == 0 and done.size == 0
    rebuilt = build(project.episode)
    assert rebuilt.frames_encoded == rebuilt.checked.timeline.frames
    assert (rebuilt.folder / "tiny.mp4").is_file()


def test_prune_drops_what_killed_builds_left_once_a_day_old(tmp_path: Path) -> None:
    segments = tmp_path / "segments"
    segments.mkdir(parents=True)
    left = segments / ".k.123.456.tmp.mp4"
    left.write_bytes(b"x" * 10)
    fresh = segments / ".j.123.789.tmp.mp4"  # may be a running build's
    fresh.write_bytes(b"x")
    age(tmp_path, 2)
    os.utime(fresh)
    prune(Cache(tmp_path), older_than=30 * DAY)
    assert not left.exists() and fresh.exists()


def test_cli_prune_says_what_it_freed(project: Project) -> None:
    build(project.episode)
    proc = subprocess.run(
        [sys.executable, "-m", "pipeline", "prune", "--max-size", "1k"],
        cwd=project.root, capture_output=True, text=True,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    line = proc.stdout.strip()
    assert line.startswith("pruned .essay-cache: ") and " removed, " in line and " freed; " in line
    bad = subprocess.run(
        [sys.executable, "-m", "pipeline", "prune", "--max-size", "lots"],
        cwd=project.root, capture_output=True, text=True,
    )  # fmt: skip
    assert bad.returncode == 2 and "write it like 500M or 2G" in bad.stderr
