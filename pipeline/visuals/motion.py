"""Ken Burns geometry: where the view sits on a still at any moment of its shot."""

from __future__ import annotations

import math
from dataclasses import dataclass

from pipeline.script.settings import Move


@dataclass(frozen=True)
class View:
    cx: float  # centre of the view, in image pixels
    cy: float
    scale: float  # output pixels per image pixel


def cover_scale(image: tuple[int, int], frame: tuple[int, int]) -> float:
    """Scale at which the image just covers the frame (zoom 1)."""
    return max(frame[0] / image[0], frame[1] / image[1])


def view_at(move: Move, image: tuple[int, int], frame: tuple[int, int], p: float) -> View:
    """The view at progress p (0 at the shot's first frame, 1 at its last)."""
    iw, ih = image
    fw, fh = frame
    c = cover_scale(image, frame)
    z0, z1 = move.zoom
    zoom = z0 * (z1 / z0) ** p  # geometric: the zoom looks equally fast throughout
    scale = c * zoom
    half_w, half_h = fw / scale / 2, fh / scale / 2
    cx = move.focus[0] * iw + (p - 0.5) * move.pan[0] * fw / c
    cy = move.focus[1] * ih + (p - 0.5) * move.pan[1] * fh / c
    # keep the view on the image; at zoom 1 one axis has no room at all
    cx = min(max(cx, half_w), iw - half_w)
    cy = min(max(cy, half_h), ih - half_h)
    return View(cx, cy, scale)


def ease(p: float) -> float:
    """Ease in and out: a move starts and ends at rest, so a shot can hold its last view
    under the next one's crossfade without a jolt."""
    return (1 - math.cos(math.pi * p)) / 2


def progress(frame: float, first: int, still_from: int) -> float:
    """How far a shot's move has come at `frame`: eased from 0 at its first frame to 1 at
    the frame before `still_from`, where the next shot starts; it holds from there on."""
    span = max(1, still_from - first - 1)
    return ease(min(1.0, max(0.0, (frame - first) / span)))


def moves(move: Move) -> bool:
    """Does the view change during the shot? A still at rest is drawn once."""
    return move.zoom[0] != move.zoom[1] or move.pan != (0.0, 0.0)


def focus_in_view(move: Move, image: tuple[int, int], frame: tuple[int, int]) -> bool:
    """Does the focal point stay inside the frame for the whole move?"""
    fx, fy = move.focus[0] * image[0], move.focus[1] * image[1]
    for step in range(11):
        v = view_at(move, image, frame, step / 10)
        if abs(fx - v.cx) > frame[0] / v.scale / 2 or abs(fy - v.cy) > frame[1] / v.scale / 2:
            return False
    return True
