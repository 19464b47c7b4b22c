"""The film clip's rows of the render benchmark (issue 22).

    python benchmarks/clips.py            # a 1920x1080 source of 2 minutes, every rendition
    python benchmarks/clips.py --quick    # 320x180, 20 s (what the tests run)

A source film is made with the bundled ffmpeg (testsrc2 in H.264 with AAC at 24000/1001
fps, a keyframe every 4 s), and a one-section episode whose only visual is a muted clip of
20 s from its middle (a 15 s take under it) is built cold in a fresh process:

- cost: the clip's own segment against the floor, one ffmpeg seeking to the same range
  (`-ss from -i source`), conforming it with the same filters (pipeline.kinds.clip.conform)
  and encoding it with the same x264 settings to the same renditions; and the whole cold
  build against that floor;
- only the range is decoded: the same range of a source ten times longer (the short one
  concatenated ten times, the range at the same place from the middle), the segment's time
  against the short source's (alternating, the best of each);
- memory: the peak resident memory of the build's process tree, short source and long;
- a swapped range: the clip's `to` a second later, rebuilt: what was rendered, and the time.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from subprocess import PIPE

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))

from episode import make_episode
from memory import PeakMemory

CLIP_SECONDS = 20.0  # --quick: 8 s of a 20 s source, over a 5 s take
TAKE_SECONDS = 15.0  # shorter than the clip: its shot is its range, no frame held
LONGER = 10  # the long source: the short one this many times over
SHOT = "s000.1"  # the clip's shot, the section's first

# one build as `essay build` runs it, reporting each segment and where its time went
CHILD = """
import json, sys
from pathlib import Path
import pipeline.cli
from pipeline.produce import build
from pipeline.publish.profiles import PROFILES
built = build(Path(sys.argv[1]), profile=PROFILES["master"])
print(json.dumps({
    "frames_encoded": built.frames_encoded,
    "frames": built.checked.timeline.frames,
    "segments": [{"name": s.name, "frames": s.frames, "reused": s.reused,
                  "seconds": s.ran.seconds if s.ran else None} for s in built.segments],
}))
"""


def clip_rows(tmp: Path, size: tuple[int, int], quick: bool) -> dict:
    tmp.mkdir(parents=True, exist_ok=True)
    film = (320, 180) if quick else (1920, 1080)
    minutes = 20 / 60 if quick else 2.0
    heights = (1080, 720, 480) if size[1] >= 1080 else (size[1], size[1] * 2 // 3 // 2 * 2)
    clip_s, take_s = (8.0, 5.0) if quick else (CLIP_SECONDS, TAKE_SECONDS)
    short = make_source(tmp / "film-short.mp4", film, minutes * 60)
    long = concatenated(short, tmp / "film-long.mp4", LONGER)
    start = round(minutes * 60 / 2 - clip_s / 2, 3)
    # the long source's range sits as far into the file as the short's middle, ten times over
    long_start = round(start + (LONGER // 2) * _duration(short), 3)
    projects = {
        "short": _project(tmp / "short", size, heights, short, start, clip_s, take_s),
        "long": _project(tmp / "long", size, heights, long, long_start, clip_s, take_s),
    }
    out = {
        "source": {"size": list(film), "seconds": round(_duration(short), 2),
                   "long_seconds": round(_duration(long), 2)},
        "size": list(size), "renditions": list(heights), "clip_seconds": clip_s,
    }  # fmt: skip
    runs: dict[str, list[dict]] = {"short": [], "long": []}
    floors = []
    for _ in range(1 if quick else 2):  # alternating, the best of each
        for name, episode in projects.items():
            runs[name].append(_build(episode, fresh=True))
        # as many frames as the build made of the clip: its shot lasts the section, longer
        # than its range when it is the section's only visual
        frames = runs["short"][-1]["clip_frames"]
        floors.append(_floor(projects["short"], short, start, frames, size, heights))
    out["first_frame"] = {name: _first_frame(src, at, size) for name, src, at in
                          (("short", short, start), ("long", long, long_start))}  # fmt: skip
    cold = min(runs["short"], key=lambda b: b["clip_seconds"])
    lng = min(runs["long"], key=lambda b: b["clip_seconds"])
    floor = min(min(f.values()) for f in floors)  # the faster way, the best run
    out["floor"] = {"seconds": floor, "one": [f["one"] for f in floors],
                    "piped": [f["piped"] for f in floors]}  # fmt: skip
    out["cold"] = cold | {"runs": [b["seconds"] for b in runs["short"]],
                          "clip_runs": [b["clip_seconds"] for b in runs["short"]]}  # fmt: skip
    out["clip_vs_floor"] = _ratio(cold["clip_seconds"], floor)
    out["cold_vs_floor"] = _ratio(cold["seconds"], floor)
    out["long"] = lng | {"clip_runs": [b["clip_seconds"] for b in runs["long"]]}
    out["long_vs_short"] = _ratio(lng["clip_seconds"], cold["clip_seconds"])
    out["memory"] = {"short_mb": max(b["peak_mb"] for b in runs["short"]),
                     "long_mb": max(b["peak_mb"] for b in runs["long"])}  # fmt: skip
    out["memory"]["long_vs_short"] = _ratio(out["memory"]["long_mb"], out["memory"]["short_mb"])
    episode = projects["short"]
    _build(episode)  # the short project's cache as its cold build left it (the last was long)
    data = yaml.safe_load(episode.read_text())
    data["sections"][0]["visuals"][0]["to"] += 1.0
    episode.write_text(yaml.safe_dump(data, sort_keys=False))
    swapped = _build(episode)
    swapped["of_cold"] = _ratio(swapped["seconds"], cold["seconds"])
    out["swapped"] = swapped
    return out


def make_source(path: Path, size: tuple[int, int], seconds: float) -> Path:
    """A film as a camera or an edit suite leaves it: H.264 High with AAC, 23.976 fps, a
    keyframe every 4 s (no scene cuts forced in), moving pictures with fine detail."""
    from pipeline.base.ffmpeg import ffmpeg_exe

    w, h = size
    subprocess.run([
        ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-y",
        "-f", "lavfi", "-i", f"testsrc2=size={w}x{h}:rate=24000/1001:duration={seconds}",
        "-f", "lavfi", "-i", f"sine=frequency=440:sample_rate=48000:duration={seconds}",
        "-c:v", "libx264", "-preset", "superfast", "-crf", "20", "-pix_fmt", "yuv420p",
        "-g", "96", "-keyint_min", "96", "-sc_threshold", "0",
        "-c:a", "aac", "-b:a", "128k", "-movflags", "+faststart", str(path),
    ], check=True)  # fmt: skip
    return path


def concatenated(source: Path, path: Path, times: int) -> Path:
    """`source` `times` over, streams copied (the concat demuxer): a long film for nothing."""
    from pipeline.base.ffmpeg import ffmpeg_exe

    listing = path.with_suffix(".txt")
    listing.write_text(f"file '{source.resolve()}'\n" * times)
    subprocess.run([
        ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-y", "-f", "concat", "-safe", "0",
        "-i", str(listing), "-c", "copy", "-movflags", "+faststart", str(path),
    ], check=True)  # fmt: skip
    return path


def _project(root: Path, size, heights, source: Path, start: float, clip_s, take_s) -> Path:
    """One section: a take (15 s) under one muted clip (20 s)."""
    episode = make_episode(root, 1, size, seconds=take_s, still=(640, 480),
                           renditions=heights)  # fmt: skip
    film = root / "assets" / "film" / source.name
    film.parent.mkdir(parents=True, exist_ok=True)
    os.link(source, film) if _same_device(source, film.parent) else shutil.copy(source, film)
    data = yaml.safe_load(episode.read_text())
    clip = {"clip": str(film.relative_to(root)), "from": start, "to": start + clip_s}
    data["sections"][0]["visuals"] = [clip]
    episode.write_text(yaml.safe_dump(data, sort_keys=False))
    return episode


def _same_device(a: Path, b: Path) -> bool:
    return a.stat().st_dev == b.stat().st_dev


def _build(episode: Path, fresh: bool = False) -> dict:
    """One build in a fresh process: its wall time, the clip's segments' own time, and the
    peak memory of its process tree."""
    root = episode.parent.parent
    if fresh:
        for folder in (".essay-cache", "output"):
            shutil.rmtree(root / folder, ignore_errors=True)
    cmd = [sys.executable, "-c", CHILD, str(episode)]
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=root, stdout=PIPE, stderr=PIPE, text=True)
    with PeakMemory(proc.pid) as peak:
        stdout, stderr = proc.communicate()
    seconds = time.perf_counter() - t0
    if proc.returncode:
        sys.exit(f"build failed:\n{stderr[-2000:]}")
    result = json.loads(stdout.strip().splitlines()[-1])
    done = [s for s in result["segments"] if not s["reused"]]
    clip = [s for s in done if SHOT in s["name"].split(" > ")]  # its own and its fades
    result |= {
        "seconds": round(seconds, 2),
        "peak_mb": round(peak.mb),
        "rendered": [s["name"] for s in done],
        "clip_seconds": round(sum(s["seconds"] or 0 for s in clip), 2),
        "clip_frames": sum(s["frames"] for s in clip),
    }
    return result


def _floor(episode: Path, source: Path, start: float, frames: int, size, heights) -> dict:
    """ffmpeg alone: the same range seeked to, conformed by the same filters and encoded with
    the same x264 settings to the same renditions. `one`: one process; `piped`: one
    decoding and conforming into another encoding (as the build splits the work, so the
    decoding runs beside the encoding, on two cores)."""
    from pipeline.base.ffmpeg import command
    from pipeline.kinds.clip import Probe, _probe, conform
    from pipeline.render.encode import output_args
    from pipeline.render.rendition import master_and_web
    from pipeline.script.project import Project

    video = Project.containing(episode.parent.parent).series.video
    duration, w, h, interlaced, colour, audio = _probe(source)
    filters = conform(
        Probe(duration, (w, h), interlaced, colour, audio), size, video.fps, "contain"
    )
    outs = [(r, episode.parent / f"floor-{r.name}.mp4")
            for r in master_and_web(video, tuple(heights))]  # fmt: skip
    seek = ("-ss", f"{start:.6f}", "-i", str(source), "-an", "-frames:v", str(frames))
    args = output_args(size, outs, os.cpu_count() or 1)
    one = list(args)
    if "-filter_complex" in one:  # the renditions' split: the conformed frames split
        k = one.index("-filter_complex") + 1
        one[k] = one[k].replace("[0:v]", f"[0:v]{filters},", 1)
    else:
        one = ["-vf", filters, *one]
    t0 = time.perf_counter()
    subprocess.run(command(*seek, *one), check=True, capture_output=True)
    out = {"one": round(time.perf_counter() - t0, 2)}
    decode = command(*seek, "-vf", filters, "-f", "rawvideo", "-pix_fmt", "yuv420p", "pipe:1")
    encode = command(
        "-f", "rawvideo", "-pix_fmt", "yuv420p", "-s", f"{size[0]}x{size[1]}",
        "-framerate", str(video.fps), "-i", "pipe:0", *args,
    )  # fmt: skip
    t0 = time.perf_counter()
    frames_in = subprocess.Popen(decode, stdout=PIPE)
    subprocess.run(encode, stdin=frames_in.stdout, check=True, capture_output=True)
    frames_in.stdout.close()
    if frames_in.wait():
        sys.exit("the floor's decoding failed")
    out["piped"] = round(time.perf_counter() - t0, 2)
    return out


def _first_frame(source: Path, start: float, size) -> float:
    """What one segment's ffmpeg costs before its first frame: the process, the seek to
    the keyframe before `start` and the decode from there (the median of five)."""
    from pipeline.base.ffmpeg import command
    from pipeline.kinds.clip import Probe, _probe, conform

    duration, w, h, interlaced, colour, audio = _probe(source)
    filters = conform(Probe(duration, (w, h), interlaced, colour, audio), size, 30, "contain")
    cmd = command(
        "-ss", f"{start:.6f}", "-i", str(source), "-an", "-vf", filters, "-frames:v", "1",
        "-f", "rawvideo", "-pix_fmt", "yuv420p", "-y", os.devnull,
    )  # fmt: skip
    times = []
    for _ in range(5):
        t0 = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True)
        times.append(time.perf_counter() - t0)
    return round(sorted(times)[2], 3)


def _duration(path: Path) -> float:
    from pipeline.kinds.clip import _probe

    return _probe(path)[0]


def _ratio(a: float, b: float) -> float:
    return round(a / b, 3) if b else float("inf")


def clip_table(r: dict) -> list[tuple[str, str, str]]:
    cold, long, swapped, memory = r["cold"], r["long"], r["swapped"], r["memory"]
    source = r["source"]
    film = f"{source['size'][0]}x{source['size'][1]}"
    return [
        (
            "clip",
            f"{r['clip_seconds']:g} s of a {source['seconds']:g} s {film} H.264 film "
            f"into {r['size'][0]}x{r['size'][1]} x {r['renditions']}",
            "",
        ),
        (
            "clip segment",
            f"{cold['clip_seconds']} s for {cold['clip_frames']} frames "
            f"({', '.join(cold['rendered'])}; runs {cold['clip_runs']}), floor "
            f"{r['floor']['seconds']} s (one ffmpeg {r['floor']['one']}, decode piped to "
            f"encode {r['floor']['piped']})",
            f"{r['clip_vs_floor']}x the floor (target <= 1.3x)",
        ),
        (
            "clip's ffmpeg start",
            f"{r['first_frame']['short']} s to its first frame (process, seek, decode from "
            f"the keyframe before); long source {r['first_frame']['long']} s",
            "paid by each segment that shows the clip",
        ),
        (
            "clip cold build",
            f"{cold['seconds']} s (runs {cold['runs']})",
            f"{r['cold_vs_floor']}x the clip's floor",
        ),
        (
            "clip, long source",
            f"{long['clip_seconds']} s from a {source['long_seconds']:g} s film "
            f"(runs {long['clip_runs']})",
            f"{r['long_vs_short']}x the short source's (target about 1)",
        ),
        (
            "clip memory",
            f"{memory['short_mb']} MB peak, {memory['long_mb']} MB from the long source",
            f"{memory['long_vs_short']}x (target flat)",
        ),
        (
            "clip range swapped",
            f"{swapped['seconds']} s ({swapped['of_cold']:.1%} of cold), "
            f"{swapped['frames_encoded']} frames; rendered "
            f"{', '.join(swapped['rendered']) or 'nothing'}",
            "that shot only",
        ),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="320x180, a 20 s source")
    parser.add_argument("--json", help="also write the figures to this file")
    args = parser.parse_args()
    import tempfile

    from render_table import print_rows

    size = (320, 180) if args.quick else (1920, 1080)
    with tempfile.TemporaryDirectory(prefix="essay-clips-") as tmp:
        results = clip_rows(Path(tmp), size, args.quick)
    print_rows(clip_table(results))
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
