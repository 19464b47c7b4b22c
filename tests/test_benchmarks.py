"""The benchmark scripts run (in their quick forms), so they cannot rot unnoticed."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from conftest import REPO


def run(script: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(REPO / "benchmarks" / script), *args],
        capture_output=True, text=True, timeout=600,
    )  # fmt: skip


@pytest.mark.slow  # a minute: CI runs it with the slow suite
def test_render_benchmark_quick(tmp_path) -> None:
    out = tmp_path / "render.json"
    proc = run("render.py", "--quick", "--json", str(out))
    assert proc.returncode == 0, proc.stderr[-2000:]
    figures = json.loads(out.read_text())
    assert figures["cold"]["frames_encoded"] == figures["cold"]["frames"]
    assert figures["noop"]["frames_encoded"] == 0 and figures["noop"]["audio_reused"]
    assert figures["text_edit"]["frames_encoded"] == 0
    for edit in ("still_swapped", "move_retuned"):  # the last shot of s001, fading out
        assert figures[edit]["rendered"] == ["s001.2 > s001.3", "s001.3"]
        assert figures[edit]["frames_encoded"] == figures[edit]["shown_frames"]
    retake = figures["take_rerecorded"]
    assert retake["changed"] and {r.split(" > ")[-1] for r in retake["rendered"]} <= set(
        retake["changed"]
    )  # only the shots whose length changed
    assert not figures["take_rerecorded"]["audio_reused"]
    assert 0 < figures["peer"]["ssim_ours"] <= 1 and 0 < figures["peer"]["ssim_peer"] <= 1
    assert "cold build" in proc.stdout and "MoviePy peer" in proc.stdout


@pytest.mark.slow  # the benchmarks' quick forms are the slow suite's: about 15 s
def test_clip_benchmark_runs(tmp_path) -> None:
    out = tmp_path / "clips.json"
    proc = run("clips.py", "--quick", "--json", str(out))
    assert proc.returncode == 0, proc.stderr[-2000:]
    figures = json.loads(out.read_text())
    for ratio in ("clip_vs_floor", "cold_vs_floor", "long_vs_short"):
        assert 0 < figures[ratio] < float("inf"), (ratio, figures[ratio])
    assert 0 < figures["memory"]["long_vs_short"] < float("inf")
    assert figures["cold"]["clip_frames"] > 0 and figures["cold"]["clip_seconds"] > 0
    assert figures["swapped"]["rendered"] and all(
        "s000.1" in r.split(" > ") for r in figures["swapped"]["rendered"]
    )  # that shot only
    for row in ("clip segment", "clip, long source", "clip memory", "clip range swapped"):
        assert row in proc.stdout


@pytest.mark.slow  # the benchmarks' quick forms are the slow suite's
def test_mix_benchmark_runs(tmp_path) -> None:
    out = tmp_path / "mix.json"
    proc = run("mix.py", "--minutes", "0.5", "--json", str(out))
    assert proc.returncode == 0, proc.stderr[-2000:]
    (row,) = json.loads(out.read_text())
    assert abs(row["integrated_lufs"] + 16) <= 1 and row["true_peak_dbtp"] <= -1


@pytest.mark.slow  # about 40 s: the listening aligner over clean and spliced takes
def test_alignment_benchmark_runs(tmp_path) -> None:
    out = tmp_path / "alignment.json"
    proc = run("alignment.py", "--quick", "--json", str(out))
    assert proc.returncode == 0, proc.stderr[-2000:]
    figures = json.loads(out.read_text())
    faults = figures["faults"]
    assert set(faults["table"]) == {"flub", "said twice", "left out", "unscripted", "heading"}
    assert all(faults["table"][kind] for kind in faults["table"])  # each kind was made
    missed = [c for c in faults["cases"] if not c["found"]]
    # every fault in the human readings is found; the synthesized voice's line with a name
    # and a year (Cold open, line 2) is heard otherwise today: warned, as unscripted speech
    assert not [c for c in missed if c["source"].startswith("human")], missed
    assert len(missed) <= 3, missed
    alarms = figures["false_alarms"]
    assert alarms["takes"] >= 4 and alarms["count"] == 0, alarms["list"]
    assert figures["onset"]["all"]["tokens"] > 100
    assert figures["onset"]["all"]["median_ms"] <= 30
    assert "Word onset error" in proc.stdout


@pytest.mark.slow  # about 20 s: a real `essay watch` over one 8 s section
def test_watch_benchmark_quick(tmp_path) -> None:
    out = tmp_path / "watch.json"
    proc = run("watch.py", "--quick", "--rounds", "1", "--json", str(out))
    assert proc.returncode == 0, proc.stderr[-2000:]
    figures = json.loads(out.read_text())
    (text,), (still,) = figures["text_edit"], figures["still_swapped"]
    assert 0 < text["build"] <= text["seconds"] and 0 < still["build"] <= still["seconds"]
    assert figures["builds"] == 2  # one a save
    assert "text edit -> visible" in proc.stdout and "still swapped -> visible" in proc.stdout
