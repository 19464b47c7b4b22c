"""Draw every `every`-th frame of an episode as the renderer would hand it to x264, with
whichever checkout of the project is first on sys.path, and save them (npz): so two
commits' pictures can be compared before any encoder touches them.

    PYTHONPATH=/tmp/old python benchmarks/drawn.py essays/bench.yaml old.npz 15
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

from pipeline.produce import check
from pipeline.publish.profiles import PROFILES
from pipeline.render.compose import Segment
from pipeline.render.plan import plan_segments
from pipeline.visuals.yuv import FrameBuffer


def main() -> None:
    episode, out, every = Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3])
    checked = check(episode)
    settings = checked.essay.settings
    renditions = PROFILES["master"].renditions(settings.video, settings.renditions)
    jobs = plan_segments(checked.essay, checked.timeline, renditions)
    starts, at = [], 0  # each job's first frame: they play in order, in any version
    for job in jobs:
        starts.append(at)
        at += job.frames
    frames = {}
    for f in range(0, at, every):
        k = max(i for i, first in enumerate(starts) if first <= f)
        buffer = FrameBuffer(*jobs[k].size)
        Segment(jobs[k]).draw(f - starts[k], buffer)
        frames[str(f)] = np.array(buffer.data, copy=True)
    np.savez_compressed(out, **frames)


if __name__ == "__main__":
    main()
