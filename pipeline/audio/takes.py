"""Narration takes: decoded at 48 kHz, trimmed to a margin, faded, levelled.

Checking a take measures it (length, where the words are, its room tone) and lets its
samples go: a Take says which stretch of which file it is. The mix reads the takes again,
in order, one file at a time, so no build holds a whole episode's narration in memory.
Slicing is by sample and fades are pydub's, so a take reads the same every time.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from pipeline.audio import scratch, take_cache
from pipeline.audio.heard import at_16k, hear_all, heard, section_starts, to_hear
from pipeline.audio.sources import Unheard, hear
from pipeline.base import ffmpeg
from pipeline.base.cache import ANALYSIS, Area, Cache
from pipeline.base.errors import EssayError, Problem
from pipeline.base.ffmpeg import SAMPLE_RATE
from pipeline.base.runner import Runner
from pipeline.script.model import Essay, Narration, Section
from pipeline.script.settings import Audio
from pipeline.timing import envelope
from pipeline.timing.align import Aligned, find_sections
from pipeline.timing.hearing import script_words as hearing_words
from pipeline.timing.listen import Heard
from pipeline.timing.sound import JOIN_SAMPLES
from pipeline.timing.spans import NarrationClip
from pipeline.timing.text import tokenize

with warnings.catch_warnings():  # pydub looks for a system ffmpeg on import; we give it ours
    warnings.simplefilter("ignore", RuntimeWarning)
    from pydub import AudioSegment

ROOM_TONE_SECONDS = 0.6
_DECODERS = 2
# characters of script a second of speech can carry: three times fast speech (about 20).
# A take with less speech than that is not this text read, whatever alignment would make of it
FASTEST = 60


@dataclass(frozen=True)
class Take:
    source: Path  # the narration file
    stretch: tuple[int, int]  # the samples of the decoded file that are the section's
    cut: tuple[int, int]  # the part of them it keeps, trimmed to the speech and a margin
    speech: np.ndarray  # bool per envelope hop: where words are
    levels: np.ndarray  # dBFS per envelope hop, for alignment
    room_tone: AudioSegment | None  # its quietest stretch, to fill pauses
    doubts: tuple[Problem, ...] = ()  # about its file: only its first section's take says them
    scratch: bool = False  # read by the synthetic voice, not recorded (audio/scratch.py)
    aligned: Aligned | None = None  # its section's script aligned to it, kept with the rest
    removed: tuple[tuple[int, int], ...] = ()  # samples of `cut` cut out: retakes

    @property
    def pieces(self) -> tuple[tuple[int, int], ...]:
        """The samples of the file it plays, in order: `cut` less what was removed."""
        edges = [self.cut[0], *(x for r in self.removed for x in r), self.cut[1]]
        return tuple((edges[k], edges[k + 1]) for k in range(0, len(edges), 2))

    @property
    def duration(self) -> float:
        kept = sum(b - a for a, b in self.pieces)
        return (kept + JOIN_SAMPLES * len(self.removed)) / SAMPLE_RATE


def read_clips(clips: Sequence[NarrationClip]) -> Iterator[np.ndarray]:
    """Each clip's samples (int16, faded), in order; a file that consecutive clips share is
    decoded once, and only one file is held at a time."""
    path, source = None, None
    for clip in clips:
        if clip.source != path:
            path, source = clip.source, None  # let the last file go before decoding the next
            source = decode(path)
        stretch = source.get_sample_slice(clip.source_in, clip.source_out)
        shaped = stretch.fade_in(clip.fade_ms).fade_out(clip.fade_ms)
        yield np.frombuffer(shaped.raw_data, dtype=np.int16)


def load_takes(essay: Essay, runner: Runner, cache: Cache) -> dict[str, Take]:
    """One take per section id. Raises EssayError naming every take that cannot be used.

    Sections that share a file (one take of the whole episode) are cut from it at their
    `start`; where none is given, alignment finds it. Files are decoded two at a time, a
    little ahead of their use, and let go as soon as their sections are cut, so a long
    episode never holds every source at once; a file measured before is not decoded.
    """
    voiced, problems = _voiced(essay, cache)
    by_file: dict[Path | tuple[Path, str], list[Section]] = {}
    for section in voiced:
        # a scratch take is its section's alone, even where two say the same words
        kept = (section.narration.audio, section.id) if section.narration.scratch else None
        by_file.setdefault(kept or section.narration.audio, []).append(section)
    area, takes = cache.area(ANALYSIS), {}
    names = {id(g): take_cache.group_key(essay, g) for g in by_file.values()}
    groups = [g for g in by_file.values() if not _recalled(area, names[id(g)], g, takes)]
    decoded = runner.stream(_decode, [g[0].narration for g in groups], ahead=_DECODERS)
    cut, listenings = [], []
    for sections, source in zip(groups, decoded, strict=True):
        if isinstance(source, Problem):
            problems.append(source)
        elif _cut(source, sections, essay, area, takes, problems, listenings):
            cut.append(sections)
        del source  # let it go once cut: what is to be heard is kept, at a third of the rate
    _heard(essay, runner, area, takes, listenings)
    for sections in cut:
        take_cache.remember(area, names[id(sections)], [_fields(takes[s.id]) for s in sections])
    if problems:
        raise EssayError(problems)
    return {s.id: replace(takes[s.id], scratch=s.narration.scratch) for s in voiced}


def _heard(essay: Essay, runner: Runner, area: Area, takes: dict, listenings: list) -> None:
    """Each take cut heard against its script (all at once, a core each), and aligned; what
    it says is kept by its sound, so an edit of its text hears again only what it touched."""
    found = iter(hear_all(runner, [x for _, x in listenings if x is not None]))
    for section, listening in listenings:
        hearing = next(found) if listening is not None else None
        take = takes[section.id]
        if listening is not None and listening.words is None and hearing.words:
            said = hearing_words(listening.tokens)
            take_cache.remember_heard(area, take_cache.heard_key(take.source, take.cut), said,
                                      hearing.words)  # fmt: skip
        takes[section.id] = heard(take, section, essay, hearing)


def _voiced(essay: Essay, cache: Cache) -> tuple[list[Section], list[Problem]]:
    """The sections, each scratch one given its synthesised take (from the cache, or made
    now): from here on it is measured and aligned as a recorded take is."""
    sections, problems = [], []
    for section in essay.sections:
        narration = section.narration
        if narration.scratch:
            try:
                made = scratch.voiced(narration.text, essay.settings.scratch, cache)
            except scratch.VoiceError as err:
                problems.append(narration.origin.problem(str(err)))
                continue
            section = replace(section, narration=replace(narration, audio=made.wav))
        sections.append(section)
    return sections, problems


def _recalled(area: Area, name: str, sections: list[Section], takes: dict) -> bool:
    measured = take_cache.recall(area, name)
    if measured is None or len(measured) != len(sections):
        return False
    for section, fields in zip(sections, measured, strict=True):
        tone = fields["tone"]
        room = AudioSegment(tone.tobytes(), sample_width=2, frame_rate=SAMPLE_RATE, channels=1)
        takes[section.id] = Take(
            source=section.narration.audio,
            stretch=tuple(int(x) for x in fields["stretch"]),
            cut=tuple(int(x) for x in fields["cut"]),
            speech=fields["speech"],
            levels=fields["levels"],
            room_tone=room if len(tone) else None,
            doubts=_doubts(section, [str(m) for m in fields["doubts"]]),
            aligned=Aligned(
                tuple(fields["starts"].tolist()),
                tuple(fields["ends"].tolist()),
                tuple(str(m) for m in fields["unsure"]),
                tuple(str(m) for m in fields["cuts"]),
                tuple((float(a), float(b)) for a, b in fields["unscripted"].reshape(-1, 2)),
            ),
            removed=tuple((int(a), int(b)) for a, b in fields["removed"].reshape(-1, 2)),
        )
    return True


def _doubts(section: Section, messages: list[str]) -> tuple[Problem, ...]:
    """Warnings about a file, against the key that names it (as it is written now)."""
    return tuple(section.narration.origin.problem(m, warning=True) for m in messages)


def _fields(take: Take) -> dict[str, np.ndarray]:
    tone = take.room_tone
    samples = np.frombuffer(tone.raw_data, dtype=np.int16) if tone else np.zeros(0, np.int16)
    return {
        "stretch": np.array(take.stretch),
        "cut": np.array(take.cut),
        "speech": take.speech,
        "levels": take.levels,
        "tone": samples,
        "doubts": np.array([d.message for d in take.doubts], dtype=str),
        "starts": np.array(take.aligned.starts, dtype=np.float64),
        "ends": np.array(take.aligned.ends, dtype=np.float64),
        "unsure": np.array(take.aligned.doubts, dtype=str),
        "cuts": np.array(take.aligned.cuts, dtype=str),
        "unscripted": np.array(take.aligned.unscripted, dtype=np.float64).reshape(-1, 2),
        "removed": np.array(take.removed, dtype=np.int64).reshape(-1, 2),
    }


def _cut(
    source: _Source,
    sections: list[Section],
    essay: Essay,
    area: Area,
    takes: dict,
    problems: list,
    listenings: list,
) -> bool:
    """Each section's take, from its file, and what to hear of it (into `listenings`);
    False if any cannot be used. The file's doubts go with the first section's take, so
    they are said once."""
    known = len(problems)
    at16 = at_16k(sections, essay)
    spans, words = _spans(source.audio, at16, sections, essay)
    for section, (start, end) in zip(sections, spans, strict=True):
        narration = section.narration
        try:
            stretch = _stretch(source.audio, start, end)
            take = prepare(source.audio, stretch, narration.audio, essay.settings.audio)
            take = _paced(take, narration.text)
            takes[section.id] = take
            before = take_cache.recall_heard(area, take_cache.heard_key(take.source, take.cut))
            listenings.append((section, to_hear(take, at16, section, essay, words, before)))
        except TakeProblem as err:
            origin = narration.offsets if err.about_offsets else narration.origin
            problems.append(origin.problem(str(err)))
    first = sections[0].id
    if first in takes:
        takes[first] = replace(takes[first], doubts=_doubts(sections[0], source.doubts))
    return len(problems) == known


def _paced(take: Take, text: str) -> Take:
    """The take, if it has speech enough to say its text. Raises TakeProblem."""
    speech, script = float(take.speech.sum()) * envelope.HOP, len(text)
    if script <= speech * FASTEST:
        return take
    raise TakeProblem(
        f"the take has {speech:.1f} s of speech for the {script} characters of its text "
        f"({script / max(speech, envelope.HOP):.0f} a second, where fast speech is about 20): "
        "it is cut short, or another section's; record the section again, or name its own take"
    )


def _spans(
    source: AudioSegment, at16: np.ndarray | None, sections: list[Section], essay: Essay
) -> tuple[list[tuple[float, float | None]], list[Heard] | None]:
    """(start, end) of each section in a file, and what was heard in it where it holds
    several: starts nobody gave are found by each section's first words, else by pauses."""
    starts: list[float | None] = [s.narration.start for s in sections]
    words = None
    if None in starts:
        listened = section_starts(at16, sections, essay)
        if listened is not None:
            starts = [given if given is not None else at
                      for given, at in zip(starts, listened[0], strict=True)]  # fmt: skip
            words = listened[1]
    if None in starts:
        samples = np.frombuffer(source.raw_data, dtype=np.int16).astype(np.float32) / 32768
        longest = essay.settings.subtitles.max_line_chars
        texts = [tokenize(s.narration.text, longest) for s in sections]
        found = find_sections(texts, envelope.levels(samples))
        starts = [given if given is not None else at
                  for given, at in zip(starts, found, strict=True)]  # fmt: skip
    ends = [s.narration.end for s in sections]
    ends = [
        end if end is not None else (starts[k + 1] if k + 1 < len(starts) else None)
        for k, end in enumerate(ends)
    ]
    return list(zip(starts, ends, strict=True)), words


class TakeProblem(ValueError):
    def __init__(self, message: str, about_offsets: bool = False):
        super().__init__(message)
        self.about_offsets = about_offsets


def decode(path: Path) -> AudioSegment:
    """Any audio file as 48 kHz mono 16-bit. Raises DecodeError."""
    pcm = ffmpeg.decode_audio(path, channels=1, sample_format="s16le")
    return AudioSegment(data=pcm.tobytes(), sample_width=2, frame_rate=SAMPLE_RATE, channels=1)


@dataclass(frozen=True)
class _Source:
    audio: AudioSegment  # the whole file, decoded
    doubts: list[str]  # what is worth a warning about the file


def _decode(narration: Narration) -> _Source | Problem:
    try:
        heard = hear(narration.audio, channels=1)
    except Unheard as err:
        return narration.origin.problem(str(err))
    pcm = heard.samples.tobytes()
    audio = AudioSegment(data=pcm, sample_width=2, frame_rate=SAMPLE_RATE, channels=1)
    doubt = heard.doubt(narration.audio.name)
    return _Source(audio, [doubt] if doubt else [])


def _stretch(source: AudioSegment, start: float, end: float | None) -> tuple[int, int]:
    """The samples of the file that are the section's (all of it, unless start/end are given)."""
    frames = int(source.frame_count())
    if start * SAMPLE_RATE >= frames:
        raise TakeProblem(
            f"starts at {start:g} s, beyond the end of the take ({frames / SAMPLE_RATE:.2f} s); "
            "check the offset",
            about_offsets=True,
        )
    last = frames if end is None else min(round(end * SAMPLE_RATE), frames)
    return round(start * SAMPLE_RATE), last


def prepare(source: AudioSegment, stretch: tuple[int, int], path: Path, settings: Audio) -> Take:
    """Trim silence to the margin, find where the words are and the room tone."""
    raw = source.get_sample_slice(*stretch)
    samples = np.frombuffer(raw.raw_data, dtype=np.int16).astype(np.float32) / 32768
    level = envelope.levels(samples)
    if envelope.is_silent(level):
        raise TakeProblem(_silent(level))
    speech = envelope.speech_mask(level)
    first, last = envelope.runs(speech)[0][0], envelope.runs(speech)[-1][1]
    hop, margin = envelope.HOP_SAMPLES, round(settings.trim_margin * SAMPLE_RATE)
    start = max(0, first * hop - margin)
    end = min(len(samples), last * hop + margin)
    kept = slice(round(start / hop), round(end / hop))
    return Take(
        source=path,
        stretch=stretch,
        cut=(stretch[0] + start, stretch[0] + end),
        speech=speech[kept],
        levels=level[kept],
        room_tone=_room_tone(raw, level) if settings.room_tone else None,
    )


def _silent(level: np.ndarray) -> str:
    """What to say of a take whose loud parts (95% of it) stay under -55 dBFS: silent, or
    with speech in too little of it for its level to be read (a word in a minute of room)."""
    heard = float((level >= envelope.SILENT_DBFS).sum()) * envelope.HOP
    total = len(level) * envelope.HOP
    if heard < 0.05:
        return (
            "the take is silent (no speech above -55 dBFS); record it again, or check the "
            "microphone and its gain"
        )
    return (
        f"the take has sound above -55 dBFS in only {heard:.1f} s of its {total:.1f} s, too "
        "little of it to be read as this text spoken; if it is this section's take, cut it "
        "to the speech, else name the right one"
    )


def _room_tone(raw: AudioSegment, level: np.ndarray) -> AudioSegment:
    hops = round(ROOM_TONE_SECONDS / envelope.HOP)
    start = envelope.quietest(level, hops) * envelope.HOP_SAMPLES
    return raw.get_sample_slice(start, start + hops * envelope.HOP_SAMPLES)
