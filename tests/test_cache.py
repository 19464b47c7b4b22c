"""One cache: content keys, atomic entries, and pruning that keeps what builds still use."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import Project, write_still

from pipeline.base.cache import Cache, key, prune
from pipeline.base.cache import file_digest as cache_file_digest
from pipeline.base.known import known
from pipeline.produce import build

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


def entries(area: Path) -> set[str]:
    names = {p.name for p in area.iterdir()}
    assert {n for n in names if n.endswith(".seal")} == {
        f"{n}.seal" for n in names if "." in n and not n.endswith(".seal")
    }
    return {n for n in names if not n.endswith(".seal")}  # each with its seal, as checked


def test_prune_keeps_what_the_last_build_used(project: Project) -> None:
    first = build(project.episode)
    write_still(project.root / "assets/t/s1.jpg", seed=9)  # section two's picture changes
    swapped = build(project.episode)  # the old segments of the shots that show it are unused
    cache = project.root / ".essay-cache"
    age(cache, 40)
    again = build(project.episode)  # uses (and so touches) what the episode needs now
    assert again.frames_encoded == 0
    before = entries(cache / "segments")
    done = prune(Cache(cache), older_than=30 * DAY)
    after = entries(cache / "segments")
    assert done.removed >= 1 and done.freed > 0
    stale = {s.path.name for s in first.segments} - {s.path.name for s in swapped.segments}
    assert len(stale) == 3 and before - after == stale  # the still's shot and its crossfades
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


def test_what_killed_builds_left_is_swept_and_a_running_builds_kept(tmp_path: Path) -> None:
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True).stdout.strip()  # fmt: skip
    segments, work = tmp_path / "segments", tmp_path / "work"
    for folder in (segments, work):
        folder.mkdir(parents=True)
    here = socket.gethostname()
    left = segments / f".~{dead}@{here}~1~k.mp4"  # a killed build's, however young
    left.write_bytes(b"x" * 10)
    (work / f".~{dead}~tiny-abc").mkdir()
    alive = segments / f".~{os.getppid()}~2~j.mp4"  # a running build's
    alive.write_bytes(b"x")
    old = segments / ".j.123.789.tmp.mp4"  # an older version's, by age
    old.write_bytes(b"x")
    age(tmp_path, 2)
    elsewhere = segments / f".~{dead}@another-worker~1~k.mp4"  # its maker cannot be seen
    elsewhere.write_bytes(b"x")
    prune(Cache(tmp_path), older_than=30 * DAY)
    assert not left.exists() and not list(work.iterdir()) and not old.exists()
    assert alive.exists() and elsewhere.exists()  # a day old, it would go


def test_an_entry_that_does_not_match_its_seal_is_made_again(tmp_path: Path) -> None:
    cache = Cache(tmp_path)
    area = cache.area("sound")
    area.put_file("a.bin", lambda tmp: tmp.write_bytes(b"0123456789"))
    area.put_folder("f", lambda work: (work / "x").write_bytes(b"abc"))
    assert area.get("a.bin") and area.get("f") and cache.damaged() == []
    with area.path("a.bin").open("r+b") as f:
        f.write(b"X")  # a flipped byte, same size
    (area.path("f") / "x").write_bytes(b"ab")  # truncated
    assert area.get("a.bin") is None and area.get("f") is None
    assert cache.damaged() == ["sound/a.bin had changed bytes",
                               "sound/f was truncated or changed in size"]  # fmt: skip
    assert not list(area.folder.iterdir())  # removed, seals and all
    area.put_file("u", lambda tmp: tmp.write_bytes(b"1"))
    area.path("u.seal").unlink()  # its maker killed before sealing it, or an older version
    assert area.get("u") is None and cache.damaged() == []  # made again without a word


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


# What is learnt of files as they stand (base/known.py) --------------------------------------


def _learner(seen: list[Path]):
    def learn(path: Path) -> str:
        seen.append(path)
        return path.read_text()

    return learn


def _settled(path: Path, seconds_ago: float = 10.0) -> None:
    """As if the file were last written a while ago (the author's still, saved yesterday)."""
    then = time.time() - seconds_ago
    os.utime(path, (then, then))


def test_a_fact_is_learnt_again_only_when_the_file_changed(tmp_path: Path) -> None:
    seen: list[Path] = []
    still = tmp_path / "still.txt"
    still.write_text("one")
    _settled(still)
    assert [known("t", still, _learner(seen)) for _ in range(3)] == ["one"] * 3
    assert len(seen) == 1
    still.write_text("two")  # an edit: a new time
    _settled(still, 5.0)
    assert [known("t", still, _learner(seen)) for _ in range(2)] == ["two"] * 2
    assert len(seen) == 2
    copy = tmp_path / "copy.txt"
    copy.write_text("own")  # a copy put in its place with the same size and time: its inode
    os.utime(copy, ns=(still.stat().st_atime_ns, still.stat().st_mtime_ns))
    copy.replace(still)
    assert known("t", still, _learner(seen)) == "own" and len(seen) == 3


def test_a_file_written_a_moment_before_it_was_read_is_read_again(tmp_path: Path) -> None:
    """Within one tick of the file system's clock a second write would look like none."""
    seen: list[Path] = []
    fresh = tmp_path / "fresh.txt"
    fresh.write_text("new")
    known("t", fresh, _learner(seen))
    known("t", fresh, _learner(seen))
    assert len(seen) == 2
    made = tmp_path / "made.txt"
    made.write_text("ours")  # this tool's own, finished file: nobody else writes it
    known("t", made, _learner(seen), made_here=True)
    known("t", made, _learner(seen), made_here=True)
    assert len(seen) == 3


def test_the_next_build_recalls_what_this_one_learnt(tmp_path: Path) -> None:
    still = tmp_path / "assets" / "still.jpg"
    still.parent.mkdir()
    still.write_bytes(b"\xff\xd8 pretend")
    _settled(still)
    cache = Cache.for_project(tmp_path)
    digest = cache_file_digest(still)
    cache.keep_facts()
    # another process: the record is read, and nothing is hashed again
    child = f"""
import sys
from pathlib import Path
from pipeline.base import cache, known
cache.Cache.for_project(Path({str(tmp_path)!r}))
fail = lambda path: sys.exit("read again: " + str(path))
print(known.known("sha256", Path({str(still)!r}), fail))
"""
    done = subprocess.run([sys.executable, "-c", child], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == digest
    still.write_bytes(b"\xff\xd8 another")  # changed since: the record does not vouch for it
    done = subprocess.run([sys.executable, "-c", child], capture_output=True, text=True)
    assert done.returncode != 0 and "read again" in done.stderr
