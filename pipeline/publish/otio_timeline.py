"""The episode as an OpenTimelineIO timeline, for an editor who finishes it in DaVinci
Resolve (or anything else that reads .otio): the pictures, the captions over stills, the
narration takes, the music, and the chapters, placed where the Timeline placed them.

Pure: it makes the otio objects from the Essay, the Timeline and the pictures' files; the
caller writes them. Video times are frames at the series' rate; sound is at 48000, the
Timeline's own sample clock, so a take's source range is exact to the sample.

OTIO's transitions take no time of their own: the cut between two clips sits where the
incoming shot starts to fade in (its `first_frame`) and the dissolve lies after the cut
(in_offset 0, out_offset the fade), over the outgoing still's tail. So each clip's range in
its track is [first_frame, next first_frame), and with its tail handle it shows until
`end_frame`, exactly as the renderer draws it.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

import numpy as np
import opentimelineio as otio
from PIL import Image

from pipeline.audio.music import LOOP_CROSSFADE, MusicTrack
from pipeline.base.ffmpeg import SAMPLE_RATE
from pipeline.kinds import kind_of
from pipeline.script.model import Essay
from pipeline.timing.spans import MusicSpan, NarrationClip, ShotSpan, SoundClip
from pipeline.timing.timeline import Timeline
from pipeline.visuals.cards import rasterise

RT = otio.opentime.RationalTime
TR = otio.opentime.TimeRange
DISSOLVE = otio.schema.TransitionTypes.SMPTE_Dissolve
# metadata of ours lives under one key, as OTIO asks of every application
KEY = "essay"

# a shot's file, metadata and first second in the file, or none
Media = Callable[[ShotSpan], tuple[Path, dict, float] | None]


def otio_timeline(
    essay: Essay,
    timeline: Timeline,
    music: Sequence[MusicTrack],
    cards: Mapping[str, Path],
    overlays: Mapping[str, Path],
) -> otio.schema.Timeline:
    """The episode's timeline. `cards` and `overlays`: the PNG of each card shot and of each
    still's caption, by shot name, where the editor will find them."""
    fps, shots = float(timeline.fps), timeline.shots  # OTIO's rates are floats: 23.976 is known
    made = otio.schema.Timeline(name=essay.meta.title, global_start_time=RT(0, fps))
    made.metadata[KEY] = _about(essay, timeline)
    made.tracks.append(_video("Pictures", shots, fps, lambda s: _picture(s, cards)))
    if overlays:  # the captions and credits drawn over stills, transparent around them
        made.tracks.append(_video("Overlays", shots, fps, lambda s: _overlay(s, overlays)))
    made.tracks.append(_narration(timeline.narration, essay))
    if timeline.clip_sound:  # the films that speak: their sound, where their picture is
        made.tracks.append(_clip_sound(timeline.clip_sound))
    ducking = essay.settings.ducking.model_dump(mode="json")  # the mix's, which .otio lacks
    for k, spans in enumerate(_lanes(timeline.music)):
        name = f"Music {k + 1}" if k else "Music"
        made.tracks.append(_music(name, spans, music, ducking))
    for chapter, section in zip(timeline.chapters, timeline.sections, strict=True):
        start = RT(section.first_frame, fps)
        made.tracks.markers.append(otio.schema.Marker(
            name=chapter.title, marked_range=TR(start, RT(1, fps)),
            color=otio.schema.MarkerColor.BLUE, metadata={KEY: {"section": section.id}},
        ))  # fmt: skip
    return made


def _about(essay: Essay, timeline: Timeline) -> dict:
    video = essay.settings.video
    first = timeline.shots[0].fade_frames if timeline.shots else 0
    return {
        "slug": essay.meta.slug,
        "series": essay.meta.series,
        "episode": essay.meta.episode,
        "fps": float(timeline.fps),
        "frames": timeline.frames,
        "size": [video.width, video.height],
        # also the track's first transition; said here for tools that drop it
        "fade_from_black_frames": first,
        "subtitles": f"{essay.meta.slug}.srt",
    }


# --- pictures ---------------------------------------------------------------------------


def _video(name: str, shots: Sequence[ShotSpan], fps: float, media: Media) -> otio.schema.Track:
    """One item per shot (a clip, or a gap where `media` has none for it); a dissolve
    before each shot that fades in, when something on this track fades."""
    track = otio.schema.Track(name, kind=otio.schema.TrackKind.Video)
    before = None
    for shot, cut in zip(shots, _cuts(shots), strict=True):
        if cut == shot.first_frame:  # a shot with no frame of its own (nor a fade)
            continue
        here = media(shot)
        if shot.fade_frames and (here or before):
            track.append(otio.schema.Transition(
                name=f"{shot.name} in", transition_type=DISSOLVE,
                in_offset=RT(0, fps), out_offset=RT(shot.fade_frames, fps),
            ))  # fmt: skip
        length = RT(cut - shot.first_frame, fps)
        if here is None:
            track.append(otio.schema.Gap(duration=length))
        else:
            file, about, start = here
            track.append(otio.schema.Clip(
                name=shot.name, media_reference=_reference(file),
                source_range=TR(RT(round(start * fps), fps), length), metadata={KEY: about},
            ))  # fmt: skip
        before = here
    return track


def _cuts(shots: Sequence[ShotSpan]) -> list[int]:
    """Where each shot's clip ends: at the next shot's cut (its fade lies in this one's tail
    handle); the last at its end."""
    return [s.first_frame for s in shots[1:]] + ([shots[-1].end_frame] if shots else [])


def _picture(shot: ShotSpan, cards: Mapping[str, Path]) -> tuple[Path, dict, float] | None:
    """The shot's file, what to say of it, and where in the file it starts (seconds); a
    picture the export drew (a card) by its shot name; none when there is neither."""
    told = kind_of(shot.visual).editorial(shot.visual, shot.still_from - shot.first_frame, 0)
    file = told.file or cards.get(shot.name)
    return (file, {**_shot(shot), **told.about}, told.start) if file else None


def _overlay(shot: ShotSpan, overlays: Mapping[str, Path]) -> tuple[Path, dict, float] | None:
    if shot.name not in overlays:
        return None
    return overlays[shot.name], {**_shot(shot), "kind": "overlay"}, 0.0


def _shot(shot: ShotSpan) -> dict:
    return {
        "shot": shot.name,
        "first_frame": shot.first_frame,
        "end_frame": shot.end_frame,
        "fade_frames": shot.fade_frames,
    }


def _reference(file: Path, available: otio.opentime.TimeRange | None = None):
    return otio.schema.ExternalReference(
        target_url=file.resolve().as_uri(), available_range=available
    )


# --- sound --------------------------------------------------------------------------------


def _narration(clips: Sequence[NarrationClip], essay: Essay) -> otio.schema.Track:
    """Each section's take: the samples of its file it keeps, where it sits."""
    track = otio.schema.Track("Narration", kind=otio.schema.TrackKind.Audio)
    at = 0
    for clip in clips:
        _gap_to(track, at, clip.start)
        section = essay.sections[clip.section]
        length = clip.source_out - clip.source_in
        track.append(otio.schema.Clip(
            name=f"{section.id} take", media_reference=_reference(clip.source),
            source_range=TR(RT(clip.source_in, SAMPLE_RATE), RT(length, SAMPLE_RATE)),
            metadata={KEY: {"section": section.id, "fade_ms": clip.fade_ms}},
        ))  # fmt: skip
        at = clip.end
    return track


def _clip_sound(clips: Sequence[SoundClip]) -> otio.schema.Track:
    """The clip bus: each speaking clip's sound, its source range in seconds of its file."""
    track = otio.schema.Track("Clips", kind=otio.schema.TrackKind.Audio)
    at = 0
    for clip in clips:
        _gap_to(track, at, clip.start)
        track.append(otio.schema.Clip(
            name=f"{clip.shot} sound", media_reference=_reference(clip.source),
            source_range=TR(RT(round(clip.source_in * SAMPLE_RATE), SAMPLE_RATE),
                            RT(clip.length, SAMPLE_RATE)),
            metadata={KEY: {"shot": clip.shot, "level": clip.level}},
        ))  # fmt: skip
        at = clip.start + clip.length
    return track


def _gap_to(track: otio.schema.Track, at: int, start: int) -> None:
    if start > at:
        track.append(otio.schema.Gap(duration=RT(start - at, SAMPLE_RATE)))


def _lanes(spans: Sequence[MusicSpan]) -> list[list[MusicSpan]]:
    """Music parts may overlap (a cue over the bed): each lane holds parts that do not."""
    lanes: list[list[MusicSpan]] = []
    for span in sorted(spans, key=lambda s: s.start):
        lane = next((lane for lane in lanes if lane[-1].end <= span.start), None)
        if lane is None:
            lanes.append(lane := [])
        lane.append(span)
    return lanes


def _music(
    name: str, spans: Sequence[MusicSpan], music: Sequence[MusicTrack], ducking: dict
) -> otio.schema.Track:
    track = otio.schema.Track(name, kind=otio.schema.TrackKind.Audio)
    at = 0
    for span in spans:
        _gap_to(track, at, span.start)
        for item in _music_items(span, music[span.part], ducking):
            track.append(item)
        at = span.end
    return track


def _music_items(span: MusicSpan, track: MusicTrack, ducking: dict) -> list:
    """The file from its start; a loop as repeats of it, each fading into the next over the
    file's last second, as the mix blends them."""
    part, whole = track.part, TR(RT(0, SAMPLE_RATE), RT(track.length, SAMPLE_RATE))
    about = {
        "level_lufs": part.level,
        "gain_db": round(20 * float(np.log10(track.gain)), 2),
        "fade_in": part.fade_in,
        "fade_out": part.fade_out,
        "loop": part.loop,
        "ducking": ducking,  # under the narration; the editor redoes it
    }
    seam = round(LOOP_CROSSFADE * SAMPLE_RATE)
    period = track.length - seam if part.loop else track.length
    items, pos = [], span.start
    while pos < span.end:
        length = min(period, span.end - pos)
        if items:
            items.append(otio.schema.Transition(
                name="loop", transition_type=DISSOLVE, in_offset=RT(0, SAMPLE_RATE),
                out_offset=RT(min(seam, length), SAMPLE_RATE),
            ))  # fmt: skip
        items.append(otio.schema.Clip(
            name=part.file.name, media_reference=_reference(part.file, whole),
            source_range=TR(RT(0, SAMPLE_RATE), RT(length, SAMPLE_RATE)),
            metadata={KEY: about},
        ))  # fmt: skip
        pos += length
    return items


def for_fcp7(made: otio.schema.Timeline, fps: float) -> otio.schema.Timeline:
    """A copy FCP 7 XML can hold: every time in whole frames (its timecode knows no 48000),
    and every file saying how much of it there is: the stretch its clips use, with their
    handles, where the .otio leaves it unsaid (a still has no length)."""
    copy = made.deepcopy()
    frames = lambda t: RT(round(t.rescaled_to(fps).value), fps)  # noqa: E731
    span = lambda r: TR(frames(r.start_time), frames(r.duration))  # noqa: E731
    for track in copy.tracks:
        for item in track:
            if isinstance(item, otio.schema.Transition):
                item.in_offset, item.out_offset = frames(item.in_offset), frames(item.out_offset)
            else:
                item.source_range = span(item.source_range)
        for clip in track.find_clips(shallow_search=True):
            ref, tail = clip.media_reference, track.handles_of_child(clip)[1]
            end = clip.source_range.end_time_exclusive() + (tail or RT(0, fps))
            used = TR(RT(0, fps), end)
            ref.available_range = used if ref.available_range is None else span(ref.available_range)
    return copy


# --- the pictures' files --------------------------------------------------------------------


def picture_png(svg: str, fonts: Sequence[Path], size: tuple[int, int], opaque: bool) -> bytes:
    """A card as the video shows it (`opaque`: its transparent parts black), or an overlay
    with its transparency kept, for a track above the stills."""
    rgba = rasterise(svg, fonts, size)
    picture = Image.fromarray(rgba)  # (h, w, 4): RGBA
    if opaque:
        black = Image.new("RGBA", picture.size, (0, 0, 0, 255))
        picture = Image.alpha_composite(black, picture).convert("RGB")
    out = io.BytesIO()
    picture.save(out, "PNG")
    return out.getvalue()


def card_shots(timeline: Timeline) -> dict[str, str]:
    """The SVG of each card shot, by shot name."""
    return {name: card.svg for name, card in timeline.cards.items()}


def overlay_shots(timeline: Timeline) -> dict[str, str]:
    """The SVG drawn over each shot that has a caption or credit, by shot name."""
    told = {
        s.name: kind_of(s.visual).editorial(s.visual, 0, float(timeline.fps))
        for s in timeline.shots
    }
    return {name: about.overlay for name, about in told.items() if about.overlay is not None}
