"""Single frames of the episode, drawn as the encoder would get them: for pictures that are
stills of the video (the poster), without encoding and decoding them."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from pipeline.render.compose import Segment
from pipeline.render.plan import SegmentJob
from pipeline.timing.timeline import Timeline
from pipeline.visuals.yuv import FrameBuffer, planes_to_rgb


def frame_rgb(jobs: Sequence[SegmentJob], timeline: Timeline, frame: int) -> np.ndarray:
    """The episode's frame `frame` (on its clock) as uint8 RGB, at the drawn size."""
    span = next(s for s in timeline.sections if s.first_frame <= frame < s.end_frame)
    job = jobs[span.index]
    out = FrameBuffer(*job.size)
    Segment(job).draw(frame - span.first_frame, out)
    return planes_to_rgb(out.planes)
