"""The render benchmark's figures as a table of rows: what was measured, and its target."""

from __future__ import annotations

from bundle import bundle_table
from clips import clip_table


def print_table(r: dict) -> None:
    rows = _speed(r) + _peer(r) + _rebuilds(r) + _resources(r)
    if "bundle" in r:
        rows += bundle_table(r["bundle"])
    if "clips" in r:
        rows += clip_table(r["clips"])
    print_rows(rows)


def print_rows(rows: list[tuple[str, str, str]]) -> None:
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
            f"{r['cold_vs_floor']}x the floor (target <= 1.10x)",
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
        ("text_edit", "<= 2 s, 0 frames"),
        ("still_swapped", "<= 15% of cold, frames <= 1.2x those that show it"),
        ("move_retuned", "<= 15% of cold, frames <= 1.2x those that show it"),
        ("take_rerecorded", "the shots whose length changed + the mux"),
    ):
        if name not in r:
            continue
        b = r[name]
        what = f"{b['seconds']} s ({b['of_cold']:.1%} of cold), {b['frames_encoded']} frames"
        if "shown_frames" in b:
            ratio = b["frames_encoded"] / max(1, b["shown_frames"])
            what += f" = {ratio:.2f}x the {b['shown_frames']} that show {b['shot']}"
        what += f"; rendered {', '.join(b['rendered']) or 'nothing'}"
        if "runs" in b:
            what += f" (the median of {', '.join(f'{x:g}' for x in b['runs'])} s)"
        if "changed" in b:
            what += f"; shots whose length changed: {', '.join(b['changed']) or 'none'}"
        rows.append((name.replace("_", " "), what, f"target {target}"))
    if "old" in r:
        rows += _against_old(r["old"], r["cold"])
    return rows


def _against_old(o: dict, cold: dict) -> list[tuple[str, str, str]]:
    size = f"{o['size']:,} B against {o['old_size']:,} B = {o['size'] / o['old_size'] - 1:+.1%}"
    same, compared = o.get("drawn", [0, 0])
    drawn = f"{same} of {compared} sampled frames byte-identical before encoding"
    speed = f"{o['seconds']} s ({o['seconds'] / cold['seconds']:.2f}x ours)"
    return [
        ("mp4 size vs old", size, "target within +3%"),
        ("frames vs old", _psnr(o), "target >= 45 dB (luma as coded)"),
        ("drawn vs old", drawn, "the pictures themselves: all identical"),
        ("ours vs drawn", _psnr(o["ours_vs_drawn"]), "what x264 kept of the pictures"),
        ("old vs drawn", _psnr(o["old_vs_drawn"]), "the same, by the old checkout"),
        ("old cold build", speed, "the same episode by the old checkout"),
    ]


def _psnr(p: dict) -> str:
    return f"PSNR min {p['psnr_min']:.1f} dB, mean {p['psnr_mean']:.1f} dB, {p['frames']} frames"


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
