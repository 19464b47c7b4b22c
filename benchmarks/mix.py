"""Benchmark the sound of an episode: mix, master and encode a synthetic long episode.

    python benchmarks/mix.py                 # 10- and 30-minute episodes, one table
    python benchmarks/mix.py --minutes 5     # one length only
    python benchmarks/mix.py --json out.json

Each length runs in a fresh process, so its peak memory is its own. The episode: sections
of 30 s speech-like narration (syllables, words, pauses, a noise floor), one WAV take each,
under a 2-minute music bed that loops, ducked under the voice. Figures: wall time of the
mix (placing, ducking, loudness measurement, gain and true-peak limiting, written to raw
PCM) and of the whole audio stage (plus the AAC and MP3 encodes and the loudness report),
realtime factor, and peak memory of the process tree (Python and its ffmpeg children).
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import yaml
from episode import RATE, write_take, write_wav
from memory import PeakMemory

REPO = Path(__file__).resolve().parent.parent
SECTION_SECONDS = 30


def main() -> None:
    args = _arguments()
    if args.child:
        print(json.dumps(_run(Path(args.child))))
        return
    rows = [_in_child(m) for m in (args.minutes or [10, 30])]
    _table(rows)
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=2))


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=float, action="append", help="episode length(s)")
    parser.add_argument("--json", help="also write the figures to this file")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    return parser.parse_args()


def _in_child(minutes: float) -> dict:
    """Make the project here, measure it in a fresh process: its memory is then its own."""
    with tempfile.TemporaryDirectory() as tmp:
        episode = _synthetic_project(Path(tmp), minutes)
        out = subprocess.run(
            [sys.executable, __file__, "--child", str(episode)],
            capture_output=True, text=True, check=True,
        )  # fmt: skip
    return json.loads(out.stdout.strip().splitlines()[-1])


def _run(episode: Path) -> dict:
    from pipeline.audio.encoded import AAC, encoded_sound
    from pipeline.audio.mix import finish, plan_mix
    from pipeline.base.cache import Cache
    from pipeline.base.runner import Runner
    from pipeline.produce import check
    from pipeline.publish.profiles import MASTER

    peak = PeakMemory().__enter__()
    t0 = time.perf_counter()
    checked = check(episode)
    t_check = time.perf_counter() - t0
    essay, timeline = checked.essay, checked.timeline
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        plan = plan_mix(
            timeline,
            checked.takes,
            checked.music,
            essay.settings.audio,
            essay.settings.ducking,
            Path(tmp) / "voice.f32",
        )
        finish(plan, essay.settings.audio, Path(tmp) / "mix.f32")
        t_mix = time.perf_counter() - t0
        t0 = time.perf_counter()
        parts = (essay, timeline, checked.takes, checked.music, MASTER.sound)
        sound = encoded_sound(*parts, Cache(Path(tmp) / "cache"), Runner())
        t_stage = time.perf_counter() - t0
    peak.__exit__()
    duration = timeline.duration
    measured = sound.loudness[AAC]
    return {
        "minutes": round(duration / 60, 2),
        "load_and_check_s": round(t_check, 2),
        "mix_s": round(t_mix, 2),
        "mix_realtime": round(duration / t_mix, 1),
        "audio_stage_s": round(t_stage, 2),
        "audio_stage_realtime": round(duration / t_stage, 1),
        "peak_mb": round(peak.mb),
        "integrated_lufs": measured.integrated,
        "true_peak_dbtp": measured.true_peak,
    }


def _synthetic_project(root: Path, minutes: float) -> Path:
    sections = max(1, round(minutes * 60 / (SECTION_SECONDS + 1.0)))
    (root / "essays").mkdir(parents=True)
    (root / "assets").mkdir()
    for folder in ("templates", "fonts"):
        shutil.copytree(REPO / "assets" / folder, root / "assets" / folder)
    series = {"series": "Benchmark", "music": {"bed": {"file": "assets/bed.wav", "level": -28}}}
    (root / "essays" / "series.yaml").write_text(yaml.safe_dump(series))
    write_wav(root / "assets" / "bed.wav", _music(120.0))
    entries = []
    for i in range(sections):
        write_take(root / "assets" / f"take{i:03d}.wav", SECTION_SECONDS, seed=i)
        entries.append({
            "id": f"s{i:03d}", "title": f"Section {i + 1}",
            "narration": {"audio": f"assets/take{i:03d}.wav", "text": "Words."},
            "visuals": [{"card": "heading"}],
        })  # fmt: skip
    episode = {
        "episode": 1, "title": "Benchmark", "sections": entries,
        "film": {"title": "Film", "year": 2000, "director": "Someone"},
    }  # fmt: skip
    path = root / "essays" / "bench.yaml"
    path.write_text(yaml.safe_dump(episode, sort_keys=False))
    return path


def _music(seconds: float) -> np.ndarray:
    t = np.arange(int(seconds * RATE)) / RATE
    chord = sum(np.sin(2 * np.pi * f * t) for f in (220.0, 277.2, 329.6)) / 3
    swell = 0.6 + 0.4 * np.sin(2 * np.pi * t / 8)
    left = chord * swell * 0.3
    return np.stack([left, np.roll(left, 2400)], axis=1).astype(np.float32)


def _table(rows: list[dict]) -> None:
    columns = [
        ("minutes", "episode min"), ("mix_s", "mix s"), ("mix_realtime", "mix x realtime"),
        ("audio_stage_s", "+encodes s"), ("audio_stage_realtime", "+encodes x realtime"),
        ("peak_mb", "peak MB (python + ffmpeg)"),
        ("integrated_lufs", "LUFS"), ("true_peak_dbtp", "dBTP"),
    ]  # fmt: skip
    print(" | ".join(title for _, title in columns))
    for row in rows:
        print(" | ".join(str(row[key]) for key, _ in columns))
    if len(rows) > 1:
        a, b = rows[0], rows[-1]
        per_minute = [r["mix_s"] / r["minutes"] for r in (a, b)]
        print(
            f"mix seconds per episode minute: {per_minute[0]:.3f} at {a['minutes']} min, "
            f"{per_minute[1]:.3f} at {b['minutes']} min (ratio {per_minute[1] / per_minute[0]:.2f})"
        )


if __name__ == "__main__":
    main()
