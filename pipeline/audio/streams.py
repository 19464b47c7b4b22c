"""The encoded sound of an episode, mixed and encoded once per change and cached.

Its key covers every input of the mix (take files and offsets, where each take sits on the
clock, music files and parts, audio and music settings); when none changed, a rebuild
reuses the encoded streams and their loudness measurements and mixes nothing.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path

from pipeline import __version__, ffmpeg
from pipeline.audio.loudness import Loudness, measure_file
from pipeline.audio.mix import master, plan_mix
from pipeline.audio.music import MusicTrack
from pipeline.audio.takes import Take
from pipeline.render.plan import file_digest
from pipeline.script.model import Essay
from pipeline.timing.timeline import Timeline

MIX_VERSION = 3  # bump when the same inputs would now mix differently

# One encode each, muxed or retagged as they are: the MP4 and the M4A edition carry the same
# AAC stream (a second AAC encode would cost more than the MP3 and sound no different).
MASTER, MP3 = "master.m4a", "edition.mp3"


@dataclass(frozen=True)
class AudioStreams:
    folder: Path
    loudness: dict[str, Loudness]  # of the master and the MP3, as delivered
    reused: bool

    def path(self, name: str) -> Path:
        return self.folder / name

    def has(self, name: str) -> bool:
        return (self.folder / name).is_file()


DRAFT_BITRATE = "128k"


def audio_streams(
    essay: Essay,
    timeline: Timeline,
    takes: dict[str, Take],
    music: Sequence[MusicTrack],
    cache_root: Path,
    draft: bool = False,
) -> AudioStreams:
    """The encoded sound: the MP4's (and the M4A's) and the MP3's (a draft: the MP4's only)."""
    folder = cache_root / "audio" / mix_key(essay, timeline, music, draft)
    report = folder / "loudness.json"
    if report.is_file():
        os.utime(folder)
        return AudioStreams(folder, _read(report), reused=True)
    folder.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=".new-", dir=folder.parent))
    try:
        names = _encode(essay, timeline, takes, music, work, draft)
        measured = [] if draft else [n for n in names if n in (MASTER, MP3)]  # a draft: a look
        with ThreadPoolExecutor(2) as pool:
            loudness = dict(
                zip(measured, pool.map(measure_file, (work / n for n in measured)), strict=True)
            )
        (work / report.name).write_text(json.dumps({k: asdict(v) for k, v in loudness.items()}))
        work.rename(folder)
    except OSError:
        if not report.is_file():  # another build finished the same mix first: theirs is fine
            raise
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return AudioStreams(folder, _read(report), reused=False)


def _encode(essay, timeline, takes, music, work: Path, draft: bool) -> list[str]:
    """Mix and encode; returns the names of the streams made."""
    settings = essay.settings
    pcm, stem = work / "mix.f32", work / "voice.f32"
    plan = plan_mix(timeline, takes, music, settings.audio, settings.music, stem, not draft)
    master(plan, settings.audio, pcm, measure=not draft)
    stem.unlink()
    raw = ["-f", "f32le", "-ar", str(ffmpeg.SAMPLE_RATE), "-ac", "2", "-i", str(pcm)]
    # aac_coder fast: a third quicker than the default search, and transparent at these rates
    aac = ["-map", "0:a", "-c:a", "aac", "-aac_coder", "fast"]
    mp3 = settings.audio.edition_bitrate
    outputs = {MASTER: [*aac, "-b:a", DRAFT_BITRATE if draft else settings.audio.bitrate]}
    if not draft:
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


def mix_key(essay: Essay, timeline: Timeline, music: Sequence[MusicTrack], draft: bool) -> str:
    settings = essay.settings
    recipe = {
        "version": [MIX_VERSION, __version__],
        "draft": draft,
        "audio": settings.audio.model_dump(),
        "ducking": settings.music.model_dump(exclude={"bed", "cues"}),
        "length": [timeline.frames, timeline.fps],
        "takes": [
            [file_digest(s.narration.audio), s.narration.start, s.narration.end, span.speech_start]
            for s, span in zip(essay.sections, timeline.sections, strict=True)
        ],
        "music": [
            [
                file_digest(t.part.file),
                t.part.level,
                t.part.fade_in,
                t.part.fade_out,
                t.part.loop,
                t.part.sections,
            ]
            for t in music
        ],
        "sections": [[s.first_frame, s.end_frame] for s in timeline.sections],
    }
    return hashlib.sha256(json.dumps(recipe, sort_keys=True).encode()).hexdigest()[:32]
