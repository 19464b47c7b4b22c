"""The music bed: a slow ambient pad in D major that loops without a seam."""

from __future__ import annotations

import numpy as np

from .episode import Episode
from .sound import AUDIO_RATE, Array, duration, encode_mp3

BED_SECONDS = 72.0
CHORDS = [  # MIDI notes: Dmaj9, Bm11, Gmaj9, A6/9, F#m7, Gmaj9, Em9, Asus4
    [50, 57, 61, 64, 66],
    [47, 54, 57, 62, 64],
    [43, 50, 54, 57, 59],
    [45, 52, 59, 61, 66],
    [42, 49, 52, 57, 61],
    [43, 50, 54, 57, 62],
    [40, 47, 50, 54, 55],
    [45, 50, 52, 57, 64],
]
ATTACK, RELEASE = 3.5, 5.0
BITRATE = "128k"


def hz(note: float) -> float:
    """Frequency of a MIDI note."""
    return 440.0 * 2 ** ((note - 69) / 12)


def tone(local: Array, freq: float, phase: float) -> Array:
    """A soft, warm oscillator: a sine with a little second and third harmonic."""
    angle = 2 * np.pi * freq * local + phase
    return np.sin(angle) + 0.16 * np.sin(2 * angle) + 0.06 * np.sin(3 * angle)


def swell(local: Array, hold: float) -> Array:
    """Raised-cosine attack, hold and release of a chord, in its own time."""
    up = 0.5 - 0.5 * np.cos(np.pi * np.clip(local / ATTACK, 0, 1))
    down = 0.5 + 0.5 * np.cos(np.pi * np.clip((local - hold) / RELEASE, 0, 1))
    return up * down


def chord(rng: np.random.Generator, notes: list[int], local: Array, hold: float) -> Array:
    """One chord as stereo: three detuned voices a note, spread across the field."""
    out = np.zeros((local.size, 2))
    for note in notes:
        level = 0.5 / (1 + max(note - 50, 0) / 18)
        for cents, pan in ((-7, 0.25), (0, 0.5), (7, 0.75)):
            wave = level * tone(local, hz(note + cents / 100), rng.uniform(0, 2 * np.pi))
            out += wave[:, None] * np.array([np.cos(pan * np.pi / 2), np.sin(pan * np.pi / 2)])
    bass = 0.45 * np.sin(2 * np.pi * hz(notes[0] - 12) * local + rng.uniform(0, 2 * np.pi))
    out += bass[:, None] * 0.7
    return out * swell(local, hold)[:, None]


def chime(local: Array, freq: float) -> Array:
    """A high, soft bell-like note that blooms and fades (mono)."""
    bloom = np.clip(local / 0.8, 0, 1) ** 2 * np.exp(-np.clip(local - 0.8, 0, None) / 2.5)
    return 0.1 * bloom * (np.sin(2 * np.pi * freq * local) + 0.3 * np.sin(4 * np.pi * freq * local))


def dry_pad(rng: np.random.Generator, rate: int) -> Array:
    """The chords, each fading into the next; time wraps, so the last fades into the first."""
    n = int(BED_SECONDS * rate)
    t = np.arange(n) / rate
    hold = BED_SECONDS / len(CHORDS)
    out = np.zeros((n, 2))
    for index, notes in enumerate(CHORDS):
        local = (t - index * hold + ATTACK / 2) % BED_SECONDS
        live = local < hold + RELEASE + ATTACK
        out[live] += chord(rng, notes, local[live], hold)
        for _ in range(2):
            start, note = rng.uniform(1.5, hold - 1), rng.choice(notes) + 24
            bell = chime((local[live] - start) % BED_SECONDS, hz(note))
            out[live] += bell[:, None] * np.array([0.6 + rng.uniform(-0.3, 0.3)] * 2)
    return out


def reverb(rng: np.random.Generator, dry: Array, rate: int) -> Array:
    """A long, dark, circular reverb (so the tail of the end smears into the start)."""
    n = dry.shape[0]
    length = int(4.5 * rate)
    decay = np.exp(-np.arange(length) / (0.75 * rate))
    freqs = np.fft.rfftfreq(n, 1 / rate)
    tilt = 1 / (1 + (freqs / 3000) ** 2)
    wet = np.zeros_like(dry)
    for channel in range(2):
        ir = np.zeros(n)
        ir[int(0.03 * rate) : int(0.03 * rate) + length] = rng.normal(0, 1, length) * decay
        spectrum = np.fft.rfft(dry[:, channel]) * np.fft.rfft(ir) * tilt
        wet[:, channel] = np.fft.irfft(spectrum, n)
    return wet / (np.sqrt(np.mean(wet**2)) / np.sqrt(np.mean(dry**2)) + 1e-12)


def make_music(episode: Episode) -> None:
    """The episode's bed: chords, reverb, peak at -6 dBFS, stereo 48 kHz 128 kb/s MP3."""
    print("music")
    if episode.music is None:
        print("  music      none: the episode has no `music.bed`")
        return
    if not episode.owns(episode.music):
        print(f"  music      {episode.music}: another episode's, made with that one")
        return
    rng = np.random.default_rng(2013)
    dry = dry_pad(rng, AUDIO_RATE)
    bed = 0.55 * dry + 0.75 * reverb(rng, dry, AUDIO_RATE)
    bed *= 10 ** (-6 / 20) / np.abs(bed).max()
    mp3 = episode.file(episode.music)
    encode_mp3(bed, AUDIO_RATE, mp3, channels=2, bitrate=BITRATE)
    print(f"  music      {episode.music}  {duration(mp3):6.2f} s")
