"""The encoded sound of an episode, mixed and encoded once per change and cached.

Its key covers every input of the mix (the takes and fills as the timeline places them,
the music files and parts, the audio and music settings, what the profile asks of the
sound); when none changed, a rebuild reuses the encoded streams and their loudness
measurements and mixes nothing.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

from pipeline import __version__
from pipeline.audio.loudness import Loudness, measure_file
from pipeline.audio.mix import finish, plan_mix
from pipeline.audio.music import MusicTrack
from pipeline.audio.takes import Take
from pipeline.base import ffmpeg
from pipeline.base.cache import SOUND, Cache, file_digest, key
from pipeline.base.runner import Runner
from pipeline.script.model import Essay
from pipeline.timing.timeline import Timeline

MIX_VERSION = 4  # bump when the same inputs would now mix differently

# One encode each, muxed or retagged as they are: the MP4 and the M4A edition carry the same
# AAC stream (a second AAC encode would cost more than the MP3 and sound no different).
AAC, MP3 = "sound.m4a", "sound.mp3"
_REPORT = "loudness.json"


@dataclass(frozen=True)
class SoundSpec:
    """What a build profile asks of the sound."""

    exact: bool  # takes levelled by a BS.1770 meter, the mix measured and limited (else:
    # a quick estimate in one pass, peaks only kept from clipping, nothing measured)
    aac_bitrate: str | None  # None: the series' `audio.bitrate`
    mp3: bool  # an MP3 stream too, for the audio edition


@dataclass(frozen=True)
class Sound:
    folder: Path
    loudness: dict[str, Loudness]  # of each stream, as delivered; empty unless exact
    reused: bool

    def path(self, stream: str) -> Path:
        return self.folder / stream


def encoded_sound(
    essay: Essay,
    timeline: Timeline,
    takes: dict[str, Take],
    music: Sequence[MusicTrack],
    spec: SoundSpec,
    cache: Cache,
    runner: Runner,
) -> Sound:
    """The streams the spec asks for: the AAC of the MP4 and the M4A, and the MP3."""
    area = cache.area(SOUND)
    name = mix_key(essay, timeline, takes, music, spec)
    found = area.get(name)
    if found and (found / _REPORT).is_file():
        return Sound(found, _read(found / _REPORT), reused=True)
    if found:  # not made by put_folder: someone else's, or damaged; made again
        shutil.rmtree(found, ignore_errors=True)

    def make(work: Path) -> None:
        streams = _encode(essay, timeline, takes, music, spec, work)
        measured = list(streams) if spec.exact else []
        loudness = runner.map(measure_file, [work / s for s in measured], workers=2)
        report = {s: asdict(m) for s, m in zip(measured, loudness, strict=True)}
        (work / _REPORT).write_text(json.dumps(report))

    folder = area.put_folder(name, make)
    return Sound(folder, _read(folder / _REPORT), reused=False)


def _encode(essay, timeline, takes, music, spec: SoundSpec, work: Path) -> list[str]:
    """Mix and encode; returns the names of the streams made."""
    settings = essay.settings
    pcm, stem = work / "mix.f32", work / "voice.f32"
    plan = plan_mix(timeline, takes, music, settings.audio, settings.ducking, stem, spec.exact)
    finish(plan, settings.audio, pcm, measure=spec.exact)
    stem.unlink()
    raw = ["-f", "f32le", "-ar", str(ffmpeg.SAMPLE_RATE), "-ac", "2", "-i", str(pcm)]
    # aac_coder fast: a third quicker than the default search, and transparent at these rates
    aac = ["-map", "0:a", "-c:a", "aac", "-aac_coder", "fast"]
    outputs = {AAC: [*aac, "-b:a", spec.aac_bitrate or settings.audio.bitrate]}
    if spec.mp3:
        mp3 = settings.audio.edition_bitrate
        outputs[MP3] = ["-map", "0:a", "-c:a", "libmp3lame", "-b:a", mp3, "-write_xing", "1"]
    # one decode, the encoders working in parallel
    ffmpeg.run(
        *raw,
        *[a for name, args in outputs.items() for a in (*args, str(work / name))],
        what="encoding the sound",
    )
    pcm.unlink()
    return list(outputs)


def _read(report: Path) -> dict[str, Loudness]:
    return {k: Loudness(**v) for k, v in json.loads(report.read_text()).items()}


def mix_key(
    essay: Essay,
    timeline: Timeline,
    takes: dict[str, Take],
    music: Sequence[MusicTrack],
    spec: SoundSpec,
) -> str:
    """Everything the mix reads: where the timeline puts each take, fill and part; the
    stretch of its file each take was measured on (its room tone and where its words are
    come from all of it); the files' bytes; the settings; what the profile asks."""
    settings = essay.settings
    return key(
        [MIX_VERSION, __version__],
        asdict(spec),
        settings.audio.model_dump(),
        settings.ducking.model_dump(),
        timeline.samples,
        [
            [file_digest(c.source), c.source_in, c.source_out, c.start, c.fade_ms]
            for c in timeline.narration
        ],
        [takes[s.id].stretch for s in essay.sections],
        [asdict(fill) for fill in timeline.room_tone],
        timeline.speech,
        [
            [file_digest(t.part.file), *_part(t), span.start, span.end]
            for t, span in zip(music, timeline.music, strict=True)
        ],
        [
            [file_digest(c.source), c.source_in, c.source_out, c.start, c.level]
            for c in timeline.clip_sound
        ],
    )


def _part(track: MusicTrack) -> list:
    part = track.part
    return [part.level, part.fade_in, part.fade_out, part.loop]
