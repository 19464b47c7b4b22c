"""Render benchmark: the pipeline against x264's own floor, the MoviePy peer, and rebuilds.

    python benchmarks/render.py                 # N = 10 sections at 1080p30, the full table
    python benchmarks/render.py --quick         # N = 2 at 320x180 (what the tests run)
    python benchmarks/render.py --json out.json --skip-scaling --skip-peer

A synthetic episode (benchmarks/episode.py: N sections of about 30 s narration, two
4000x3000 stills with Ken Burns moves and crossfades and a card each) is built in a
temporary folder, as a user would build it (`python -m pipeline.bench_child`, a fresh
process per build), and measured in one run on one machine:

- cold build: empty cache, wall time, realtime factor, peak memory of the process tree;
- floor: the delivered video decoded to a raw yuv420p file, encoded by ffmpeg with the
  same x264 settings (what the encoder alone needs for those frames);
- MoviePy peer: the first seconds of the same timeline written the way MoviePy's docs
  show (benchmarks/moviepy_peer.py), in seconds per minute of output against ours;
- SSIM of sampled frames against a slow reference (the full-resolution still warped with
  Lanczos, through the same 4:2:0 conversion), ours and the peer's;
- with --old CHECKOUT (`git worktree add /tmp/old <commit>`): the same episode built by
  that checkout, its MP4's size and the PSNR of sampled frames against ours;
- no-op rebuild and text edit (the median of three of each), a still swapped and a move
  retuned (the last shot of a middle section), that section's take re-recorded 2 s longer:
  wall time, frames encoded against the frames that show the shot, what was rendered;
- draft profile, cold; scaling (N = 5, 10, 30 in turn, seconds per minute of output, the
  best of `--repeat` rounds); --jobs 1 and 2 (alternating, the best of each, and the memory
  each needs);
- the series bundle (benchmarks/bundle.py) and film clips (benchmarks/clips.py: a clip's
  segment against ffmpeg's own seek, conform and encode of its range, a source ten times
  longer, memory, a swapped range).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from subprocess import PIPE

import numpy as np
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bundle import bundle_rows
from clips import clip_rows
from episode import STILL, make_episode, write_still, write_take
from memory import PeakMemory
from render_table import print_table

# started as the `essay` command starts (pipeline/cli/__init__.py: the collector's freeze)
CHILD = """
import json, sys, time
from pathlib import Path
import pipeline.cli
from pipeline.produce import build
from pipeline.publish.profiles import PROFILES
built = build(Path(sys.argv[1]), profile=PROFILES[sys.argv[2]], workers=int(sys.argv[3]) or None)
print(json.dumps({
    "frames_encoded": built.frames_encoded,
    "rendered": [getattr(s, "name", s.section) for s in built.segments if not s.reused],
    "shots": {s.name: [s.first_frame, s.end_frame, s.still_from]
              for s in built.checked.timeline.shots},
    "audio_reused": built.audio_reused,
    "duration": built.checked.timeline.duration,
    "frames": built.checked.timeline.frames,
}))
"""


def main() -> None:
    args = _arguments()
    size = (320, 180) if args.quick else (1920, 1080)
    sections = args.sections or (2 if args.quick else 10)
    with tempfile.TemporaryDirectory(prefix="essay-bench-") as tmp:
        results = Bench(Path(tmp), size, args).run(sections)
    print_table(results)
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2))


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="N = 2 at 320x180, for the tests")
    parser.add_argument("--sections", type=int, help="N, the sections of the main episode")
    parser.add_argument("--json", help="also write the figures to this file")
    parser.add_argument("--skip-peer", action="store_true", help="do not run MoviePy")
    parser.add_argument("--skip-scaling", action="store_true", help="no N = 5 and 30 builds")
    parser.add_argument("--peer-seconds", type=float, help="length of the MoviePy render")
    parser.add_argument("--repeat", type=int, default=2, help="cold builds and floors to run")
    parser.add_argument("--skip-bundle", action="store_true", help="no series bundle rows")
    parser.add_argument("--skip-clips", action="store_true", help="no film clip rows")
    parser.add_argument("--old", help="a checkout of another commit: its MP4's size and frames")
    return parser.parse_args()


class Bench:
    def __init__(self, tmp: Path, size: tuple[int, int], args: argparse.Namespace):
        self.tmp, self.size, self.args = tmp, size, args
        self.repeat = 1 if args.quick else args.repeat
        self.peer_seconds = args.peer_seconds or (2.5 if args.quick else 30.0)
        # quick: short sections and small stills, so the tests can afford it
        self.shape = {"seconds": 6.0, "still": (1200, 900)} if args.quick else {}

    def run(self, sections: int) -> dict:
        root = self.tmp / f"n{sections}"
        episode = make_episode(root, sections, self.size, **self.shape)
        out = {"machine": _machine(), "size": list(self.size), "sections": sections}
        # the machine is noisy: build and floor twice, each alternating, and keep the best
        video = root / "output" / "bench" / "bench.mp4"
        colds, floors = [], []
        for _ in range(self.repeat):
            colds.append(self.build(episode, fresh=True))
            floors.append(self.floor(video))
        cold = _fastest(colds)
        out["cold"] = cold | {"runs": [b["seconds"] for b in colds]}
        out["floor"] = {
            "seconds": min(f["seconds"] for f in floors),
            "runs": [f["seconds"] for f in floors],
        }
        out["cold_vs_floor"] = round(cold["seconds"] / out["floor"]["seconds"], 2)
        if not self.args.skip_peer:
            out["peer"] = self.peer(episode, video)
        if self.args.old:
            out["old"] = self.against_old(episode, video)
        out |= self.rebuilds(episode, root, cold, sections)
        out["draft"] = self.build(episode, profile="draft", fresh=True)
        out["jobs"] = self.jobs(episode)
        if not self.args.skip_bundle:
            out["bundle"] = bundle_rows(self.tmp, self.size, self.shape)
        if not self.args.skip_clips:
            out["clips"] = clip_rows(self.tmp / "clips", self.size, self.args.quick)
        if not self.args.skip_scaling and not self.args.quick:
            out["scaling"] = self.scaling()
        return out

    def scaling(self) -> dict:
        """N = 5, 10 and 30 in turn, the best of each: one build's time drifts by 10% over a
        run on a shared machine, as much as the figure to be seen."""
        episodes = {
            n: make_episode(self.tmp / f"s{n}", n, self.size, **self.shape) for n in (5, 10, 30)
        }
        runs = self.alternate(
            {str(n): partial(self.build, e, fresh=True) for n, e in episodes.items()}
        )
        out = {}
        for n, builds in runs.items():
            best = _fastest(builds)
            out[n] = {
                "seconds_per_minute": round(best["seconds"] / (best["duration"] / 60), 2),
                "runs": [round(b["seconds"] / (b["duration"] / 60), 2) for b in builds],
                "peak_mb": max(b["peak_mb"] for b in builds),
            }
        return out

    def alternate(self, builds: dict[str, Callable[[], dict]]) -> dict[str, list[dict]]:
        """Each build `repeat` times, taking turns, so the machine's drift touches all alike."""
        runs: dict[str, list[dict]] = {k: [] for k in builds}
        for _ in range(self.repeat):
            for k, build in builds.items():
                runs[k].append(build())
        return runs

    def build(
        self,
        episode: Path,
        profile: str = "master",
        jobs: int = 0,
        fresh: bool = False,
        checkout: Path | None = None,
    ) -> dict:
        """One build in a fresh process; `checkout`: the project's code from there."""
        root = episode.parent.parent
        if fresh:
            shutil.rmtree(root / ".essay-cache", ignore_errors=True)
        cmd = [sys.executable, "-c", CHILD, str(episode), profile, str(jobs)]
        env = {**os.environ, "PYTHONPATH": str(checkout)} if checkout else None
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=root, env=env, stdout=PIPE, stderr=PIPE, text=True)
        with PeakMemory(proc.pid) as peak:  # the build's tree, not this process's
            stdout, stderr = proc.communicate()
        seconds = time.perf_counter() - t0
        if proc.returncode:
            sys.exit(f"build failed:\n{stderr[-2000:]}")
        result = json.loads(stdout.strip().splitlines()[-1])
        result |= {
            "seconds": round(seconds, 2),
            "realtime": round(result["duration"] / seconds, 2),
            "peak_mb": round(peak.mb),
        }
        return result

    def jobs(self, episode: Path) -> dict:
        """--jobs 1 and 2, alternating, the best of each; and the memory each needs."""
        runs = self.alternate(
            {str(j): partial(self.build, episode, jobs=j, fresh=True) for j in (1, 2)}
        )
        best = {j: _fastest(r) for j, r in runs.items()}
        return {j: {"seconds": b["seconds"], "peak_mb": b["peak_mb"]} for j, b in best.items()}

    def floor(self, video: Path) -> dict:
        """x264 alone: the delivered frames from a raw file, the same settings."""
        from pipeline.base.ffmpeg import command
        from pipeline.render.rendition import Rendition

        w, h = self.size
        raw = self.tmp / "floor.yuv"
        subprocess.run(
            command("-i", str(video), "-f", "rawvideo", "-pix_fmt", "yuv420p", "-y", str(raw)),
            check=True,
        )
        preset = "veryfast" if h >= 720 else "superfast"
        profile = Rendition("master", w, h, 30, 20, preset)
        encode = command(
            "-f", "rawvideo", "-pix_fmt", "yuv420p", "-s", f"{w}x{h}", "-framerate", "30",
            "-i", str(raw), *profile.x264_args(), "-an", "-f", "mp4", "-y", str(self.tmp / "floor.mp4"),  # noqa: E501
        )  # fmt: skip
        t0 = time.perf_counter()
        subprocess.run(encode, check=True)
        seconds = time.perf_counter() - t0
        raw.unlink()
        return {"seconds": round(seconds, 2)}

    def against_old(self, episode: Path, video: Path) -> dict:
        """The same episode built cold by another checkout, in a copy of the project: the
        size of its MP4, how near its frames are to ours, and each against the frames drawn
        before encoding (what the encoders were given)."""
        from quality import psnr_against_drawn, psnr_of_videos

        root = episode.parent.parent
        copy = self.tmp / "old-project"
        shutil.copytree(root, copy, ignore=shutil.ignore_patterns(".essay-cache", "output"))
        built = self.build(copy / "essays" / episode.name, fresh=True, checkout=Path(self.args.old))
        theirs = copy / "output" / "bench" / "bench.mp4"
        old, new = self.drawn(episode, Path(self.args.old)), self.drawn(episode, None)
        same = sum(np.array_equal(old[k], new[k]) for k in old)
        return {"seconds": built["seconds"], "size": video.stat().st_size,
                "old_size": theirs.stat().st_size, **psnr_of_videos(video, theirs),
                "drawn": [same, len(old)],
                "ours_vs_drawn": psnr_against_drawn(video, new),
                "old_vs_drawn": psnr_against_drawn(theirs, old)}  # fmt: skip

    def drawn(self, episode: Path, checkout: Path | None, every: int = 15) -> dict:
        """Every `every`-th frame as `checkout` (None: this one) draws it before encoding."""
        script = Path(__file__).resolve().parent / "drawn.py"
        out = self.tmp / f"drawn-{'old' if checkout else 'new'}.npz"
        env = {**os.environ, "PYTHONPATH": str(checkout)} if checkout else None
        cmd = [sys.executable, str(script), str(episode), str(out), str(every)]
        subprocess.run(cmd, cwd=episode.parent.parent, env=env, check=True)
        with np.load(out) as frames:
            return {k: frames[k] for k in frames.files}

    def rebuilds(self, episode: Path, root: Path, cold: dict, sections: int) -> dict:
        """The author's edits, one after another, each on the last: the still and the move
        are the last shot of a middle section (it crossfades into the next section's card),
        the take that section's, 2 s longer."""
        middle = sections // 2
        shot, still = f"s{middle:03d}.3", f"s{middle:03d}b.jpg"
        # a second or two each, where the machine's noise is a third of that: three of each
        out = {"noop": _median([self.build(episode) for _ in range(3)])}
        edits = []
        for j in range(3):  # each its own: two words more in another section's narration
            parts = episode.read_text().split("text: ")
            k = 1 + j % (len(parts) - 1)
            parts[k] = "Changed words. " + parts[k]
            episode.write_text("text: ".join(parts))
            edits.append(self.build(episode))
        out["text_edit"] = _median(edits)
        write_still(root / "assets" / still, seed=999, size=self.shape.get("still", STILL))
        out["still_swapped"] = self.build(episode) | {"shot": shot}
        data = yaml.safe_load(episode.read_text())
        data["sections"][middle]["visuals"][2]["move"]["focus"] = [0.4, 0.55]
        episode.write_text(yaml.safe_dump(data, sort_keys=False))
        out["move_retuned"] = self.build(episode) | {"shot": shot}
        before = out["move_retuned"]["shots"]
        seconds = self.shape.get("seconds", 30.0) + 2.0
        write_take(root / "assets" / f"n{middle:03d}.wav", seconds, seed=77)
        out["take_rerecorded"] = self.build(episode)
        out["take_rerecorded"]["changed"] = _changed_shots(before, out["take_rerecorded"]["shots"])
        for name in ("noop", "text_edit", "still_swapped", "move_retuned", "take_rerecorded"):
            out[name]["of_cold"] = round(out[name]["seconds"] / cold["seconds"], 3)
        for name in ("still_swapped", "move_retuned"):
            first, end, _ = out[name]["shots"][shot]
            out[name]["shown_frames"] = end - first
        return out

    def peer(self, episode: Path, ours: Path) -> dict:
        """The first seconds of the timeline through MoviePy, and the quality of both."""
        from moviepy_peer import render_with_moviepy
        from quality import peer_shots, ssim_against_reference

        shots, audio, fps = peer_shots(episode, self.size, self.peer_seconds, self.tmp)
        out = self.tmp / "peer.mp4"
        preset = "veryfast" if self.size[1] >= 720 else "superfast"
        t0 = time.perf_counter()
        render_with_moviepy(shots, self.size, fps, audio, out, preset=preset, crf=20)
        seconds = time.perf_counter() - t0
        quality = ssim_against_reference(episode, self.size, [ours, out], self.peer_seconds)
        return {
            "seconds": round(seconds, 2),
            "video_seconds": self.peer_seconds,
            "seconds_per_minute": round(seconds / (self.peer_seconds / 60), 2),
            "ssim_ours": quality[0],
            "ssim_peer": quality[1],
        }


def _changed_shots(before: dict, after: dict) -> list[str]:
    """Shots whose length or move length changed (their place in time does not count)."""
    return [
        name
        for name, (first, end, still_from) in after.items()
        if [end - first, still_from - first]
        != [before[name][1] - before[name][0], before[name][2] - before[name][0]]
    ]


def _median(builds: list[dict]) -> dict:
    ranked = sorted(builds, key=lambda b: b["seconds"])
    return ranked[len(ranked) // 2] | {"runs": [b["seconds"] for b in builds]}


def _fastest(builds: list[dict]) -> dict:
    return min(builds, key=lambda b: b["seconds"])


def _machine() -> str:
    cpu = "unknown cpu"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{os.cpu_count()} cores, {cpu}, Python {sys.version.split()[0]}"


if __name__ == "__main__":
    main()
