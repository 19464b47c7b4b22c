"""The episode's pictures: the poster (a frame of the video at its size, the author's choice
or the title card), the YouTube thumbnail (1280x720, under 2 MB) and the square cover
(3000x3000, the art the audio edition embeds)."""

from __future__ import annotations

import io
from pathlib import Path

from PIL import Image

from pipeline.base.errors import Problem
from pipeline.publish.cover import cover_jpeg, cover_recipe
from pipeline.publish.product import Product, Rendered
from pipeline.render.frames import frame_rgb, job_at
from pipeline.script.model import Essay
from pipeline.timing.timeline import Timeline

THUMBNAIL = (1280, 720)
THUMBNAIL_BYTES = 2_000_000
COVER = 3000


def poster_frame(essay: Essay, timeline: Timeline) -> int:
    """The frame on the episode's clock: the author's, or where the first card is fully in
    (the first shot's, if the episode has no card)."""
    if essay.poster:
        span = timeline.sections[essay.poster.section]
        return span.first_frame + round(essay.poster.at * timeline.fps)
    cards = [s for s in timeline.shots if s.name in timeline.cards]
    shot = cards[0] if cards else timeline.shots[0]
    return min(shot.first_frame + shot.fade_frames, shot.end_frame - 1)


def check(essay: Essay, timeline: Timeline) -> list[Problem]:
    """The author's poster time lies inside its section."""
    poster = essay.poster
    if poster is None:
        return []
    span = timeline.sections[poster.section]
    length = timeline.seconds(span.end_frame - span.first_frame)
    if poster.at * timeline.fps < span.end_frame - span.first_frame:
        return []
    return [poster.origin.problem(
        f"at {poster.at:g} s is past the end of section '{span.id}' ({length:.1f} s long); "
        "give a time inside it"
    )]  # fmt: skip


def frame_key(rendered: Rendered) -> object:
    frame = poster_frame(rendered.essay, rendered.timeline)
    job = job_at(rendered.jobs, frame)
    return [job.keys[0], frame - job.at]


def _jpeg(rendered: Rendered, size: tuple[int, int] | None, limit: int | None = None) -> bytes:
    frame = poster_frame(rendered.essay, rendered.timeline)
    picture = Image.fromarray(frame_rgb(rendered.jobs, frame))
    if size and picture.size != size:
        picture = picture.resize(size, Image.Resampling.LANCZOS)
    for quality in (90, 80, 70, 60):
        out = io.BytesIO()
        picture.save(out, "JPEG", quality=quality, optimize=True)
        if limit is None or out.tell() < limit:
            break
    return out.getvalue()


def _poster(rendered: Rendered, out: Path) -> None:
    out.write_bytes(_jpeg(rendered, None))


def _thumbnail(rendered: Rendered, out: Path) -> None:
    out.write_bytes(_jpeg(rendered, THUMBNAIL, THUMBNAIL_BYTES))


def _cover(rendered: Rendered, out: Path) -> None:
    out.write_bytes(cover_jpeg(rendered, COVER))


POSTER = Product(".jpg", frame_key, _poster, check=check, role="poster")
THUMB = Product("-thumbnail.jpg", frame_key, _thumbnail, role="thumbnail")
COVER_ART = Product("-cover.jpg", lambda r: [cover_recipe(r), COVER], _cover, role="cover")
