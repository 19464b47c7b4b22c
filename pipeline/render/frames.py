"""Single frames of the episode, drawn as the encoder would get them: for pictures that are
stills of the video (the poster), without encoding and decoding them."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from pipeline.render.compose import Segment
from pipeline.render.plan import SegmentJob
from pipeline.visuals.yuv import FrameBuffer, planes_to_rgb


def job_at(jobs: Sequence[SegmentJob], frame: int) -> SegmentJob:
    """The piece that shows `frame` (on the episode's clock)."""
    return next(j for j in jobs if j.at <= frame < j.at + j.frames)


def frame_rgb(jobs: Sequence[SegmentJob], frame: int) -> np.ndarray:
    """The episode's frame `frame` (on its clock) as uint8 RGB, at the drawn size."""
    job = job_at(jobs, frame)
    out = FrameBuffer(*job.size)
    segment = Segment(job)
    try:
        segment.draw(frame - job.at, out)
    finally:
        segment.close()
    return planes_to_rgb(out.planes)
