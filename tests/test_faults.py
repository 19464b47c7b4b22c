"""Faults a build meets unattended: signals mid-encode, a damaged cache, a full disk, a folder
it may not write, two builds of one episode at once. Real builds at 320x180 in their own
process; each test checks that output/ holds the last delivery, whole, and that the next build
succeeds.

One project is built once for the module; each test works on a copy of it (its cache and its
output/ too), so a test starts from a delivered episode in a second.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import make_project, write_still

from pipeline.base.ffmpeg import command

SLUG = "tiny"
# Each fault is a real build in its own process, stopped or starved: about a minute in all,
# so they run with the slow suite (CI runs both)
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def delivered(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("faults") / "proj"
    make_project(root)
    finished = essay(root, "build")
    assert finished.returncode == 0, finished.stderr
    return root


@pytest.fixture
def project(delivered: Path, tmp_path: Path) -> Path:
    """A copy of the delivered project, with its cache and its output/."""
    root = tmp_path / "proj"
    shutil.copytree(delivered, root, symlinks=True)
    return root


def essay(root: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "pipeline", *args, "--quiet"],
        cwd=root, capture_output=True, text=True, timeout=300,
    )  # fmt: skip


def start(root: Path, *args: str, log: Path | None = None) -> subprocess.Popen:
    """A build in its own process; what it says goes to `log` if given (read as it runs)."""
    out = log.open("w") if log else subprocess.PIPE
    return subprocess.Popen(
        [sys.executable, "-m", "pipeline", "build", "--quiet", *args],
        cwd=root, stdout=out, stderr=out, text=True,
    )  # fmt: skip


def edit_pictures(root: Path) -> None:
    """A new picture in both sections: both segments must be encoded again."""
    for k in range(2):
        write_still(root / f"assets/t/s{k}.jpg", seed=40 + k)


def delivery(root: Path) -> dict[str, str]:
    """What output/ holds: each file's digest, by its path."""
    out = root / "output"
    return {
        p.relative_to(out).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(out.rglob("*"))
        if p.is_file()
    }


def decodes_whole(mp4: Path, seconds: float) -> None:
    """The video decodes to its end, without an error, and lasts what it should."""
    proc = subprocess.run(
        command("-loglevel", "info", "-xerror", "-i", str(mp4), "-f", "null", "-"),
        capture_output=True, text=True,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr[-500:]
    times = re.findall(r"time=(\d+):(\d+):([\d.]+)", proc.stderr)
    h, m, s = times[-1]
    assert int(h) * 3600 + int(m) * 60 + float(s) == pytest.approx(seconds, abs=0.1)


def duration(root: Path) -> float:
    facts = json.loads((root / "output" / SLUG / f"{SLUG}.episode.json").read_text())
    return facts["duration"]


def temporaries(root: Path) -> list[str]:
    """What builds leave half-made in the cache: hidden entries and work folders."""
    cache = root / ".essay-cache"
    hidden = [p for p in cache.glob("*/.*") if p.parent.name != "locks"]
    return sorted(p.name for p in [*hidden, *cache.glob("work/*")])


def encoding(root: Path, timeout: float = 60) -> None:
    """Wait until a segment is being encoded: its temporary file is in the cache."""
    segments = root / ".essay-cache" / "segments"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if any(p.name.startswith(".~") and p.suffix == ".mp4" for p in segments.iterdir()):
            return
        time.sleep(0.005)
    raise AssertionError("no segment was being encoded")


def ours(root: Path) -> list[str]:
    """Processes still running that name the project (an encoder left behind)."""
    found = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        with contextlib.suppress(OSError):
            if str(root).encode() in cmdline.read_bytes():
                found.append(cmdline.parent.name)
    return found


def last_line(stderr: str) -> str:
    assert "Traceback" not in stderr, stderr
    return stderr.strip().splitlines()[-1]


def rebuilt(root: Path) -> subprocess.CompletedProcess:
    """The next build succeeds and delivers a whole video."""
    done = essay(root, "build")
    assert done.returncode == 0, done.stderr
    decodes_whole(root / "output" / SLUG / f"{SLUG}.mp4", duration(root))
    assert temporaries(root) == []
    return done


# Signals ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sent", "status", "said"),
    [
        (signal.SIGINT, 130, "interrupted"),
        (signal.SIGTERM, 143, "stopped by SIGTERM"),
        (signal.SIGHUP, 129, "stopped by SIGHUP"),
    ],
)
def test_a_signal_mid_encode_stops_cleanly(project: Path, sent, status: int, said: str) -> None:
    before = delivery(project)
    edit_pictures(project)
    build = start(project)
    encoding(project)
    build.send_signal(sent)
    _, stderr = build.communicate(timeout=60)
    assert build.returncode == status, stderr
    assert last_line(stderr) == (
        f"{said}; essays/{SLUG}.yaml was not built, its output/ folder is as it was"
    )
    assert delivery(project) == before
    time.sleep(0.2)  # an encoder told to stop needs a moment to go
    assert ours(project) == [] and temporaries(project) == []
    rebuilt(project)


def test_sigkill_leaves_the_delivery_and_the_next_build_sweeps(project: Path) -> None:
    before = delivery(project)
    edit_pictures(project)
    build = start(project)
    encoding(project)
    build.kill()
    build.communicate(timeout=60)
    assert delivery(project) == before
    for _ in range(100):  # its encoders finish what they had, then end
        if not ours(project):
            break
        time.sleep(0.1)
    assert temporaries(project)  # what it was making
    rebuilt(project)


# The cache -------------------------------------------------------------------------------


def test_a_damaged_cache_heals(project: Path) -> None:
    cache = project / ".essay-cache"
    segments = sorted(p for p in (cache / "segments").glob("*.mp4"))
    with segments[0].open("r+b") as f:  # truncated, as by a killed copy
        f.truncate(segments[0].stat().st_size // 2)
    with segments[1].open("r+b") as f:  # flipped bytes, as by a disk
        f.seek(segments[1].stat().st_size // 2)
        f.write(b"\xff" * 16)
    (sound,) = [p for p in (cache / "sound").iterdir() if p.is_dir()]
    aac = next(p for p in sound.iterdir() if p.suffix in (".m4a", ".aac", ".mp4"))
    aac.write_bytes(aac.read_bytes()[:100])
    shutil.rmtree(project / "output")  # so every file is made again from the cache
    done = rebuilt(project)
    healed = [line for line in done.stderr.splitlines() if "removed and made again" in line]
    assert len(healed) == 3, done.stderr
    assert all(line.startswith(".essay-cache: warning: ") for line in healed)
    assert rebuilt(project).stderr.count("removed and made again") == 0  # healed for good


# Two builds at once ----------------------------------------------------------------------


def test_two_builds_of_one_episode_render_it_once(project: Path, tmp_path: Path) -> None:
    """While a build holds the episode's lock (here the test holds it, so both builds surely
    meet it) the others wait, saying so; then one renders and the other reuses."""
    edit_pictures(project)
    lock = project / ".essay-cache" / "locks" / f"{SLUG}.lock"
    lock.parent.mkdir(parents=True, exist_ok=True)
    logs = [tmp_path / "a.log", tmp_path / "b.log"]
    reports = [tmp_path / "a.json", tmp_path / "b.json"]
    with lock.open("a") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        builds = [
            start(project, "--report", str(r), log=log)
            for r, log in zip(reports, logs, strict=True)
        ]
        deadline = time.monotonic() + 60
        while not all("waiting for another build" in log.read_text() for log in logs):
            assert time.monotonic() < deadline, [log.read_text() for log in logs]
            time.sleep(0.05)
    for build in builds:
        assert build.wait(timeout=120) == 0, [log.read_text() for log in logs]
    frames = sorted(json.loads(r.read_text())["episodes"][0]["frames_encoded"] for r in reports)
    assert frames[0] == 0 and frames[1] > 0  # rendered once, reused once
    decodes_whole(project / "output" / SLUG / f"{SLUG}.mp4", duration(project))


def test_a_killed_builds_lock_is_taken_over(project: Path) -> None:
    edit_pictures(project)
    build = start(project)
    encoding(project)  # it holds the lock
    build.kill()
    build.communicate(timeout=60)
    done = rebuilt(project)
    assert "waiting" not in done.stderr


# Disks and permissions -------------------------------------------------------------------


@contextlib.contextmanager
def small_disk(folder: Path, size: str, readonly: bool = False) -> Iterator[Path]:
    """A tmpfs of `size` mounted on `folder`; skips where the machine does not allow it."""
    folder.mkdir(parents=True, exist_ok=True)
    options = f"size={size}" + (",ro" if readonly else "")
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(folder)], capture_output=True
    )
    if mounted.returncode:
        pytest.skip(f"cannot mount a small tmpfs here (needs root): {mounted.stderr.strip()!r}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=True)


def test_a_full_disk_mid_build_is_one_line_and_the_delivery_stays(project: Path) -> None:
    """The build's work folder (where the files are made before they are swapped in) fills."""
    before = delivery(project)
    edit_pictures(project)
    with small_disk(project / ".essay-cache" / "work", "64k"):
        done = essay(project, "build")
    assert done.returncode == 1, done.stderr
    line = last_line(done.stderr)
    assert "no space left on device" in line.lower() and line.startswith("essays/tiny.yaml: error:")
    assert delivery(project) == before
    rebuilt(project)


def test_a_disk_too_small_is_refused_before_rendering(project: Path) -> None:
    shutil.rmtree(project / "output")
    with small_disk(project / "output", "16k"):
        done = essay(project, "build")
        assert done.returncode == 1, done.stderr
        assert re.search(r"not enough free space in output: .* MB are free", last_line(done.stderr))
        assert not list((project / "output").iterdir())


def test_output_not_writable_is_one_line_and_the_delivery_stays(project: Path) -> None:
    before = delivery(project)
    edit_pictures(project)
    folder = project / "output"
    if os.geteuid() == 0:  # root writes anywhere: a read-only file system says no to it too
        with _read_only(folder):
            done = essay(project, "build")
        reason = "read-only file system"
    else:
        folder.chmod(0o555)
        try:
            done = essay(project, "build")
        finally:
            folder.chmod(0o755)
        reason = "permission denied"
    assert done.returncode == 1, done.stderr
    last_line(done.stderr)
    errors = [line for line in done.stderr.splitlines() if ": error: " in line]
    assert errors == [  # the episode, then the series' files
        f"essays/tiny.yaml: error: output/tiny: {reason}",
        f"essays/series.yaml: error: output/cover.jpg: {reason}",
    ]
    assert delivery(project) == before
    rebuilt(project)


@contextlib.contextmanager
def _read_only(folder: Path) -> Iterator[None]:
    bound = subprocess.run(["mount", "--bind", "-o", "ro", str(folder), str(folder)],
                           capture_output=True, text=True)  # fmt: skip
    if bound.returncode:
        pytest.skip(f"cannot mount a read-only folder here: {bound.stderr.strip()!r}")
    try:
        yield
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=True)
