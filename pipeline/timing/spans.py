"""What the Timeline places: sections, shots and chapters in frames; narration, room tone
and music in samples at 48 kHz. Both clocks count whole units, so nothing drifts: every
frame rate the format allows holds a whole number of samples a frame (2002 at 24000/1001)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pipeline.base.ffmpeg import SAMPLE_RATE
from pipeline.script.model import Visual


@dataclass(frozen=True)
class SectionSpan:
    index: int
    id: str
    title: str
    first_frame: int
    end_frame: int  # exclusive
    speech_start: float  # seconds: where its narration take begins
    speech_end: float
    # where the narration waits for a clip that speaks: seconds into the take, seconds
    # waited (a breath, the clip, a breath), and the clip's index in the section's visuals
    waits: tuple[tuple[float, float, int], ...] = ()

    def at(self, t: float, resumed: bool = False) -> float:
        """Seconds into the take (its kept clock) as seconds on the episode clock; `resumed`:
        where it waits at t, after the wait."""
        waited = (g for when, g, _ in self.waits if when < t or (resumed and when == t))
        return self.speech_start + t + sum(waited)


@dataclass(frozen=True)
class ShotSpan:
    name: str  # "<section id>.<n>", n counting the section's visuals from 1
    visual: Visual
    section: int
    first_frame: int  # first frame it shows in (its fade-in starts here)
    end_frame: int  # exclusive; includes the next shot's fade-in, which it sits under
    fade_frames: int  # crossfade in from the shot before (from black for the first shot)
    still_from: int  # where its move has ended (the next shot starts): it holds from here


@dataclass(frozen=True)
class SpokenWord:
    """A word of the script where the take says it."""

    start: float  # seconds on the episode clock
    end: float
    text: str  # as the script writes it, its punctuation with it
    section: int
    space: bool = True  # a space stands between it and the word before, in the script


@dataclass(frozen=True)
class Chapter:
    start: float
    end: float
    title: str


@dataclass(frozen=True)
class NarrationClip:
    """A section's take: which samples of which file, and where they sit."""

    section: int
    source: Path
    source_in: int  # samples of the decoded file (48 kHz mono)
    source_out: int  # exclusive
    start: int  # sample on the episode clock
    fade_ms: int  # in and out

    @property
    def end(self) -> int:
        return self.start + self.source_out - self.source_in


@dataclass(frozen=True)
class RoomTone:
    """A gap in the narration (lead-in, pause, tail) filled with a take's own room tone."""

    section: int  # whose take's tone, at that take's level
    start: int  # sample on the episode clock; it overlaps the clips beside it by a fade
    length: int


@dataclass(frozen=True)
class MusicSpan:
    part: int  # index in Essay.music
    start: int  # sample on the episode clock
    end: int  # exclusive; a part that does not loop ends with its file


@dataclass(frozen=True)
class SoundClip:
    """A shot's own sound on the clip bus (a film clip that speaks): which seconds of which
    file, where it sits, at what level against the narration's loudness."""

    shot: str  # the shot it belongs to
    source: Path
    source_in: float  # seconds into the file
    source_out: float
    start: int  # sample on the episode clock: the shot's first frame
    level: float  # dB

    @property
    def length(self) -> int:
        return round((self.source_out - self.source_in) * SAMPLE_RATE)
