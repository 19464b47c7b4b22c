"""The frames of one segment: the shots visible at each frame, crossfaded where they overlap.

Each frame is drawn straight into the buffer the encoder will read: a moving picture (a
still along its move, a clip) is drawn there directly; one that does not change (a card, a
still at rest, a still holding its last view) is drawn once into its layer and copied.
"""

from __future__ import annotations

import cv2

from pipeline.kinds import Drawing, kind_of
from pipeline.render.plan import SegmentJob, ShotInSegment
from pipeline.visuals.cards import overlay
from pipeline.visuals.yuv import FrameBuffer, Overlay


class _Layer:
    """One shot's picture at any frame of the segment, as its kind draws it."""

    def __init__(self, shot: ShotInSegment, job: SegmentJob):
        self.shot = shot
        self.buffer = FrameBuffer(*job.size)  # its picture, when it is kept
        self.kept_at: int | None = None  # the moment `buffer` shows; None: nothing kept
        drawing = Drawing(job.size, job.fps, job.fonts, shot.still_from - shot.first)
        self.source = kind_of(shot.visual).picture(shot.visual, drawing)

    def _moment(self, frame: int) -> int:
        return self.source.moment(frame - self.shot.first)

    def draw_into(self, frame: int, out: FrameBuffer) -> None:
        """Draw the picture at `frame` into `out`."""
        moment = self._moment(frame)
        if moment == self.kept_at:
            out.copy_from(self.buffer)
        elif moment == self._moment(frame + 1):  # it will hold: keep it, then copy
            out.copy_from(self.picture(frame))
        else:
            self.source.draw(moment, out)

    def picture(self, frame: int) -> FrameBuffer:
        """The picture at `frame` in the layer's own buffer (to blend from)."""
        moment = self._moment(frame)
        if moment != self.kept_at:
            self.source.draw(moment, self.buffer)
            self.kept_at = moment
        return self.buffer

    def close(self) -> None:
        self.source.close()


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
            self.layers.pop(k).close()  # its memory goes as soon as it is off screen
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

    def close(self) -> None:
        """Let go of what the layers hold open (a clip's decoder)."""
        for layer in self.layers.values():
            layer.close()
        self.layers.clear()

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
