"""SegmentJobs: what each section's video needs, keyed by a hash of exactly that.

The key covers every input that changes a segment's pixels (image bytes, card SVG, font
files, moves, frame counts relative to the segment, the rendition, the renderer version) and
nothing else: narration text, subtitles and audio are not in it, so editing them encodes
no frames.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path

from pipeline import __version__
from pipeline.base.cache import file_digest, key
from pipeline.render.captions import Caption
from pipeline.render.rendition import Rendition
from pipeline.script.model import Card, Essay, Still, Visual
from pipeline.timing.timeline import Timeline

# Bump when the frames produced for the same inputs change (motion maths, colour, blending).
RENDERER_VERSION = 4


@dataclass(frozen=True)
class ShotInSegment:
    visual: Visual
    first: int  # frames relative to the segment's first frame; may be negative
    end: int  # exclusive; may lie beyond the segment
    fade: int  # crossfade-in length in frames
    still_from: int  # its move has ended here; from here on it holds its last view

    @property
    def held(self) -> bool:
        """Only its still end shows in this segment (it comes from the section before)."""
        return self.still_from <= 0


@dataclass(frozen=True)
class SegmentJob:
    section: str
    index: int
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
    def fps(self) -> int:
        return self.renditions[0].fps


def plan_segments(
    essay: Essay,
    timeline: Timeline,
    renditions: tuple[Rendition, ...],
    captions: tuple[Caption, ...] = (),
) -> list[SegmentJob]:
    """One job per section, drawn at the first rendition's size and encoded at each;
    `captions` (absolute frames) are burned into the ones they cross."""
    jobs = []
    for span in timeline.sections:
        at = span.first_frame
        shots = tuple(
            ShotInSegment(
                s.visual, s.first_frame - at, s.end_frame - at, s.fade_frames, s.still_from - at
            )
            for s in timeline.shots
            if s.first_frame < span.end_frame and s.end_frame > at
        )
        frames = span.end_frame - span.first_frame
        fonts = essay.settings.fonts
        burned = tuple(
            Caption(c.first - span.first_frame, c.end - span.first_frame, c.svg)
            for c in captions
            if c.first < span.end_frame and c.end > span.first_frame
        )
        pixels = _key(frames, shots, renditions[0], fonts, burned)
        keys = tuple(pixels if r is renditions[0] else key(pixels, asdict(r)) for r in renditions)
        jobs.append(SegmentJob(span.id, span.index, frames, shots, renditions, fonts, keys, burned))
    return jobs


def _key(
    frames: int, shots: tuple[ShotInSegment, ...], rendition: Rendition, fonts, captions
) -> str:
    return key(
        [RENDERER_VERSION, __version__],
        asdict(rendition),
        frames,
        [file_digest(f) for f in fonts],
        [_placed(s) for s in shots],
        [[c.first, c.end, c.svg] for c in captions],
    )


def _placed(shot: ShotInSegment) -> dict:
    """A shot's part of the key. A held shot from the section before shows only its last
    view, so its key leaves out where it started: a longer section before changes nothing."""
    if shot.held:
        return {"held": True, "end": shot.end, **_visual(shot.visual)}
    place = {"first": shot.first, "end": shot.end, "fade": shot.fade, "still_from": shot.still_from}
    return place | _visual(shot.visual)


def _visual(visual: Visual) -> dict:
    if isinstance(visual, Still):
        return {
            "still": file_digest(visual.image),
            "move": visual.move.model_dump(),
            "overlay": visual.overlay_svg,
        }
    assert isinstance(visual, Card)
    return {"card": visual.svg}
