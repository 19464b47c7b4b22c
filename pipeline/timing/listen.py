"""Listening to a take: what words it says, and where a given run of words is said in it.

pocketsphinx (5.x, from its PyPI wheel: an en-US acoustic model and CMUdict inside it, no
download) does both. Recognition uses a trigram model built from the script itself, so a
take that reads its script is heard word for word (0% word errors on the LibriVox sonnets,
where the wheel's general model heard two words in three wrong), and what the take says
that the script does not is heard as something else; forced alignment then times each run
of words that matched. A word the dictionary lacks (a name: Jonze, Samantha's) is said as
espeak-ng says it, its phonemes mapped to the model's.

Measured (benchmarks/alignment.py; /tmp figures in the issue's note): alignment about 70x
realtime, recognition 10-18x on one core; pocketsphinx holds the GIL, so threads do not
share that work. Traps met on the way, each handled below: runs of digital silence make
alignment fail (dither, the same for the same samples, and one retry with wide beams);
the lattice pass can end a path in a one-frame `</s>` (bestpath off for alignment); a
fresh decoder puts its first utterance's first word early (it hears noise first).
"""

from __future__ import annotations

import os
import re
import tempfile
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from pipeline.base.espeak import Espeak, UnknownVoice

RATE = 16_000  # what the acoustic model was trained on
FRAME = 0.01  # seconds: pocketsphinx's 100 frames a second
PIECE = 60.0  # seconds: the longest stretch heard, or aligned, as one utterance
VERSION = 5  # bump when listening to the same take would now hear something else
_BASE = dict(loglevel="FATAL", lm=None)
# recognition: the default beams lost a long word (a year: "1993", 19 phones) to words the
# script says elsewhere; these cost nothing measurable on the demo
_HEAR = dict(_BASE, beam=1e-80, wbeam=1e-60, pbeam=1e-80, lpbeam=1e-60)
_ALIGN = dict(_BASE, bestpath=False)
_WIDE = dict(_ALIGN, beam=1e-80, wbeam=1e-80, pbeam=1e-80, lpbeam=1e-80)
_GENERAL = dict(loglevel="FATAL")  # the wheel's language model: 0.3 s to load
_WORD = re.compile(r"[^\W_]+(?:'[^\W_]+)*")
_FILLER = re.compile(r"^(<s>|</s>|<sil>|\(NULL\)|\[.*\]|\+.*\+)$")
_FIRST_CMN = "40,3,-1,0,0,0,0,0,0,0,0,0,0"  # the model's initial cepstral mean (feat.params)
_ALTERNATE = re.compile(r"\(\d+\)$")  # "with(2)": CMUdict's second way of saying "with"


@dataclass(frozen=True)
class Heard:
    word: str  # lower case, as the dictionary spells it
    start: float  # seconds into the samples listened to
    end: float


def words_of(text: str) -> list[str]:
    """What a piece of script is said as, word by word, in the dictionary's spelling:
    lower case, punctuation gone, inner apostrophes kept (beauty's), hyphens and dashes
    between words (all-eating: all, eating)."""
    plain = text.lower().replace("’", "'").replace("‘", "'").replace("&", " and ")
    return _WORD.findall(re.sub(r"[-–—/]", " ", plain))


def to_16k(samples: np.ndarray, rate: int) -> np.ndarray:
    """int16 mono at `rate` (a multiple of 16 kHz: 48 kHz) to int16 at 16 kHz."""
    from scipy.signal import resample_poly

    down = resample_poly(samples.astype(np.float32), 1, rate // RATE)
    return np.clip(np.round(down), -32768, 32767).astype(np.int16)


def recognise(samples: np.ndarray, sentences: Sequence[Sequence[str]]) -> list[Heard]:
    """The words heard in `samples` (16 kHz int16), by a model of `sentences` (each a list
    of words): what the script says is what it expects to hear."""
    if len(samples) < RATE // 20:
        return []
    decoder = _recogniser({w for s in sentences for w in s})
    decoder.add_lm("script", _script_lm(decoder, [s for s in sentences if s]))
    decoder.activate_search("script")
    heard = []
    for lo, hi in pieces(samples):
        _decode(decoder, samples[lo:hi])
        at = lo / RATE
        heard += [
            Heard(_ALTERNATE.sub("", s.word), at + s.start_frame * FRAME,
                  at + (s.end_frame + 1) * FRAME)
            for s in decoder.seg() or []
            if not _FILLER.match(s.word)
        ]  # fmt: skip
    return heard


def pieces(samples: np.ndarray, most: float = PIECE) -> list[tuple[int, int]]:
    """`samples` cut into pieces of at most `most` seconds, each cut at the quietest 10 ms
    in the last fifth of a piece (a pause between words): one utterance of a 30-minute
    take was heard as nothing at all, and held 700 MB."""
    edges, at, step = [0], 0, RATE // 100
    while len(samples) - at > most * RATE:
        lo, hi = at + int(0.8 * most * RATE), at + int(most * RATE)
        frames = samples[lo:hi].astype(np.float32)[: (hi - lo) // step * step]
        quiet = int(np.argmin((frames.reshape(-1, step) ** 2).mean(axis=1)))
        at = lo + quiet * step + step // 2
        edges.append(at)
    return list(zip(edges, [*edges[1:], len(samples)], strict=True))


def align(
    samples: np.ndarray, words: Sequence[str], t0: float = 0.0, t1: float | None = None
) -> list[tuple[float, float]] | None:
    """Where each of `words` is said in [t0, t1) of `samples` (seconds into them), in order;
    None if no path through the audio says them all."""
    found = _aligned(samples, words, t0, t1)
    return None if found is None else [(a, b) for a, b, _ in found]


def align_scored(
    samples: np.ndarray, words: Sequence[str], t0: float = 0.0, t1: float | None = None
) -> list[tuple[float, float, float]] | None:
    """As `align`, with how well each word's sounds explain the audio it is given: its
    acoustic score less the best any sequence of sounds scores there (the phone loop), per
    10 ms frame (x 1000). Words said score about -3 or better; a word forced over other
    speech scores far worse (measured: -3.6 to -9 on words swapped into a script)."""
    found = _aligned(samples, words, t0, t1)
    if found is None:
        return None
    lo = max(0, round(t0 * RATE))
    hi = len(samples) if t1 is None else min(len(samples), round(t1 * RATE))
    decoder = _decoder("phones")
    _decode(decoder, samples[lo:hi])
    best = np.zeros((hi - lo) // 160 + 2)
    for s in decoder.seg() or []:
        best[s.start_frame : s.end_frame + 1] = _log(s.ascore) / (s.end_frame - s.start_frame + 1)
    out = []
    for (a, b, score), (start, end) in zip(found, _frames(found, lo), strict=True):
        out.append((a, b, 1000 * (score - best[start:end].sum()) / max(1, end - start)))
    return out


def _frames(found, lo: int) -> list[tuple[int, int]]:
    return [(round((a - lo / RATE) / FRAME), round((b - lo / RATE) / FRAME)) for a, b, _ in found]


def _log(probability: float) -> float:
    """pocketsphinx's Python scores are probabilities: their logarithm is the score."""
    return float(np.log(max(probability, 1e-300)))


def _aligned(samples, words, t0, t1) -> list[tuple[float, float, float]] | None:
    lo = max(0, round(t0 * RATE))
    hi = len(samples) if t1 is None else min(len(samples), round(t1 * RATE))
    if not words or hi - lo < RATE // 20:
        return None
    piece = samples[lo:hi]
    for kind in ("align", "wide"):  # wide: for runs of digital silence, rarely needed
        decoder = _decoder(kind)
        _know(decoder, words)
        decoder.set_align_text(" ".join(words))
        _decode(decoder, piece)
        found = _segments(decoder, len(words))
        if found is not None:
            return [(lo / RATE + a, lo / RATE + b, score) for a, b, score in found]
    return None


def transcribe(samples: np.ndarray, t0: float, t1: float) -> str:
    """What is said in [t0, t1) of `samples`, by the wheel's general model of English: for
    speech the script lacks (a model of the script hears only the script's words in it).
    Rough, but what the author needs to find the place."""
    piece = samples[max(0, round(t0 * RATE)) : round(t1 * RATE)]
    if len(piece) < RATE // 20:
        return ""
    decoder = _decoder("general")
    _decode(decoder, piece)
    return decoder.hyp().hypstr if decoder.hyp() else ""


def phones(word: str) -> int:
    """How many sounds `word` is said with (the dictionary's, else espeak-ng's)."""
    said = _decoder("align").lookup_word(word) or pronounce(word)
    return max(1, len(said.split()))


def _segments(decoder, count: int) -> list[tuple[float, float, float]] | None:
    if decoder.hyp() is None:  # no path reached the end: a word is not said
        return None
    said = [s for s in decoder.seg() or [] if not _FILLER.match(s.word)]
    if len(said) != count:
        return None
    return [(s.start_frame * FRAME, (s.end_frame + 1) * FRAME, _log(s.ascore)) for s in said]


# --- decoders, one of each kind a thread (a decoder is not to be shared) -------------------

_local = threading.local()


def _decoder(kind: str):
    decoders = _local.__dict__.setdefault("decoders", {})
    if kind not in decoders:
        import pocketsphinx as ps

        config = {"align": _ALIGN, "wide": _WIDE, "general": _GENERAL, "phones": _BASE}[kind]
        decoder = ps.Decoder(
            hmm=ps.get_model_path("en-us/en-us"),
            dict=ps.get_model_path("en-us/cmudict-en-us.dict"),
            **config,
        )
        if kind == "phones":  # any sequence of sounds: the best the audio can score
            decoder.add_allphone_file("phones", None)
            decoder.activate_search("phones")
        if kind in ("align", "wide"):
            decoder.set_align_text("a")
        if kind != "general":  # its first utterance puts a word early, scores otherwise
            _decode(decoder, np.random.default_rng(1).normal(0, 30, RATE // 2).astype(np.int16))
        decoders[kind] = decoder
    return decoders[kind]


def _recogniser(words: set[str]):
    """A decoder that knows only `words`: a model of the script searched over the whole
    dictionary took 6 s to set up, over its own words a few milliseconds."""
    import pocketsphinx as ps

    lexicon = _decoder("align")
    _know(lexicon, words)
    with tempfile.NamedTemporaryFile("w", suffix=".dict", delete=False) as out:
        for word in sorted(words):
            out.writelines(f"{name} {phones}\n" for name, phones in _ways(lexicon, word))
    try:
        return ps.Decoder(hmm=ps.get_model_path("en-us/en-us"), dict=out.name, **_HEAR)
    finally:
        os.unlink(out.name)


def _decode(decoder, samples: np.ndarray) -> None:
    """One utterance, whole: the model's mean normalisation needs all of it at once.
    Dithered here, the same for the same samples: pocketsphinx's own dither draws on from
    where the decoder's last utterance left off, so a take heard after another would be
    heard otherwise. The same goes for its running cepstral mean: each utterance starts
    from the model's."""
    noise = np.random.default_rng(1).integers(-1, 2, len(samples), dtype=np.int32)
    dithered = np.clip(samples.astype(np.int32) + noise, -32768, 32767).astype("<i2")
    decoder.set_cmn(_FIRST_CMN)
    decoder.start_utt()
    decoder.process_raw(dithered.tobytes(), no_search=False, full_utt=True)
    decoder.end_utt()


def _script_lm(decoder, sentences: Sequence[Sequence[str]]):
    """A trigram model of the script's sentences, as pocketsphinx reads one (from a file)."""
    import pocketsphinx as ps
    from pocketsphinx.lm import ArpaBoLM

    model = ArpaBoLM(text="\n".join(" ".join(s) for s in sentences), add_start=True)
    model.compute()
    with tempfile.NamedTemporaryFile("w", suffix=".arpa", delete=False) as out:
        model.write(out)
    try:
        return ps.NGramModel(decoder.config, decoder.logmath, out.name)
    finally:
        os.unlink(out.name)


def _ways(decoder, word: str) -> list[tuple[str, str]]:
    """Every way the dictionary says `word`: "with", "with(2)", ..."""
    found, k = [], 1
    while phones := decoder.lookup_word(word if k == 1 else f"{word}({k})"):
        found.append((word if k == 1 else f"{word}({k})", phones))
        k += 1
    return found


def _know(decoder, words: Iterable[str]) -> None:
    """Teach the decoder how to say each word its dictionary lacks (a name, a year), as
    espeak-ng says it; a word it cannot say either is left out of what can be heard."""
    missing = sorted({w for w in words if decoder.lookup_word(w) is None})
    said = [(w, p) for w in missing for p in pronunciations(w)]
    named: dict[str, int] = {}
    for k, (word, phones) in enumerate(said):  # the search is rebuilt once, after the last
        named[word] = named.get(word, 0) + 1
        name = word if named[word] == 1 else f"{word}({named[word]})"
        decoder.add_word(name, phones, k == len(said) - 1)


# --- pronunciations from espeak-ng ----------------------------------------------------------

# espeak-ng's en-us phoneme names (stress marks dropped) as the acoustic model's ARPAbet
ESPEAK_TO_ARPABET = {
    "p": "P", "b": "B", "t": "T", "d": "D", "k": "K", "g": "G", "t#": "T", "d#": "D",
    "t2": "T", "?": "T", "tS": "CH", "dZ": "JH", "f": "F", "v": "V", "T": "TH", "D": "DH",
    "s": "S", "z": "Z", "S": "SH", "Z": "ZH", "h": "HH", "x": "K", "m": "M", "n": "N",
    "N": "NG", "n-": "AH N", "l": "L", "l#": "L", "@L": "AH L", "r": "R", "r-": "R",
    "w": "W", "j": "Y", "a": "AE", "aa": "AE", "a#": "AH", "A:": "AA", "0": "AA",
    "A~": "AA N", "O": "AO", "O:": "AO", "O2": "AO", "V": "AH", "@": "AH", "@-": "AH",
    "@2": "AH", "@5": "AH", "E": "EH", "e": "EH", "I": "IH", "I#": "IH", "i": "IY",
    "i:": "IY", "i::": "IY", "U": "UH", "u:": "UW", "u": "UW", "o": "OW", "3": "ER",
    "3:": "ER", "eI": "EY", "aI": "AY", "aU": "AW", "OI": "OY", "oU": "OW", "A@": "AA R",
    "O@": "AO R", "o@": "AO R", "e@": "EH R", "i@": "IY AH", "i@3": "IH R", "U@": "UH R",
    "aI@": "AY AH", "aI3": "AY ER", "aU@": "AW ER",
}  # fmt: skip
_VOWELS = {"AA", "AE", "AH", "AO", "AW", "AY", "EH", "ER", "EY", "IH", "IY", "OW", "OY", "UH", "UW"}


def pronunciations(word: str) -> list[str]:
    """The ways `word` may be said, as espeak-ng's en-us voice says them (ARPAbet, a space
    between phones): a number as a number, and one that may be a year as a year too
    (2013: two thousand thirteen, twenty thirteen; 1993: nineteen ninety-three)."""
    readings = [word]
    if re.fullmatch(r"1[1-9]\d\d|20\d\d", word):
        century, rest = word[:2], int(word[2:])
        readings.append(f"{century} {rest}" if rest >= 10 else
                        f"{century} hundred" if rest == 0 else f"{century} oh {rest}")  # fmt: skip
    said = [pronounce(r) for r in readings]
    return list(dict.fromkeys(p for p in said if p))


def pronounce(text: str) -> str:
    """ARPAbet for `text` (space between phones), as espeak-ng's en-us voice says it; ""
    where it has nothing to say."""
    with Espeak.lock:
        try:
            names = Espeak.get().phonemes(text, "en-us")
        except UnknownVoice:
            return ""
    return " ".join(to_arpabet(names))


def to_arpabet(names: Sequence[str]) -> list[str]:
    clean = [n for n in (re.sub("[',;]", "", n) for n in names) if n]
    phones: list[str] = []
    for k, name in enumerate(clean):
        if name in ("r", "r-") and phones and phones[-1] in ("ER", "R"):
            continue  # the r of an r-coloured vowel is said once
        if name == "I2":  # unstressed i: IY before a vowel, AH before a consonant (CMUdict)
            after = ESPEAK_TO_ARPABET.get(clean[k + 1], "") if k + 1 < len(clean) else ""
            phones.append("IY" if after.split()[:1] and after.split()[0] in _VOWELS else "AH")
            continue
        phones += ESPEAK_TO_ARPABET.get(name, "").split()  # a sound the model lacks: left out
    return phones
