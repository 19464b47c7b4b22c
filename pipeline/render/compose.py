"""The frames of one segment: the shots visible at each frame, crossfaded where they overlap.

Each frame is drawn straight into the buffer the encoder will read: a moving still is
warped there directly; a picture that does not change (a card, a still at rest) is drawn
once into its layer and copied.
"""

from __future__ import annotations

import cv2

from pipeline.render.plan import SegmentJob, ShotInSegment
from pipeline.script.model import Card, Still
from pipeline.visuals.cards import card_planes, overlay
from pipeline.visuals.motion import progress
from pipeline.visuals.stills import StillFrames
from pipeline.visuals.yuv import FrameBuffer, Overlay, Planes


class _Layer:
    """One shot's picture at any frame."""

    def __init__(self, shot: ShotInSegment, job: SegmentJob):
        self.shot = shot
        self.buffer = FrameBuffer(*job.size)  # its picture, when it is kept
        self.kept_at: int | None = None  # the frame `buffer` shows; None: nothing kept
        self.still: StillFrames | None = None
        visual = shot.visual
        if isinstance(visual, Card):
            _copy(card_planes(visual.svg, job.fonts, job.size), self.buffer.planes)
            self.kept_at = -1  # the same at every frame
            return
        assert isinstance(visual, Still)
        size = job.size
        over = overlay(visual.overlay_svg, job.fonts, size) if visual.overlay_svg else None
        self.still = StillFrames(visual.image, visual.size, visual.move, size, over)
        if not self.still.moves:
            self.still.draw(0.0, self.buffer)
            self.still, self.kept_at = None, -1

    def _moment(self, frame: int) -> int:
        """The frame whose view shows: after its own time it holds its last."""
        return -1 if self.still is None else min(frame, self.shot.still_from - 1)

    def draw_into(self, frame: int, out: FrameBuffer) -> None:
        """Draw the picture at `frame` into `out`."""
        moment = self._moment(frame)
        if moment == self.kept_at:
            out.copy_from(self.buffer)
        elif moment == self.shot.still_from - 1:  # it will hold: keep it, then copy
            out.copy_from(self.picture(frame))
        else:
            self._warp(moment, out)

    def picture(self, frame: int) -> FrameBuffer:
        """The picture at `frame` in the layer's own buffer (to blend from)."""
        moment = self._moment(frame)
        if moment != self.kept_at:
            self._warp(moment, self.buffer)
            self.kept_at = moment
        return self.buffer

    def _warp(self, moment: int, out: FrameBuffer) -> None:
        self.still.draw(progress(moment, self.shot.first, self.shot.still_from), out)


def _copy(src: Planes, dst: Planes) -> None:
    for s, d in zip(src, dst, strict=True):
        d[...] = s


class Segment:
    """Draws the frames of one segment, in order, into buffers it is given."""

    def __init__(self, job: SegmentJob):
        self.job = job
        self.layers: dict[int, _Layer] = {}
        self.captions = _Captions(job)

    def draw(self, f: int, out: FrameBuffer) -> None:
        shots = self.job.shots
        visible = [k for k, s in enumerate(shots) if s.first <= f < s.end]
        for k in [k for k in self.layers if k not in visible]:
            del self.layers[k]  # its memory goes as soon as it is off screen
        if not visible:
            out.fill()
        else:
            top = self._layer(visible[-1])
            shot = shots[visible[-1]]
            if f - shot.first >= shot.fade:
                top.draw_into(f, out)
            else:
                self._crossfade(f, shot, top, visible, out)
        caption = self.captions.at(f)
        if caption is not None:
            caption.apply(out.planes)

    def _crossfade(self, f: int, shot, top: _Layer, visible: list[int], out: FrameBuffer) -> None:
        alpha = (f - shot.first + 1) / (shot.fade + 1)
        picture = top.picture(f)
        if len(visible) > 1:
            below = self._layer(visible[-2]).picture(f)
            for a, b, o in zip(below.planes, picture.planes, out.planes, strict=True):
                cv2.addWeighted(a, 1 - alpha, b, alpha, 0, dst=o)
        else:  # the first shot of the episode fades in from black
            out.fill()
            for b, o in zip(picture.planes, out.planes, strict=True):
                cv2.addWeighted(o, 1 - alpha, b, alpha, 0, dst=o)

    def _layer(self, k: int) -> _Layer:
        if k not in self.layers:
            self.layers[k] = _Layer(self.job.shots[k], self.job)
        return self.layers[k]


class _Captions:
    """Burned-in subtitles, each rasterised once, when its first frame comes."""

    def __init__(self, job: SegmentJob):
        self.job = job
        self.current: tuple[int, Overlay | None] | None = None

    def at(self, frame: int) -> Overlay | None:
        for k, c in enumerate(self.job.captions):
            if c.first <= frame < c.end:
                if self.current is None or self.current[0] != k:
                    self.current = (k, overlay(c.svg, self.job.fonts, self.job.size))
                return self.current[1]
        return None
