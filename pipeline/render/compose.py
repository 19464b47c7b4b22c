"""The frames of one segment: the shots visible at each frame, crossfaded where they overlap."""

from __future__ import annotations

import math
from collections.abc import Iterator

import cv2

from pipeline.render.plan import SegmentJob, ShotInSegment
from pipeline.script.model import Card, Still
from pipeline.visuals.cards import card_planes, overlay
from pipeline.visuals.stills import StillFrames
from pipeline.visuals.yuv import FrameBuffer, Overlay, Planes


class _Layer:
    """One shot's picture at any frame, drawn into a buffer of its own."""

    def __init__(self, shot: ShotInSegment, job: SegmentJob):
        self.shot = shot
        self.buffer = FrameBuffer(*job.profile.size)
        self.drawn_at: int | None = None
        visual = shot.visual
        if isinstance(visual, Card):
            self.still = None
            _copy(card_planes(visual.svg, job.fonts, job.profile.size), self.buffer.planes)
        else:
            assert isinstance(visual, Still)
            over = (
                overlay(visual.overlay_svg, job.fonts, job.profile.size)
                if visual.overlay_svg
                else None
            )
            self.still = StillFrames(visual.image, visual.move, job.profile.size, over)
            if not self.still.moves:
                self.still.draw(0.0, self.buffer)
                self.still = None

    def draw(self, frame: int) -> FrameBuffer:
        """The picture at `frame`; redrawn only when it changes."""
        frame = min(frame, self.shot.still_from - 1)  # after its own time it holds
        if self.still is not None and frame != self.drawn_at:
            span = max(1, self.shot.still_from - self.shot.first - 1)
            self.still.draw(ease(min(1.0, max(0.0, (frame - self.shot.first) / span))), self.buffer)
            self.drawn_at = frame
        return self.buffer


def ease(p: float) -> float:
    """Ease in and out: a move starts and ends at rest, so a shot can hold its last view
    under the next one's crossfade without a jolt."""
    return (1 - math.cos(math.pi * p)) / 2


def _copy(src: Planes, dst: Planes) -> None:
    for s, d in zip(src, dst, strict=True):
        d[...] = s


def frames(job: SegmentJob) -> Iterator[memoryview]:
    """Every frame of the segment as yuv420p bytes, valid until the next is requested."""
    out = FrameBuffer(*job.profile.size)
    captions = _Captions(job)
    for f, picture in enumerate(_pictures(job, out)):
        caption = captions.at(f)
        if caption is None:
            yield picture.data.data
            continue
        if picture is not out:
            out.copy_from(picture)  # a layer's own picture must stay clean for the next frame
        caption.apply(out.planes)
        yield out.data.data


def _pictures(job: SegmentJob, out: FrameBuffer) -> Iterator[FrameBuffer]:
    """The composed picture of each frame: one layer's own buffer, or `out` for a blend."""
    black = FrameBuffer(*job.profile.size)
    black.fill()
    layers: dict[int, _Layer] = {}
    for f in range(job.frames):
        visible = [k for k, s in enumerate(job.shots) if s.first <= f < s.end]
        for k in list(layers):
            if k not in visible:
                del layers[k]  # its memory goes as soon as it is off screen
        if not visible:
            yield black
            continue
        top = visible[-1]
        layer = layers.get(top) or layers.setdefault(top, _Layer(job.shots[top], job))
        picture = layer.draw(f)
        shot = job.shots[top]
        if f - shot.first >= shot.fade:
            yield picture
            continue
        below = black
        if len(visible) > 1:
            k = visible[-2]
            below = (layers.get(k) or layers.setdefault(k, _Layer(job.shots[k], job))).draw(f)
        alpha = (f - shot.first + 1) / (shot.fade + 1)
        for a, b, o in zip(below.planes, picture.planes, out.planes, strict=True):
            cv2.addWeighted(a, 1 - alpha, b, alpha, 0, dst=o)
        yield out


class _Captions:
    """Burned-in subtitles, each rasterised once, when its first frame comes."""

    def __init__(self, job: SegmentJob):
        self.job = job
        self.current: tuple[int, Overlay | None] | None = None

    def at(self, frame: int) -> Overlay | None:
        for k, c in enumerate(self.job.captions):
            if c.first <= frame < c.end:
                if self.current is None or self.current[0] != k:
                    self.current = (k, overlay(c.svg, self.job.fonts, self.job.profile.size))
                return self.current[1]
        return None
