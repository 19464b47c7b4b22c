"""A back catalogue built three ways: here (the local runner), and through a Dask
LocalCluster of 1 and of 2 workers (processes, 1 thread each) on this machine.

    python benchmarks/series.py                  # E = 6 episodes of 3 sections, 640x360
    python benchmarks/series.py --episodes 2 --seconds 4 --size 320x180   # the tests' form
    python benchmarks/series.py --catalogue 10 50 100 [--old CHECKOUT]   # a back catalogue's
                                                 # no-op (benchmarks/catalogue.py)

Every build is cold (no cache, no output/) and runs as an automated build does: `essay build
--quiet --report` in a fresh process, the cluster's given by ESSAY_SCHEDULER. The builds take
turns, `--rounds` times, and each one's best counts. From the cluster's task stream and the
build's report it measures the serial fraction s: the build's wall time when no task ran on
any worker (the command starting, the checks of the series, the series' files), against
that plus the work the tasks did (each segment's encoding, each episode's own checking,
mixing and writing, less its wait for its segments). Amdahl's law then bounds the speedup
on N workers: 1 / (s + (1 - s) / N).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from tempfile import TemporaryDirectory
from types import SimpleNamespace

sys.path.insert(0, str(Path(__file__).resolve().parent))

from episode import add_episode, make_episode


def main() -> None:
    args = _arguments()
    if args.catalogue:
        import catalogue

        return catalogue.main(args.catalogue, args.rounds, args.old, args.json)
    from distributed import Client, LocalCluster

    size = tuple(int(v) for v in args.size.split("x"))
    with TemporaryDirectory(prefix="essay-series-") as tmp:
        root = Path(tmp) / "series"
        make_episode(root, 3, size, seconds=args.seconds, still=(1600, 1200))
        for number in range(2, args.episodes + 1):
            add_episode(root, f"bench{number}", number, 3, args.seconds, (1600, 1200))
        runs: dict[str, list[dict]] = {"here": [], "1 worker": [], "2 workers": []}
        for _ in range(args.rounds):
            runs["here"].append(_build(root))
            for n in (1, 2):
                with (
                    LocalCluster(
                        n_workers=n, threads_per_worker=1, processes=True, dashboard_address=None
                    ) as cluster,
                    Client(cluster) as client,
                ):
                    runs[f"{n} worker{'s' if n > 1 else ''}"].append(
                        _build(root, cluster.scheduler_address, client)
                    )
    figures = {k: min(v, key=lambda b: b["seconds"]) for k, v in runs.items()}
    figures["runs"] = {k: [b["seconds"] for b in v] for k, v in runs.items()}
    figures["shape"] = {
        "episodes": args.episodes,
        "sections": 3,
        "seconds": args.seconds,
        "size": args.size,
        "video_seconds": figures["here"]["video_seconds"],
    }
    _print(figures)
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=1))


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--episodes", type=int, default=6, help="E, the series' episodes")
    parser.add_argument("--seconds", type=float, default=20.0, help="narration a section")
    parser.add_argument("--size", default="640x360", help="the series' video, WxH")
    parser.add_argument("--rounds", type=int, default=1, help="builds of each, taking turns")
    parser.add_argument("--json", help="also write the figures to this file")
    parser.add_argument("--catalogue", type=int, nargs="+", metavar="N",
                        help="instead: a no-op over a catalogue of N small episodes")  # fmt: skip
    parser.add_argument("--old", help="with --catalogue: a checkout of another commit, too")
    return parser.parse_args()


def _build(root: Path, scheduler: str | None = None, client=None) -> dict:
    for folder in (".essay-cache", "output"):
        shutil.rmtree(root / folder, ignore_errors=True)
    report = root / "report.json"
    env = {**os.environ, "ESSAY_SCHEDULER": scheduler} if scheduler else None
    cmd = [sys.executable, "-m", "pipeline", "build", "--quiet", "--report", str(report)]
    with _task_stream(client) as stream:
        started = time.time()
        proc = subprocess.run(cmd, cwd=root, capture_output=True, text=True, env=env)
        ended = time.time()
    if proc.returncode:
        sys.exit(f"build failed:\n{proc.stderr[-2000:]}")
    rows = json.loads(report.read_text())["episodes"]
    out = {
        "seconds": round(ended - started, 2),
        "video_seconds": sum(_duration(root, r["slug"]) for r in rows),
        "frames_encoded": sum(r["frames_encoded"] for r in rows),
    }
    if client is not None:
        out |= _serial(stream.data, rows, ended - started)
    return out


@contextmanager
def _task_stream(client):
    """The cluster's record of every task while inside (nothing without a cluster)."""
    if client is None:
        yield SimpleNamespace(data=[])
        return
    from distributed import get_task_stream

    with get_task_stream(client) as stream:
        yield stream


def _serial(stream: list[dict], rows: list[dict], wall: float) -> dict:
    """The build's time with no task running anywhere, against all the work done."""
    spans = sorted(
        (s["start"], s["stop"]) for t in stream for s in t["startstops"] if s["action"] == "compute"
    )
    busy, reach = 0.0, float("-inf")
    for start, stop in spans:  # the union of the spans
        busy += max(0.0, stop - max(start, reach))
        reach = max(reach, stop)
    segments = sum(
        s["stop"] - s["start"]
        for t in stream
        if t["key"].startswith("encode-")
        for s in t["startstops"]
        if s["action"] == "compute"
    )
    episodes = sum(
        w["episode_seconds"] or 0
        for r in rows
        for w in r["workers"].values()
        if "episode_seconds" in w
    )
    serial = max(0.0, wall - busy)
    workers: dict[str, float] = {}
    for t in stream:
        for s in t["startstops"]:
            if s["action"] == "compute" and t["key"].startswith("encode-"):
                workers[t["worker"]] = workers.get(t["worker"], 0) + s["stop"] - s["start"]
    share = serial / (serial + segments + episodes)
    return {
        "serial_seconds": round(serial, 2),
        "work_seconds": round(segments + episodes, 2),
        "serial_fraction": round(share, 4),
        "encoding_by_worker": {w: round(v, 1) for w, v in workers.items()},
        "amdahl": {n: round(1 / (share + (1 - share) / n), 1) for n in (8, 32, 128)},
    }


def _duration(root: Path, slug: str) -> float:
    facts = json.loads((root / "output" / slug / f"{slug}.episode.json").read_text())
    return round(facts["duration"], 2)


def _print(f: dict) -> None:
    shape, here = f["shape"], f["here"]
    print(
        f"series: {shape['episodes']} episodes x {shape['sections']} sections, "
        f"{shape['video_seconds']:.0f} s of video at {shape['size']}; cold builds, best of "
        f"{len(f['runs']['here'])}"
    )
    for name in ("here", "1 worker", "2 workers"):
        b = f[name]
        speed = here["seconds"] / b["seconds"]
        line = f"{name:<10} {b['seconds']:>7.1f} s  {speed:.2f}x the local runner's speed"
        if "serial_fraction" in b:
            total = b["serial_seconds"] + b["work_seconds"]
            line += f"; serial {b['serial_seconds']} s of {total:.1f} s of work"
            line += f" = {b['serial_fraction']:.1%}"
        print(line)
    two, one = f["2 workers"], f["1 worker"]
    bound = ", ".join(f"{n} workers {v}x" for n, v in two["amdahl"].items())
    print(
        f"speedup 1 -> 2 workers: {one['seconds'] / two['seconds']:.2f}x; "
        f"Amdahl with s = {two['serial_fraction']:.1%}: {bound}"
    )
    print("targets: 2 workers >= 0.9x the local runner's speed; serial fraction < 5%")


if __name__ == "__main__":
    main()
