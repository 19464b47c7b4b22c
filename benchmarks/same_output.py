"""Do two builds deliver the same episode? For a change that must not change the output.

    python benchmarks/same_output.py OLD_FOLDER NEW_FOLDER [--every 30]

Compares the files the two output folders share: text files byte for byte; the sound of
each MP4, M4A and MP3 packet by packet (the encoded bytes, not the decoded samples); the
pictures of each MP4 frame by frame at every `--every`-th frame, as PSNR of the decoded
planes (identical frames: inf). Exits 1 if anything differs beyond that (PSNR under 50 dB).
"""

from __future__ import annotations

import argparse
import hashlib
import math
import sys
from pathlib import Path

import av
import numpy as np

TEXT = (".srt", ".vtt", ".json", ".txt")
SOUND = (".mp4", ".m4a", ".mp3")
PSNR_FLOOR = 50.0


def main() -> None:
    args = _arguments()
    old, new = Path(args.old), Path(args.new)
    names = sorted({p.name for p in old.iterdir()} & {p.name for p in new.iterdir()})
    only = sorted({p.name for p in old.iterdir()} ^ {p.name for p in new.iterdir()})
    ok = True
    for name in names:
        a, b = old / name, new / name
        if name.endswith(TEXT):
            same = a.read_bytes() == b.read_bytes()
            ok &= same or name.endswith(".json")  # the loudness report may round differently
            print(f"{name:28} bytes      {'identical' if same else 'DIFFER'}")
        if name.endswith(SOUND):
            same, count = _packets(a, "audio") == _packets(b, "audio"), len(_packets(a, "audio"))
            ok &= same
            print(f"{name:28} sound      {count} packets {'identical' if same else 'DIFFER'}")
        if name.endswith(".mp4"):
            worst = _worst_psnr(a, b, args.every)
            ok &= worst >= PSNR_FLOOR
            print(f"{name:28} pictures   lowest PSNR {worst:.1f} dB (every {args.every}th frame)")
    for name in only:
        print(f"{name:28} in one folder only")
    sys.exit(0 if ok else 1)


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("old")
    parser.add_argument("new")
    parser.add_argument("--every", type=int, default=30, help="compare every n-th frame")
    return parser.parse_args()


def _packets(path: Path, kind: str) -> list[str]:
    with av.open(str(path)) as container:
        stream = next(s for s in container.streams if s.type == kind)
        return [hashlib.sha256(bytes(p)).hexdigest() for p in container.demux(stream) if p.size]


def _worst_psnr(a: Path, b: Path, every: int) -> float:
    worst = math.inf
    for x, y in zip(_frames(a, every), _frames(b, every), strict=True):
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
