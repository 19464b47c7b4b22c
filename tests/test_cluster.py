"""The series built on a Dask cluster (a LocalCluster: 2 worker processes, 1 thread each)
delivers what a build here delivers, with each segment encoded once, on either worker."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import av
import pytest
import yaml
from conftest import REPO

distributed = pytest.importorskip("distributed", reason="the [dask] extra is not installed")


def essay(root: Path, *args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "pipeline", *args], cwd=root, capture_output=True, text=True,
        env={**os.environ, **(env or {})}, timeout=900,
    )  # fmt: skip


def demo_at_320(root: Path) -> Path:
    """The demo series, drawn at 320x180 with one rendition."""
    for folder in ("essays", "assets"):
        shutil.copytree(REPO / folder, root / folder)
    series = root / "essays" / "series.yaml"
    data = yaml.safe_load(series.read_text())
    data["video"] |= {"width": 320, "height": 180, "preset": "superfast"}
    data["renditions"] = [180]
    series.write_text(yaml.safe_dump(data, sort_keys=False))
    return root


@pytest.fixture(scope="module")
def cluster():
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as c:
        yield c


def sound_packets(path: Path) -> list[bytes]:
    with av.open(str(path)) as c:
        return [bytes(p) for p in c.demux(c.streams.audio[0]) if p.size]


def segment_keys(root: Path) -> set[str]:
    return {p.name for p in (root / ".essay-cache" / "segments").glob("*.mp4")}


@pytest.mark.slow  # two builds of the demo series and a cluster: about two minutes
def test_the_demo_on_a_cluster_is_the_demo_built_here(tmp_path, cluster) -> None:
    here, there = demo_at_320(tmp_path / "here"), demo_at_320(tmp_path / "there")
    local = essay(here, "build", "--quiet", "--report", "r.json")
    assert local.returncode == 0, local.stderr
    remote = essay(
        there, "build", "--report", "r.json", env={"ESSAY_SCHEDULER": cluster.scheduler_address}
    )
    assert remote.returncode == 0, remote.stderr
    assert "Traceback" not in remote.stderr
    assert segment_keys(here) == segment_keys(there)
    for slug in ("her", "groundhog-day"):
        for suffix in (".srt", ".vtt", ".chapters.vtt"):
            name = f"output/{slug}/{slug}{suffix}"
            assert (here / name).read_bytes() == (there / name).read_bytes(), name
        for suffix in (".mp4", ".m4a"):
            name = f"output/{slug}/{slug}{suffix}"
            assert sound_packets(here / name) == sound_packets(there / name), name
    rows = json.loads((there / "r.json").read_text())["episodes"]
    encoded = [name for row in rows for name in row["rendered"]]
    workers = {w for row in rows for w, r in row["workers"].items() if r["segments"]}
    assert len(workers) == 2  # the segments went to both workers
    total = sum(sum(r["segments"] for r in row["workers"].values()) for row in rows)
    assert total == len(encoded) <= len(segment_keys(there))  # each key encoded once
    series = (there / "output" / "feed.xml").exists() or (there / "output" / "index.html")
    assert series


def test_without_a_scheduler_dask_is_not_imported() -> None:
    code = "import sys, pipeline.cli, pipeline.produce; print('distributed' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.stdout.strip() == "False", out.stderr


def test_an_unreachable_scheduler_is_one_line(project) -> None:
    wait = {"DASK_DISTRIBUTED__COMM__TIMEOUTS__CONNECT": "1s"}  # Dask's own setting
    proc = essay(project.root, "build", "--scheduler", "tcp://127.0.0.1:9", env=wait)
    assert proc.returncode == 1
    assert proc.stderr.count("\n") == 1 and "Traceback" not in proc.stderr
    assert "could not reach the Dask scheduler at tcp://127.0.0.1:9" in proc.stderr
    assert not (project.root / "output").exists()


@pytest.mark.slow  # a cluster and a build stopped halfway: about twenty seconds
def test_a_stopped_client_leaves_the_cluster_clean(project, cluster) -> None:
    env = {**os.environ, "ESSAY_SCHEDULER": cluster.scheduler_address}
    cmd = [sys.executable, "-m", "pipeline", "build", "--quiet"]
    build = subprocess.Popen(cmd, cwd=project.root, env=env, stderr=subprocess.PIPE, text=True)
    segments = project.root / ".essay-cache" / "segments"
    deadline = time.monotonic() + 120
    while not (segments.is_dir() and any(segments.glob("*.mp4"))):  # the cluster is at work
        assert time.monotonic() < deadline and build.poll() is None
        time.sleep(0.05)
    build.send_signal(signal.SIGINT)
    _, err = build.communicate(timeout=60)
    assert build.returncode == 130 and "Traceback" not in err, err
    with distributed.Client(cluster, set_as_default=False) as client:
        left = lambda: client.run_on_scheduler(lambda dask_scheduler: len(dask_scheduler.tasks))  # noqa: E731
        deadline = time.monotonic() + 30
        while left() and time.monotonic() < deadline:
            time.sleep(0.2)
        assert left() == 0  # nothing of this build or the one before runs, waits or is kept
    assert not [p for p in segments.iterdir() if p.name.startswith(".~")]  # no half entry
    assert not (project.root / "output" / "tiny").exists()
