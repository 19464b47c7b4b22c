"""SegmentJobs: the pieces of the episode's video, each keyed by a hash of exactly what
makes its pixels.

The video is cut where a cut costs no neighbour anything: each shot's own frames are one
piece, and each crossfade (and the fade from black) another, whose key covers both shots
it blends. So a still swapped re-encodes the frames that show it and no more. A key holds
no time on the episode's clock, only what the piece shows (image bytes, card SVG, font
files, a move and the length it runs over, frame counts, the rendition, the renderer
version): a longer take before it moves a piece without changing it. Narration text,
subtitles and audio are not in it, so editing them encodes no frames.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

from pipeline import __version__
from pipeline.base.cache import file_digest, key
from pipeline.kinds import kind_of
from pipeline.render.captions import Caption
from pipeline.render.rendition import Rendition
from pipeline.script.model import Essay, Visual
from pipeline.script.settings import Rate
from pipeline.timing.timeline import ShotSpan, Timeline

# Bump when the frames produced for the same inputs change (motion maths, colour, blending).
RENDERER_VERSION = 6


@dataclass(frozen=True)
class ShotInSegment:
    visual: Visual
    first: int  # frames relative to the segment's first frame; may be negative
    end: int  # exclusive; may lie beyond the segment
    fade: int  # crossfade-in length in frames
    still_from: int  # its move has ended here; from here on it holds its last view


@dataclass(frozen=True)
class SegmentJob:
    name: str  # the shot ("growth.2"), or a crossfade ("growth.1 > growth.2", "black > intro.1")
    section: str  # the section it shows (a crossfade's: the shot it fades into)
    at: int  # its first frame on the episode's clock (not in its key)
    frames: int
    shots: tuple[ShotInSegment, ...]  # in order of first frame
    renditions: tuple[Rendition, ...]  # the first is the size the frames are drawn at
    fonts: tuple[Path, ...]
    keys: tuple[str, ...]  # one a rendition
    captions: tuple[Caption, ...] = ()  # burned-in subtitles, frames relative to the segment

    @property
    def size(self) -> tuple[int, int]:
        return self.renditions[0].size

    @property
    def fps(self) -> Rate:
        return self.renditions[0].fps


@dataclass(frozen=True)
class _Piece:
    shot: int  # index in the timeline's shots
    first: int  # on the episode's clock
    end: int  # exclusive
    fade: bool  # the shot's fade-in (under it, the shot before or black)


def plan_segments(
    essay: Essay,
    timeline: Timeline,
    renditions: tuple[Rendition, ...],
    captions: tuple[Caption, ...] = (),
) -> list[SegmentJob]:
    """A job a piece, in the order they play, drawn at the first rendition's size and
    encoded at each; `captions` (absolute frames) are burned into the ones they cross."""
    shots, fonts = timeline.shots, essay.settings.fonts
    digests = [file_digest(f) for f in fonts]
    common = [[RENDERER_VERSION, __version__], asdict(renditions[0]), digests]
    sections = {span.index: span.id for span in timeline.sections}
    jobs = []
    for piece in _pieces(shots):
        at, frames = piece.first, piece.end - piece.first
        burned = tuple(
            Caption(c.first - at, c.end - at, c.svg)
            for c in captions
            if c.first < piece.end and c.end > at
        )
        pixels = key(common, _shown(piece, shots), [[c.first, c.end, c.svg] for c in burned])
        keys = tuple(pixels if r is renditions[0] else key(pixels, asdict(r)) for r in renditions)
        jobs.append(SegmentJob(
            _name(piece, shots), sections[shots[piece.shot].section], at, frames,
            _placed(piece, shots), renditions, fonts, keys, burned,
        ))  # fmt: skip
    return jobs


def _pieces(shots: Sequence[ShotSpan]) -> list[_Piece]:
    """Each shot's fade-in, then its own frames up to the next shot's first: together, every
    frame of the episode once. A hard cut has no fade-in piece."""
    pieces = []
    for k, shot in enumerate(shots):
        own = shot.first_frame + shot.fade_frames
        if shot.fade_frames:
            pieces.append(_Piece(k, shot.first_frame, own, fade=True))
        if own < shot.still_from:
            pieces.append(_Piece(k, own, shot.still_from, fade=False))
    return pieces


def _placed(piece: _Piece, shots: Sequence[ShotSpan]) -> tuple[ShotInSegment, ...]:
    """The shots the piece shows, placed relative to its first frame, as compose draws them."""
    return tuple(
        ShotInSegment(
            s.visual,
            s.first_frame - piece.first,
            s.end_frame - piece.first,
            s.fade_frames,
            s.still_from - piece.first,
        )
        for s in shots
        if s.first_frame < piece.end and s.end_frame > piece.first
    )


def _name(piece: _Piece, shots: Sequence[ShotSpan]) -> str:
    if not piece.fade:
        return shots[piece.shot].name
    under = shots[piece.shot - 1].name if piece.shot else "black"
    return f"{under} > {shots[piece.shot].name}"


def _shown(piece: _Piece, shots: Sequence[ShotSpan]) -> dict:
    """What the piece's pixels are made of, in the shot's own frames. A shot that moves
    depends on the length its move runs over and on where in it the piece starts; a picture
    at rest on its frame count alone, so it is reused at any offset."""
    shot = shots[piece.shot]
    frames = piece.end - piece.first
    shown = {"frames": frames, "shot": _visual(shot.visual)}
    if _moving(shot.visual):
        shown |= {"move_frames": shot.still_from - shot.first_frame,
                  "from": piece.first - shot.first_frame}  # fmt: skip
    if piece.fade:
        shown["fade"] = shot.fade_frames
        shown["under"] = _held(shots[piece.shot - 1]) if piece.shot else "black"
    return shown


def _held(shot: ShotSpan) -> dict:
    """A shot under the next one's fade-in holds its last view (a still's, a clip's last
    frame), whatever its length."""
    return _visual(shot.visual)


def _moving(visual: Visual) -> bool:
    return kind_of(visual).moves(visual)


def _visual(visual: Visual) -> dict:
    return {visual.kind: kind_of(visual).pixels(visual)}
