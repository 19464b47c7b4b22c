"""The render benchmark's figures as a table of rows: what was measured, and its target."""

from __future__ import annotations

from bundle import bundle_table


def print_table(r: dict) -> None:
    rows = _speed(r) + _peer(r) + _rebuilds(r) + _resources(r)
    if "bundle" in r:
        rows += bundle_table(r["bundle"])
    width = max(len(a) for a, _, _ in rows)
    for a, b, c in rows:
        print(f"{a:<{width}}  {b}" + (f"  [{c}]" if c else ""))


def _speed(r: dict) -> list[tuple[str, str, str]]:
    cold, floor = r["cold"], r["floor"]
    size = f"{r['size'][0]}x{r['size'][1]}"
    return [
        ("machine", r["machine"], ""),
        ("episode", f"{r['sections']} sections, {cold['duration']:.0f} s at {size}", ""),
        (
            "cold build",
            f"{cold['seconds']} s, {cold['realtime']}x realtime",
            f"{r['cold_vs_floor']}x the floor (target <= 1.3x)",
        ),
        ("floor", f"{floor['seconds']} s (runs {floor['runs']})", "x264 alone on the same frames"),
    ]


def _peer(r: dict) -> list[tuple[str, str, str]]:
    if "peer" not in r:
        return []
    p, cold = r["peer"], r["cold"]
    ours = cold["seconds"] / (cold["duration"] / 60)
    return [
        (
            "MoviePy peer",
            f"{p['seconds_per_minute']} s per minute of output",
            f"we are {p['seconds_per_minute'] / ours:.1f}x faster (target >= 2.5x)",
        ),
        (
            "SSIM vs reference",
            f"ours {p['ssim_ours']:.4f}, peer {p['ssim_peer']:.4f}",
            f"ours - peer = {p['ssim_ours'] - p['ssim_peer']:+.4f} (target >= -0.01)",
        ),
    ]


def _rebuilds(r: dict) -> list[tuple[str, str, str]]:
    rows = []
    for name, target in (
        ("noop", "<= 2 s, 0 frames"),
        ("text_edit", "<= 5% of cold, 0 frames"),
        ("still_swapped", "<= 20% of cold"),
        ("take_rerecorded", "that section + the mux"),
    ):
        b = r[name]
        what = (
            f"{b['seconds']} s ({b['of_cold']:.1%} of cold), {b['frames_encoded']} frames "
            f"encoded, sections {b['rendered'] or 'none'}"
        )
        rows.append((name.replace("_", " "), what, f"target {target}"))
    return rows


def _resources(r: dict) -> list[tuple[str, str, str]]:
    d, cold = r["draft"], r["cold"]
    memory = f"{cold['peak_mb']} MB peak (cold build, Python + ffmpeg)"
    rows = [
        ("draft", f"{d['seconds']} s, {d['realtime']}x realtime", "target >= 15x"),
        ("memory", memory, "target <= 1 GB, flat with N"),
    ]
    if "scaling" in r:
        scaling = ", ".join(
            f"N={n}: {v['seconds_per_minute']} s/min, {v['peak_mb']} MB"
            for n, v in r["scaling"].items()
        )
        rows.append(("scaling", scaling, "target flat within 10%"))
    jobs = ", ".join(
        f"--jobs {j}: {b['seconds']} s, {b['peak_mb']} MB" for j, b in r["jobs"].items()
    )
    rows.append(("jobs", jobs, "default is the faster"))
    return rows
