"""Is a change slower? Cold builds of one synthetic episode by two checkouts of the project,
taking turns, with x264's floor on the same frames once a round.

    python benchmarks/versus.py OLD_CHECKOUT [--new CHECKOUT] [--sections 10] [--rounds 3]

OLD_CHECKOUT is a folder holding the project at another commit (`git worktree add /tmp/old
<commit>`); the new one defaults to this repository. The machine is noisy: rounds alternate
which goes first, and the figures are each one's best build against the best floor.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from episode import REPO, make_episode
from render import Bench


def main() -> None:
    args = _arguments()
    size = (320, 180) if args.quick else (1920, 1080)
    checkouts = {"old": Path(args.old).resolve(), "new": Path(args.new).resolve()}
    with tempfile.TemporaryDirectory(prefix="essay-versus-") as tmp:
        options = argparse.Namespace(
            quick=args.quick, repeat=1, peer_seconds=None, skip_bundle=True
        )
        bench = Bench(Path(tmp), size, options)
        episode = make_episode(Path(tmp) / "n", args.sections, size, **bench.shape)
        runs: dict[str, list[float]] = {"old": [], "new": []}
        floors = []
        for k in range(args.rounds):
            for name in ("old", "new") if k % 2 == 0 else ("new", "old"):
                built = bench.build(episode, fresh=True, checkout=checkouts[name])
                runs[name].append(built["seconds"])
            floors.append(bench.floor(episode.parent.parent / "output/bench/bench.mp4")["seconds"])
    floor = min(floors)
    print(f"episode  {args.sections} sections at {size[0]}x{size[1]}, {args.rounds} rounds")
    print(f"floor    best {floor:.1f} s (runs {floors})")
    for name, seconds in runs.items():
        print(f"{name:8} best {min(seconds):.1f} s = {min(seconds) / floor:.3f}x the floor "
              f"(runs {seconds}; {checkouts[name]})")  # fmt: skip
    print(f"new/old  {min(runs['new']) / min(runs['old']):.3f} (best against best)")


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("old", help="a checkout of the project at another commit")
    parser.add_argument("--new", default=str(REPO), help="default: this repository")
    parser.add_argument("--sections", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="320x180, short sections")
    return parser.parse_args()


if __name__ == "__main__":
    main()
