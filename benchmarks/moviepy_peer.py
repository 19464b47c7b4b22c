"""MoviePy peer: the benchmark timeline rendered the way MoviePy 2.x's documentation shows.

This is the comparison point for our own renderer, not part of the pipeline. Every shot is
built from MoviePy's documented building blocks and nothing else:

- ``ImageClip(path).with_duration(d)`` for the still or the card,
- ``.with_effects([vfx.CrossFadeIn(fade)])`` for a crossfade (over the black background
  for the first shot, which is therefore a fade from black),
- ``.resized(lambda t: ...)`` and ``.with_position(lambda t: ...)`` for the Ken Burns move
  (MoviePy resizes the whole still with PIL's LANCZOS every frame and pastes it at an
  integer top-left corner),
- ``.with_start(start)``, all shots in ``CompositeVideoClip([...], size=size, bg_color=black)``,
- ``AudioFileClip`` for the narration and ``write_videofile(..., codec="libx264")``.

No custom frame function and no hand-rolled warp: whatever MoviePy costs and however it looks
(whole-pixel sizes and positions, so moves step by a pixel) is what we measure.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from moviepy import AudioFileClip, CompositeVideoClip, ImageClip, vfx

View = Callable[[float], tuple[float, float, float]]


@dataclass(frozen=True)
class PeerShot:
    """One shot on the output clock.

    ``image`` is a still (any size) or a card (PNG at the output size). The shot is visible
    on [start, end); it crossfades in over ``fade`` seconds from its start (0 = a cut), the
    previous shot still showing underneath. ``view(p)``, p in [0, 1] over the shot, gives
    (cx, cy, scale): the view's centre in original image pixels and output pixels per image
    pixel, so output pixel (x, y) shows image point (cx + (x - W/2)/scale, cy + (y - H/2)/scale).
    """

    image: Path
    start: float
    end: float
    fade: float
    view: View


def _shot_clip(shot: PeerShot, size: tuple[int, int], fps: int) -> ImageClip:
    """One shot as MoviePy clips: still, crossfade, Ken Burns resize and position, start."""
    width, height = size
    duration = shot.end - shot.start
    span = max(duration - 1.0 / fps, 1e-9)  # the last frame sits at p = 1

    def view_at(t: float) -> tuple[float, float, float]:
        return shot.view(min(max(t / span, 0.0), 1.0))  # t is the clip's own time

    clip = ImageClip(str(shot.image)).with_duration(duration)
    image_w, image_h = clip.size
    if shot.fade > 0:
        # Before the resize, so the fade mask is a constant-size ColorClip that Resize scales
        # alongside the image (after it, MoviePy would rebuild the mask by resizing the image
        # a second time every frame).
        clip = clip.with_effects([vfx.CrossFadeIn(shot.fade)])

    def new_size(t: float) -> tuple[int, int]:
        # Rounded up (MoviePy would truncate a float factor), so a view that touches the
        # still's right or bottom edge never leaves a black line.
        scale = view_at(t)[2]
        return math.ceil(image_w * scale - 1e-6), math.ceil(image_h * scale - 1e-6)

    def top_left(t: float) -> tuple[float, float]:
        cx, cy, scale = view_at(t)
        return width / 2 - cx * scale, height / 2 - cy * scale

    return clip.resized(new_size).with_position(top_left).with_start(shot.start)


def render_with_moviepy(
    shots: list[PeerShot],
    size: tuple[int, int],
    fps: int,
    audio: Path | None,
    out: Path,
    preset: str = "veryfast",
    crf: int = 20,
    threads: int | None = None,
) -> None:
    """Render ``shots`` (and ``audio``, if any) to the H.264 MP4 ``out`` with MoviePy."""
    clips = [_shot_clip(shot, size, fps) for shot in sorted(shots, key=lambda s: s.start)]
    # Later shots are composited on top (equal layer index, list order).
    video = CompositeVideoClip(clips, size=size, bg_color=(0, 0, 0))
    audio_clip = None
    try:
        if audio is not None:
            audio_clip = AudioFileClip(str(audio))
            # Trim the narration to the picture, as the pipeline's output does.
            if audio_clip.duration > video.duration:
                audio_clip = audio_clip.subclipped(0, video.duration)
            video = video.with_audio(audio_clip)
        out.parent.mkdir(parents=True, exist_ok=True)
        video.write_videofile(
            str(out),
            fps=fps,
            codec="libx264",
            preset=preset,
            ffmpeg_params=["-crf", str(crf), "-pix_fmt", "yuv420p"],
            audio_codec="aac",
            threads=threads,
            logger=None,
            temp_audiofile_path=str(out.parent),  # default is the current directory
        )
    finally:
        if audio_clip is not None:
            audio_clip.close()
        video.close()
