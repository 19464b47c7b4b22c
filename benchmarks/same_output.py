"""Do two builds deliver the same episode? For a change that must not change the output.

    python benchmarks/same_output.py OLD_FOLDER NEW_FOLDER [--every 30]

Compares the files the two output folders share. Text files byte for byte. Each MP4, M4A
and MP3: every packet of every stream (sound, pictures, cover art) by its bytes, and the
container's tags and chapters; where the pictures' packets differ, the frames at every
`--every`-th frame by PSNR of the decoded planes. Exits 1 if anything differs (PSNR under
50 dB for pictures) or a file of OLD is missing from NEW; files new in NEW are listed.
"""

from __future__ import annotations

import argparse
import hashlib
import math
import sys
from itertools import zip_longest
from pathlib import Path

import av
import numpy as np
from mutagen.id3 import ID3

TEXT = (".srt", ".vtt", ".json", ".txt")
MEDIA = (".mp4", ".m4a", ".mp3")
PSNR_FLOOR = 50.0


def main() -> None:
    args = _arguments()
    old, new = Path(args.old), Path(args.new)
    a_names, b_names = {p.name for p in old.iterdir()}, {p.name for p in new.iterdir()}
    ok = True
    for name in sorted(a_names & b_names):
        a, b = old / name, new / name
        if name.endswith(TEXT):
            ok &= _say(name, "bytes", a.read_bytes() == b.read_bytes())
        if name.endswith(MEDIA):
            ok &= _media(name, a, b, args.every)
    for name in sorted(a_names - b_names):
        ok = _say(name, "file", False, "MISSING from the new folder")
    for name in sorted(b_names - a_names):
        print(f"{name:28} {'file':10} new")
    sys.exit(0 if ok else 1)


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("old")
    parser.add_argument("new")
    parser.add_argument("--every", type=int, default=30, help="compare every n-th frame")
    return parser.parse_args()


def _say(name: str, what: str, same: bool, detail: str = "") -> bool:
    print(f"{name:28} {what:10} {detail or ('identical' if same else 'DIFFER')}")
    return same


def _media(name: str, a: Path, b: Path, every: int) -> bool:
    ok = _say(name, "tags", _tags(a) == _tags(b))
    for kind in ("audio", "video"):
        packets = _packets(a, kind), _packets(b, kind)
        if not packets[0] and not packets[1]:
            continue
        same = packets[0] == packets[1]
        if same or kind == "audio" or name.endswith(".m4a"):
            ok &= _say(name, kind, same, f"{len(packets[0])} packets " + ("identical" * same))
        else:  # pictures encoded again: are they the same to the eye?
            worst = _worst_psnr(a, b, every)
            ok &= _say(name, kind, worst >= PSNR_FLOOR, f"lowest PSNR {worst:.1f} dB")
    return ok


def _tags(path: Path) -> object:
    """What a player shows of the file: its tags, chapters and (an MP3's) ID3 frames."""
    if path.suffix == ".mp3":
        return sorted(
            f"{k}={hashlib.sha256(repr(v).encode()).hexdigest()}" for k, v in ID3(path).items()
        )
    with av.open(str(path)) as container:
        chapters = [
            (c["start"], c["end"], c["metadata"].get("title")) for c in container.chapters()
        ]
        return dict(container.metadata), chapters


def _packets(path: Path, kind: str) -> list[str]:
    with av.open(str(path)) as container:
        streams = [s for s in container.streams if s.type == kind]
        if not streams:
            return []
        return [hashlib.sha256(bytes(p)).hexdigest() for p in container.demux(streams[0]) if p.size]


def _worst_psnr(a: Path, b: Path, every: int) -> float:
    worst = math.inf
    for x, y in zip_longest(_frames(a, every), _frames(b, every)):
        if x is None or y is None:
            return -math.inf  # not as many frames
        mse = float(np.mean((x.astype(np.float64) - y) ** 2))
        worst = min(worst, math.inf if mse == 0 else 10 * math.log10(255**2 / mse))
    return worst


def _frames(path: Path, every: int):
    with av.open(str(path)) as container:
        for i, frame in enumerate(container.decode(video=0)):
            if i % every == 0:
                yield frame.to_ndarray(format="yuv420p")


if __name__ == "__main__":
    main()
