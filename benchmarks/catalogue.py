"""A back catalogue's no-op: what every automated build of a weekly series pays before it
does any work. `benchmarks/series.py --catalogue 10 50 100` runs it.

For each size N, a project of N small episodes (two sections of 3 s at 320x180, 640x480
stills, a site so the feed is written) is built cold once; then, `--rounds` times, taking
turns: `essay build --quiet` and `essay check`, each in a fresh process, with nothing to
do. With `--old CHECKOUT` (`git worktree add /tmp/old <commit>`), that checkout's code
builds its own copy of each project and takes its turns too, so before and after are
measured in one run. Start-up and the cost of an episode are the intercept and slope of
a line through the no-ops' best times over N.

Where an episode's no-op time goes is read from a profile (cProfile, in-process, of the
largest catalogue's no-op), as the share of each part's cumulative time: a profile makes
everything slower, so the shares, not the seconds, are the figures. The profiler sees the
main thread only: of the sound, looked up beside the pictures, it sees the wait for it.
"""

from __future__ import annotations

import cProfile
import datetime
import json
import os
import pstats
import shutil
import subprocess
import sys
import time
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import yaml
from episode import add_episode, make_episode

SIZE, STILL, SECONDS, SECTIONS = (320, 180), (640, 480), 3.0, 2
# The parts of a no-op, by the functions whose cumulative time they are (file:function)
PARTS = {
    "imports (start-up)": ("<frozen importlib._bootstrap>", "_find_and_load"),
    "YAML": ("source.py", "read_yaml"),
    "validation": ("validate.py", "validate"),
    "essay (paths, cards, text)": ("normalise.py", "essay"),
    "file facts (digests, stills)": ("known.py", "known"),
    "alignment cache (takes recalled)": ("take_cache.py", "recall"),
    "timeline and cues": ("timeline.py", "build_timeline"),
    "segment seals (cache.get)": ("segments.py", "render_segments"),
    "the sound (looked up beside the pictures)": ("runner.py", "alongside"),
    "product keys and reuse": ("last_delivery.py", "reuse"),
    "the swap into output/": ("swap.py", "swap_in"),
    "series' files": ("series.py", "publish_series"),
    "series' checks": ("project.py", "check_series"),
}


def make_catalogue(root: Path, episodes: int) -> Path:
    """N episodes, weekly from 2024-01-07, with a site so the feed is made too."""
    make_episode(root, SECTIONS, SIZE, seconds=SECONDS, still=STILL, site="https://example.org/s/")
    for number in range(2, episodes + 1):
        add_episode(root, f"ep{number:03d}", number, SECTIONS, SECONDS, STILL)
    for path in (root / "essays").glob("*.yaml"):
        if path.name != "series.yaml":
            doc = yaml.safe_load(path.read_text())
            doc["date"] = str(datetime.date(2024, 1, 7) + datetime.timedelta(weeks=doc["episode"]))
            path.write_text(yaml.safe_dump(doc, sort_keys=False))
    return root


def essay(root: Path, *args: str, checkout: Path | None = None) -> float:
    """`essay ARGS` in a fresh process in the project; its wall time."""
    env = {**os.environ, "PYTHONPATH": str(checkout)} if checkout else None
    started = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "pipeline", *args], cwd=root, env=env, capture_output=True, text=True
    )
    seconds = time.perf_counter() - started
    if proc.returncode:
        sys.exit(f"essay {' '.join(args)} failed in {root}:\n{proc.stderr[-2000:]}")
    return seconds


def run(sizes: list[int], rounds: int, tmp: Path, old: Path | None) -> dict:
    codes = {"new": None} | ({"old": old} if old else {})
    out: dict = {"sizes": {}}
    for n in sizes:
        made = make_catalogue(tmp / f"c{n}" / "new", n)
        roots = {"new": made}
        if old:
            roots["old"] = tmp / f"c{n}" / "old"
            shutil.copytree(made, roots["old"])
        row: dict = {}
        for code, checkout in codes.items():
            cold = essay(roots[code], "build", "--quiet", checkout=checkout)
            row[f"cold_{code}"] = round(cold, 1)
        runs: dict[str, list[float]] = {}
        for _ in range(rounds):
            for code, checkout in codes.items():
                for what in ("build", "check"):
                    args = ("build", "--quiet") if what == "build" else ("check",)
                    seconds = essay(roots[code], *args, checkout=checkout)
                    runs.setdefault(f"{what}_{code}", []).append(round(seconds, 3))
        row |= {k: {"best": min(v), "runs": v} for k, v in runs.items()}
        out["sizes"][n] = row
    for code in codes:
        best = {n: r[f"build_{code}"]["best"] for n, r in out["sizes"].items()}
        out[f"line_{code}"] = _line(best)
    out["profile"] = profile(tmp / f"c{max(sizes)}" / "new")
    return out


def _line(points: dict[int, float]) -> dict:
    """Least squares: start-up (s) and the cost of an episode (ms)."""
    xs, ys = list(points), list(points.values())
    if len(xs) < 2:
        return {"startup_s": None, "per_episode_ms": round(1000 * ys[0] / xs[0], 1)}
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    slope = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True))
    slope /= sum((x - mx) ** 2 for x in xs)
    return {"startup_s": round(my - slope * mx, 2), "per_episode_ms": round(1000 * slope, 1)}


def profile(root: Path) -> dict:
    """Each part's share of a no-op build of the catalogue, profiled in this process."""
    here = Path.cwd()
    os.chdir(root)
    try:
        from pipeline.cli import main

        profiler = cProfile.Profile()
        with open(os.devnull, "w") as quiet, redirect_stdout(quiet), redirect_stderr(quiet):
            profiler.enable()
            try:
                main(["build", "--quiet"], standalone_mode=False)
            finally:
                profiler.disable()
    finally:
        os.chdir(here)
    stats = pstats.Stats(profiler).stats  # (file, line, function) -> (..., cumulative, callers)
    total = max(v[3] for v in stats.values())
    shares = {}
    for part, (file, function) in PARTS.items():
        cumulative = sum(v[3] for k, v in stats.items() if k[0].endswith(file) and k[2] == function)
        shares[part] = round(cumulative / total, 3)
    shares["the rest"] = round(1 - sum(shares.values()), 3)
    return {"profiled_seconds": round(total, 2), "shares": shares}


def show(figures: dict, rounds: int) -> None:
    codes = ["new"] + (["old"] if "line_old" in figures else [])
    print(f"back catalogue no-op: {SECTIONS} sections of {SECONDS:g} s at "
          f"{SIZE[0]}x{SIZE[1]} an episode; best of {rounds}, fresh processes")  # fmt: skip
    for n, row in figures["sizes"].items():
        for code in codes:
            build, check = row[f"build_{code}"]["best"], row[f"check_{code}"]["best"]
            print(f"  {n:>4} episodes ({code}): no-op build {build:6.2f} s "
                  f"({1000 * build / n:5.1f} ms an episode), check {check:6.2f} s")  # fmt: skip
    for code in codes:
        line = figures[f"line_{code}"]
        print(f"  {code}: start-up {line['startup_s']} s, then {line['per_episode_ms']} ms an "
              "episode")  # fmt: skip
    print("  targets: a no-op of 100 episodes <= 3 s; < 25 ms an episode beyond start-up")
    prof = figures["profile"]
    print(f"where a no-op goes (shares of a profiled no-op, {prof['profiled_seconds']} s "
          "under the profiler):")  # fmt: skip
    for part, share in sorted(prof["shares"].items(), key=lambda kv: -kv[1]):
        print(f"  {part:<34} {share:6.1%}")


def main(sizes: list[int], rounds: int, old: str | None, out: str | None) -> None:
    import tempfile

    with tempfile.TemporaryDirectory(prefix="essay-catalogue-") as tmp:
        figures = run(sizes, rounds, Path(tmp), Path(old).resolve() if old else None)
    show(figures, rounds)
    if out:
        Path(out).write_text(json.dumps(figures, indent=1))
