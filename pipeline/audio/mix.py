"""The episode's sound: takes on the video clock, room tone in the pauses, music ducked
under the voice, brought to the loudness target under the true-peak ceiling.

The voice (each take at its level, room tone in the gaps) is written once to a mono stem
file, reading one take at a time; the mix is then rendered block by block from it, so a
long episode never sits in memory whole: one pass measures it, a second applies gain and
the limiter and writes it out.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from pipeline.audio.clip_sound import clip_samples
from pipeline.audio.loudness import LIMIT_CONTEXT, integrated, limit, measure_stream
from pipeline.audio.music import MusicTrack
from pipeline.audio.takes import Take, read_clips
from pipeline.base.ffmpeg import SAMPLE_RATE
from pipeline.script.settings import Audio, Ducking
from pipeline.timing import envelope
from pipeline.timing.spans import SoundClip
from pipeline.timing.timeline import Timeline

BLOCK = 10 * SAMPLE_RATE  # samples rendered at a time
ROOM_TONE_OVERLAP = 0.05  # seconds a room-tone loop overlaps itself at each repeat
CODEC_HEADROOM = 0.5  # dB under the ceiling: lossy encoders overshoot the PCM's peaks a little


@dataclass(frozen=True)
class _Music:
    track: MusicTrack
    samples: np.ndarray  # int16 (n, 2)
    start: int
    end: int


@dataclass(frozen=True)
class _Clip:
    samples: np.ndarray  # float32 (n, 2), levelled and faded at both ends
    start: int


@dataclass(frozen=True)
class MixPlan:
    length: int  # samples: exactly the video's frames
    voice: Path  # the voice stem: mono float32, `length` samples
    music: tuple[_Music, ...]
    duck: np.ndarray  # music gain in dB per envelope hop (0 free, -duck under speech)
    clips: tuple[_Clip, ...] = ()  # the clip bus: films that speak


def plan_mix(
    timeline: Timeline,
    takes: Mapping[str, Take],
    music: Sequence[MusicTrack],
    audio: Audio,
    ducking: Ducking,
    stem: Path,
    exact: bool = True,
) -> MixPlan:
    """Write the voice stem to `stem`, each take and room-tone fill where the timeline puts
    it; `exact` False (a draft) levels the takes by a quick estimate."""
    length = timeline.samples
    clips = timeline.narration
    with _Stem(stem, length) as voice:
        gains: dict[int, float] = {}  # by section: a take cut in pieces is levelled whole
        pieces = zip(clips, read_clips(clips), strict=True)
        for section, group in itertools.groupby(pieces, key=lambda piece: piece[0].section):
            taken = list(group)
            gains[section] = _level(np.concatenate([s for _, s in taken]), audio, exact)
            for clip, samples in taken:
                voice.add(clip.start, samples, gains[section])
        for fill in timeline.room_tone:
            tone = takes[timeline.sections[fill.section].id].room_tone
            voice.add(fill.start, _loop_tone(tone, fill.length, audio.fade), gains[fill.section])
    placed = tuple(_placed(music[span.part], span.start, span.end) for span in timeline.music)
    mask = _speech_on_clock(timeline)
    clips = tuple(_clip(clip, audio, exact) for clip in timeline.clip_sound)
    return MixPlan(length, stem, placed, duck_curve(mask, ducking), clips)


def _clip(clip: SoundClip, audio: Audio, exact: bool) -> _Clip:
    """A film's sound brought to the narration's loudness, then by its own `level`, faded
    in and out over the narration's fade so its edges do not click."""
    samples = clip_samples(clip).astype(np.float32) / 32768
    gain = _db(audio.loudness - integrated(samples.mean(axis=1), exact))
    edge = _fade(np.arange(len(samples)), audio.fade * SAMPLE_RATE)
    edge = edge * _fade(len(samples) - 1 - np.arange(len(samples)), audio.fade * SAMPLE_RATE)
    shaped = samples * (edge * gain * _db(clip.level)).astype(np.float32)[:, None]
    return _Clip(shaped.astype(np.float32), clip.start)


class _Stem:
    """A mono float32 file of `length` samples, silent until sound is added to it."""

    def __init__(self, path: Path, length: int):
        self.path, self.length = path, length

    def __enter__(self) -> _Stem:
        self.file = self.path.open("w+b")
        self.file.truncate(self.length * 4)  # sparse: silence costs nothing
        return self

    def __exit__(self, *exc) -> None:
        self.file.close()

    def add(self, start: int, samples: np.ndarray, gain: float) -> float:
        """Mix int16 `samples` in at `start`, times `gain` (returned)."""
        lo, hi = max(0, start), min(self.length, start + len(samples))
        if lo < hi:
            self.file.seek(lo * 4)
            there = np.frombuffer(self.file.read((hi - lo) * 4), dtype="<f4")
            part = samples[lo - start : hi - start] * np.float32(gain / 32768)
            self.file.seek(lo * 4)
            self.file.write((there + part).astype("<f4").tobytes())
        return gain


def _level(samples: np.ndarray, audio: Audio, exact: bool) -> float:
    """The gain that brings a take to the loudness target."""
    return _db(audio.loudness - integrated(samples.astype(np.float32) / 32768, exact))


def _db(value: float) -> float:
    return 10 ** (value / 20)


def _loop_tone(tone, n: int, fade: float) -> np.ndarray:
    """`n` samples of room tone: the stretch repeated with crossfades, faded at both ends."""
    ms = round(fade * 1000)
    loop = tone
    while loop.frame_count() < n:
        loop = loop.append(tone, crossfade=round(ROOM_TONE_OVERLAP * 1000))
    stretch = loop.get_sample_slice(0, n).fade_in(ms).fade_out(ms)
    return np.frombuffer(stretch.raw_data, dtype=np.int16)


def _placed(track: MusicTrack, start: int, end: int) -> _Music:
    """A part that does not loop ends with its file, and fades out there: past it there is
    nothing to hold (a bed's span is the whole episode, however long the file)."""
    samples = track.samples()
    if not track.part.loop:
        end = min(end, start + len(samples))
    return _Music(track, samples, start, end)


def _speech_on_clock(timeline: Timeline) -> np.ndarray:
    """Where someone speaks (the narration, or a film that speaks), per envelope hop of the
    episode clock: the music ducks under both."""
    mask = np.zeros(math.ceil(timeline.samples / envelope.HOP_SAMPLES) + 1, dtype=bool)
    for start, end in timeline.speech:
        mask[start:end] = True
    for clip in timeline.clip_sound:
        first = clip.start // envelope.HOP_SAMPLES
        mask[first : first + math.ceil(clip.length / envelope.HOP_SAMPLES)] = True
    return mask


def duck_curve(mask: np.ndarray, ducking: Ducking) -> np.ndarray:
    """Music gain in dB per hop: down by `duck` under speech, with attack and release ramps.

    Pauses shorter than `hold` keep it down. It starts going down `attack` before the first
    word, so the voice never lands on full-level music.
    """
    hops = envelope.close_gaps(mask, round(ducking.hold / envelope.HOP))
    lead = max(1, round(ducking.attack / envelope.HOP))
    ahead = np.convolve(hops.astype(np.int32), np.ones(lead + 1, dtype=np.int32))[lead:]
    target = np.where(ahead[: len(hops)] > 0, -ducking.duck, 0.0)
    down = ducking.duck / lead
    rise = ducking.duck / max(1, round(ducking.release / envelope.HOP))
    out = np.empty(len(target))
    level = target[0]
    for i, want in enumerate(target):  # a slew limiter: 100 steps a second
        level = max(want, level - down) if want < level else min(want, level + rise)
        out[i] = level
    return out


def render(plan: MixPlan, a: int, b: int) -> np.ndarray:
    """The unmastered mix from sample a to b, float32 (b - a, 2); silence outside [0, length)."""
    out = np.zeros((b - a, 2), dtype=np.float32)
    lo, hi = max(a, 0), min(b, plan.length)
    if lo < hi:
        voice = np.fromfile(plan.voice, dtype="<f4", count=hi - lo, offset=lo * 4)
        out[lo - a : hi - a] += voice[:, None]
    if plan.music:
        out += _music(plan, a, b)
    for clip in plan.clips:
        lo, hi = max(a, clip.start), min(b, clip.start + len(clip.samples), plan.length)
        if lo < hi:
            out[lo - a : hi - a] += clip.samples[lo - clip.start : hi - clip.start]
    return out


def _music(plan: MixPlan, a: int, b: int) -> np.ndarray:
    out = np.zeros((b - a, 2), dtype=np.float32)
    t = np.arange(a, b)
    duck = _db_curve(np.interp(t / envelope.HOP_SAMPLES, np.arange(len(plan.duck)), plan.duck))
    for span in plan.music:
        lo, hi = max(a, span.start), min(b, span.end)
        if lo >= hi:
            continue
        pos = np.arange(lo, hi) - span.start
        samples = span.samples
        index = pos % len(samples) if span.track.part.loop else np.minimum(pos, len(samples) - 1)
        part = span.track.part
        shape = _fade(pos, part.fade_in * SAMPLE_RATE) * _fade(
            span.end - span.start - pos, part.fade_out * SAMPLE_RATE
        )
        gain = (shape * duck[lo - a : hi - a] * span.track.gain / 32768).astype(np.float32)
        out[lo - a : hi - a] += samples[index] * gain[:, None]
    return out


def _db_curve(db: np.ndarray) -> np.ndarray:
    return np.power(10.0, db / 20)


def _fade(distance: np.ndarray, length: float) -> np.ndarray:
    """0 at the edge, 1 from `length` samples in, along a smooth (raised sine) curve."""
    if length <= 0 or distance.min() >= length:
        return np.ones(1)
    x = np.clip(distance / length, 0.0, 1.0)
    return np.sin(x * np.pi / 2) ** 2


def blocks(plan: MixPlan, context: int = 0) -> Iterator[tuple[int, int, np.ndarray]]:
    """(a, b, audio of [a - context, b + context)) for consecutive blocks covering the mix."""
    for a in range(0, plan.length, BLOCK):
        b = min(plan.length, a + BLOCK)
        yield a, b, render(plan, a - context, b + context)


def finish(plan: MixPlan, audio: Audio, out: Path, measure: bool = True) -> float:
    """Write the mastered mix as raw float32 stereo; returns the gain applied, dB.

    Without `measure` (a draft), the takes' own levelling stands, the mix is not measured
    first (one pass instead of two), and peaks are only kept from clipping."""
    gain = 0.0
    if measure:
        before = measure_stream(block for _, _, block in blocks(plan))
        gain = audio.loudness - before.integrated if math.isfinite(before.integrated) else 0.0
    ceiling = audio.true_peak - CODEC_HEADROOM
    with out.open("wb") as f:
        for a, b, block in blocks(plan, LIMIT_CONTEXT):
            gained = block * np.float32(_db(gain))
            mastered = limit(gained, ceiling) if measure else np.clip(gained, -1, 1)
            f.write(mastered[LIMIT_CONTEXT : LIMIT_CONTEXT + (b - a)].astype("<f4").tobytes())
    return gain
