"""How soon `essay watch` shows a save: the author's loop, measured as they live it.

A synthetic project (benchmarks/episode.py: sections of about 30 s of speech-like narration,
two 4000x3000 stills and a card each, a 1080p series, so the draft is 854x480) is watched
by a real `essay watch`. After its first build, the script saves a changed narration line
and then swaps one still of the first section (a new picture renamed over the file, as an
editor or a file manager saves), each time polling /_essay/version until the new version is
ready, and prints the seconds from the save to that moment, and how much of it was the
build itself (the rest: the watcher's wait for the files to be quiet, 0.12-0.16 s, and
the poll):

    text edit -> visible     target <= 1 s
    still swapped -> visible target <= 3 s (a 30 s section renders again)

`--quick`: one 8 s section, for the slow suite. `--json FILE` writes the figures.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import yaml
from episode import make_episode, write_still

TARGETS = {"text_edit": 1.0, "still_swapped": 3.0}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="one 8 s section")
    parser.add_argument("--json", type=Path, help="write the figures here")
    parser.add_argument("--rounds", type=int, default=3, help="edits of each kind")
    args = parser.parse_args()
    seconds, sections = (8.0, 1) if args.quick else (30.0, 2)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "bench"
        episode = make_episode(root, sections, (1920, 1080), seconds=seconds)
        figures = measure(root, episode, args.rounds)
    figures["section_seconds"] = seconds
    report(figures)
    if args.json:
        args.json.write_text(json.dumps(figures, indent=1) + "\n")


def measure(root: Path, episode: Path, rounds: int) -> dict:
    watch = Watch(root, episode)
    try:
        started = time.monotonic()
        first = watch.until(lambda s: s["version"] >= 1 and s["state"] == "ready", 600)
        figures = {"first_build": round(time.monotonic() - started, 2)}
        edits = {
            "text_edit": lambda k: text_edit(episode, k),
            "still_swapped": lambda k: swap_still(root, k),
        }
        for name, edit in edits.items():
            figures[name] = [watch.timed(edit, k) for k in range(rounds)]
        figures["builds"] = watch.state()["builds"] - first["builds"]
    finally:
        watch.stop()
    return figures


class Watch:
    def __init__(self, root: Path, episode: Path):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        cmd = [sys.executable, "-m", "pipeline", "watch", str(episode), "--port", str(self.port)]
        repo = Path(__file__).resolve().parent.parent
        env = {**os.environ, "PYTHONPATH": str(repo)}
        self.proc = subprocess.Popen(
            cmd, cwd=root, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )

    def state(self) -> dict:
        url = f"http://127.0.0.1:{self.port}/_essay/version"
        with urllib.request.urlopen(url, timeout=5) as answer:
            return json.loads(answer.read())

    def until(self, test, timeout: float) -> dict:
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if self.proc.poll() is not None:
                sys.exit(f"essay watch ended: {self.proc.communicate()[1][-2000:]}")
            try:
                state = self.state()
            except OSError:
                state = None
            if state and test(state):
                if state["state"] == "problems":
                    sys.exit(f"the edit could not be built: {state['problems']}")
                return state
            time.sleep(0.005)
        sys.exit(f"no new version within {timeout} s")

    def timed(self, edit, k: int) -> dict:
        """Make the edit; the seconds from its save to the new version ready."""
        before = self.state()["version"]
        time.sleep(0.3)  # apart from the last edit, as an author's saves are
        saved = edit(k)
        done = self.until(lambda s: s["version"] > before or s["state"] == "problems", 120)
        seconds = time.monotonic() - saved
        return {"seconds": round(seconds, 3), "build": done["took"], "at": done["at"]}

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            self.proc.communicate(timeout=30)


def text_edit(episode: Path, k: int) -> float:
    doc = yaml.safe_load(episode.read_text())
    text = doc["sections"][-1]["narration"]["text"]
    doc["sections"][-1]["narration"]["text"] = f"{text.rsplit(' Edit ', 1)[0]} Edit {k}."
    return save(episode, yaml.safe_dump(doc, sort_keys=False).encode())


def swap_still(root: Path, k: int) -> float:
    """A new picture for the first section's first still, made aside and renamed over it."""
    still = root / "assets" / "s000a.jpg"
    fresh = still.with_name(f"fresh{k}.jpg")
    write_still(fresh, seed=500 + k)
    return save(still, fresh.read_bytes(), made=fresh)


def save(path: Path, data: bytes, made: Path | None = None) -> float:
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_bytes(data)
    tmp.replace(path)
    if made:
        made.unlink()
    return time.monotonic()


def report(figures: dict) -> None:
    sections = f"{figures['section_seconds']:.0f} s sections"
    print(f"first build (cold, {sections}): {figures['first_build']:.1f} s")
    for name, label in (("text_edit", "text edit"), ("still_swapped", "still swapped")):
        times = [r["seconds"] for r in figures[name]]
        best, worst, target = min(times), max(times), TARGETS[name]
        verdict = "met" if worst <= target else f"missed by {worst - target:.2f} s"
        builds = [r["build"] for r in figures[name]]
        print(
            f"{label} -> visible: {', '.join(f'{t:.2f}' for t in times)} s "
            f"(best {best:.2f}, worst {worst:.2f}; target <= {target:.0f} s: {verdict}); "
            f"of which the build: {', '.join(f'{t:.2f}' for t in builds)} s"
        )


if __name__ == "__main__":
    main()
