"""The subscriber bundle's rows of the render benchmark.

A series of E synthetic episodes (3 sections each) built cold through the command line with
every rendition (1080, 720, 480: scaled down with `--quick`), against x264's floor for the
same frames at every rendition (the delivered master decoded to a raw file, then scaled and
encoded by one ffmpeg, as the build does); the same series with the master alone (what the
renditions cost); a no-op rebuild of the series; and one episode added to it.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

from episode import add_episode, make_episode

SITE = "https://example.org/bench/"


def bundle_rows(tmp: Path, size: tuple[int, int], shape: dict, episodes: int = 2) -> dict:
    heights = (1080, 720, 480) if size[1] >= 1080 else (size[1], size[1] * 2 // 3 // 2 * 2)
    full = _series(tmp / "bundle", size, shape, heights, episodes)
    alone = _series(tmp / "master", size, shape, (size[1],), episodes)
    out = {"episodes": episodes, "renditions": list(heights)}
    out["cold"] = _build(full)
    out["master_only"] = _build(alone)
    out["floor"] = {"seconds": round(sum(_floor(full, s, heights) for s in _slugs(full)), 2)}
    out["cold_vs_floor"] = round(out["cold"]["seconds"] / out["floor"]["seconds"], 3)
    out["renditions_cost"] = round(out["cold"]["seconds"] / out["master_only"]["seconds"], 3)
    out["noop"] = _build(full, fresh=False)
    add_episode(full, f"bench{episodes + 1}", episodes + 1, 3, **shape)
    out["added"] = _build(full, fresh=False)
    return out


def _series(root: Path, size, shape: dict, heights, episodes: int) -> Path:
    make_episode(root, 3, size, renditions=heights, site=SITE, **shape)
    for number in range(2, episodes + 1):
        add_episode(root, f"bench{number}", number, 3, **shape)
    return root


def _slugs(root: Path) -> list[str]:
    return sorted(p.stem for p in (root / "essays").glob("*.yaml") if p.name != "series.yaml")


def _build(root: Path, fresh: bool = True) -> dict:
    """`essay build` of the whole series in a fresh process, as an automated build runs it."""
    if fresh:
        for folder in (".essay-cache", "output"):
            shutil.rmtree(root / folder, ignore_errors=True)
    report = root / "report.json"
    cmd = [sys.executable, "-m", "pipeline", "build", "--quiet", "--report", str(report)]
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, cwd=root, capture_output=True, text=True)
    seconds = time.perf_counter() - t0
    if proc.returncode:
        sys.exit(f"series build failed:\n{proc.stderr[-2000:]}")
    rows = json.loads(report.read_text())
    return {
        "seconds": round(seconds, 2),
        "frames_encoded": sum(r.get("frames_encoded", 0) for r in rows["episodes"]),
        "built": [r["slug"] for r in rows["episodes"] if r.get("frames_encoded")],
        "series_files": [Path(f).name for s in rows["series"] for f in s.get("files", [])],
    }


def _floor(root: Path, slug: str, heights) -> float:
    """x264 alone: the episode's frames from a raw file, at every rendition, one ffmpeg."""
    from pipeline.base.ffmpeg import command
    from pipeline.render.encode import output_args
    from pipeline.render.rendition import master_and_web
    from pipeline.script.project import Project

    video = Project.containing(root).series.video
    raw = root / "floor.yuv"
    subprocess.run(
        command("-i", str(root / "output" / slug / f"{slug}.mp4"), "-f", "rawvideo",
                "-pix_fmt", "yuv420p", "-y", str(raw)),
        check=True,
    )  # fmt: skip
    renditions = master_and_web(video, tuple(heights))
    outs = [(r, root / f"floor-{r.name}.mp4") for r in renditions]
    size = f"{video.width}x{video.height}"
    encode = command(
        "-f", "rawvideo", "-pix_fmt", "yuv420p", "-s", size, "-framerate", str(video.fps),
        "-i", str(raw), *output_args((video.width, video.height), outs, os.cpu_count() or 1),
    )  # fmt: skip
    t0 = time.perf_counter()
    subprocess.run(encode, check=True)
    seconds = time.perf_counter() - t0
    raw.unlink()
    return seconds


def bundle_table(r: dict) -> list[tuple[str, str, str]]:
    cold, added = r["cold"], r["added"]
    return [
        (
            "bundle cold",
            f"{r['episodes']} episodes x {r['renditions']}: {cold['seconds']} s, "
            f"floor {r['floor']['seconds']} s",
            f"{r['cold_vs_floor']}x the floor (target <= 1.15x)",
        ),
        (
            "renditions",
            f"master alone {r['master_only']['seconds']} s",
            f"all renditions cost {r['renditions_cost']}x the master alone",
        ),
        (
            "bundle no-op",
            f"{r['noop']['seconds']} s, {r['noop']['frames_encoded']} frames encoded",
            "target <= 2 s",
        ),
        (
            "episode added",
            f"{added['seconds']} s, built {added['built']}, series files "
            f"{', '.join(added['series_files'])}",
            "that episode and the series files only",
        ),
    ]
