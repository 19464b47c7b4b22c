"""The narration: each section's text spoken by espeak-ng and made to sound like a take."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

from .episode import Episode
from .sound import Array, duration, encode_mp3, read_wav

ESPEAK = "espeak-ng"
VOICE = "en-us+m3"  # American English, the "male 3" variant: lower, steadier pitch
WORDS_PER_MINUTE = 150
PITCH = 40  # 0-99, espeak default 50
WORD_GAP = 1  # extra gap between words, in units of 10 ms
SENTENCE_BREAK = "450ms"  # added after each sentence, for a calm narrator pace
EDGE_SILENCE = 0.25  # seconds before and after each take
NOISE_DBFS = -60.0
TAKE_PEAK_DBFS = -3.0
BITRATE = "64k"

# Pronunciation fixes, for speech only (the subtitles keep the written text).
SPEECH_FIXES: list[tuple[str, str]] = [
    (r"\b([Tt])he [Ww]ho (?:&|and) [Tt]he [Ww]hat\b", r"\1he Hu & the What"),
    (r"\b20(1\d|[2-9]\d)\b", r"twenty \1"),  # 2013 is said "twenty thirteen"
    (r"\b19([1-9]\d)\b", r"nineteen \1"),  # 1993 is "nineteen ninety-three", not "hundred"
    (r"\bRamis\b", "Raymiss"),  # Harold Ramis, said "RAY-miss"
]


def speech_text(text: str) -> str:
    """The narration as SSML for espeak-ng: pronunciation fixes and sentence pauses."""
    for pattern, replacement in SPEECH_FIXES:
        text = re.sub(pattern, replacement, text)
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = re.sub(r"([.?!])\s+", rf'\1 <break time="{SENTENCE_BREAK}"/> ', text)
    return f"<speak>{text}</speak>"


def espeak(text: str, wav: Path) -> None:
    """Synthesise SSML text to a WAV file with the chosen voice."""
    voice = ["-v", VOICE, "-s", str(WORDS_PER_MINUTE), "-p", str(PITCH), "-g", str(WORD_GAP)]
    cmd = [ESPEAK, "-m", *voice, "-w", str(wav), "--stdin"]
    subprocess.run(cmd, input=text, text=True, check=True, capture_output=True)


def trimmed(speech: Array, rate: int) -> Array:
    """The speech without espeak's own leading and trailing silence (20 ms kept each side)."""
    loud = np.flatnonzero(np.abs(speech) > 10 ** (-50 / 20))
    if loud.size == 0:
        return speech
    margin = int(0.02 * rate)
    return speech[max(loud[0] - margin, 0) : loud[-1] + margin]


def as_take(speech: Array, rate: int, seed: int) -> Array:
    """Trim, normalise, pad with room silence and lay a faint noise floor under it all."""
    speech = trimmed(speech, rate)
    speech = speech / max(np.abs(speech).max(), 1e-9) * 10 ** (TAKE_PEAK_DBFS / 20)
    pad = np.zeros(int(EDGE_SILENCE * rate))
    take = np.concatenate([pad, speech, pad])
    noise = np.random.default_rng(seed).normal(0.0, 10 ** (NOISE_DBFS / 20), take.size)
    return take + noise


def make_narration(episode: Episode) -> None:
    """Speak every section to its ``narration.audio`` path, a mono 64 kb/s MP3."""
    if shutil.which(ESPEAK) is None:
        sys.exit("espeak-ng is needed to make the demo narration: sudo apt-get install espeak-ng")
    print(f"narration (espeak-ng, voice {VOICE}, {WORDS_PER_MINUTE} wpm)")
    total = 0.0
    with tempfile.TemporaryDirectory() as tmp:
        speech_wav = Path(tmp) / "speech.wav"
        for index, take in enumerate(episode.takes):
            mp3 = episode.file(take.audio)
            espeak(speech_text(take.text), speech_wav)
            speech, rate = read_wav(speech_wav)
            samples = as_take(speech, rate, seed=100 + index)
            encode_mp3(samples, rate, mp3, channels=1, bitrate=BITRATE, filters="highpass=f=70")
            seconds = duration(mp3)
            total += seconds
            print(f"  narration  {take.audio}  {seconds:6.2f} s")
    print(f"  narration  total {total:.2f} s ({total / 60:.2f} min)")
