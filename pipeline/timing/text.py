"""The script as tokens: words (or CJK characters) with the spacing that joins them, and how
strongly each gap between them separates meaning.

Subtitles and alignment both work on these tokens, and both give the script back word for
word: joining tokens with their own spacing rebuilds the text exactly (whitespace runs
become single spaces).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Token:
    text: str
    space: bool  # a space stands between it and the token before


def join(tokens: Sequence[Token]) -> str:
    return "".join((" " if t.space and i else "") + t.text for i, t in enumerate(tokens))


def width(tokens: Sequence[Token]) -> int:
    """Characters on screen, spaces included (what reading speed counts)."""
    return len(join(tokens))


def normalise(text: str) -> str:
    return " ".join(text.split())


# -- splitting -------------------------------------------------------------------------------

_DASHES = "—–"
_CJK_CLOSING = "。，、；：！？）」』】〕》〉…・ー"


def _is_cjk(ch: str) -> bool:
    name = unicodedata.name(ch, "")
    return name.startswith(("CJK", "HIRAGANA", "KATAKANA", "HANGUL", "FULLWIDTH", "IDEOGRAPHIC"))


def tokenize(text: str, longest: int) -> list[Token]:
    """Words as written; CJK split into characters; a word breaks after a dash inside it,
    and a word longer than `longest` (a URL, say) into pieces that fit a line."""
    tokens: list[Token] = []
    for word in text.split():
        pieces = _split_word(word, longest)
        tokens += [Token(p, space=(k == 0)) for k, p in enumerate(pieces)]
    return tokens


def _split_word(word: str, longest: int) -> list[str]:
    parts: list[str] = []
    for chunk in _cjk_chunks(word):
        parts += _after_dashes(chunk) if not _is_cjk(chunk[0]) else [chunk]
    return [piece for part in parts for piece in _fit(part, longest)]


def _cjk_chunks(word: str) -> list[str]:
    """Each CJK character its own chunk (with the closing punctuation after it)."""
    chunks: list[str] = []
    for ch in word:
        if chunks and ch in _CJK_CLOSING:
            chunks[-1] += ch
        elif _is_cjk(ch) or not chunks or _is_cjk(chunks[-1][0]):
            chunks.append(ch)
        else:
            chunks[-1] += ch
    return chunks


def _after_dashes(word: str) -> list[str]:
    parts = re.split(f"(?<=[{_DASHES}])(?=.)", word)
    return [p for p in parts if p]


def _fit(part: str, longest: int) -> list[str]:
    return [part[i : i + longest] for i in range(0, len(part), longest)] or [part]


# -- how strongly a gap separates ---------------------------------------------------------------

SENTENCE, CLAUSE, PHRASE, NEUTRAL, BAD = 0.0, 1.0, 3.0, 6.0, 40.0

_CLOSE = "'\"’”»)\\]」』"
_SENTENCE_END = re.compile(f"([.!?]|[。！？])[{_CLOSE}]*$")
_ELLIPSIS = re.compile(f"(…|\\.\\.\\.)[{_CLOSE}]*$")
_CLAUSE_END = re.compile(f"([,;:]|[{_DASHES}]|[，、；：])[{_CLOSE}]*$")
_STRIP = re.compile(r"^\W+|\W+$")
_ABBREVIATIONS = frozenset("mr mrs ms dr st prof vs etc e.g i.e no fig jr sr".split())

# Words that bind to what follows: never end a line or cue on them.
BINDS_FORWARD = frozenset(
    """a an the this that these those my your his her its our their some any no every each
    i you he she we they and but or nor
    is are was were be been being am has have had do does did will would shall should can
    could may might must not to of in on at by for with from into onto upon about than
    very mr mrs ms dr st""".split()
)
# Words a break may come before: conjunctions and prepositions.
STARTS_PHRASE = frozenset(
    """and but or nor so yet because although though while whereas if unless until when
    whenever where wherever which who whom whose that as after before since like to of in
    on at by for with from into onto about over under through between without within
    against among""".split()
)


def bare(word: str) -> str:
    return _STRIP.sub("", word).lower()


def ends_sentence(tokens: Sequence[Token], i: int) -> bool:
    """Does a sentence end after tokens[i]? Not after "Dr." or an initial like "J."."""
    word = tokens[i].text
    if not _SENTENCE_END.search(word) or _ELLIPSIS.search(word):
        return False
    stem = bare(word)
    if stem in _ABBREVIATIONS or (len(stem) == 1 and stem.isalpha() and word.endswith(".")):
        return False
    follower = tokens[i + 1].text if i + 1 < len(tokens) else ""
    return not (follower[:1].islower() and word.endswith("."))


def break_cost(tokens: Sequence[Token], i: int) -> float:
    """Cost of a line or cue break between tokens[i] and tokens[i + 1]."""
    left, right = tokens[i].text, tokens[i + 1].text
    if ends_sentence(tokens, i):
        return SENTENCE
    if _CLAUSE_END.search(left) or _ELLIPSIS.search(left) or right[:1] in _DASHES:
        return CLAUSE
    if not tokens[i + 1].space:
        # inside a written word (a dash, a CJK run, a piece of a long word)
        return NEUTRAL if _is_cjk(left[-1]) or left[-1] in _DASHES else BAD
    if bare(left) in BINDS_FORWARD:
        return BAD
    if _is_name(left) and _is_name(right) and i > 0 and not ends_sentence(tokens, i - 1):
        return BAD
    if bare(right) in STARTS_PHRASE:
        return PHRASE
    return NEUTRAL


def _is_name(word: str) -> bool:
    stem = _STRIP.sub("", word)
    return bool(stem) and stem[0].isupper() and stem.lower() not in BINDS_FORWARD


def strength(tokens: Sequence[Token], i: int) -> int:
    """How strongly the gap after tokens[i] separates: 2 sentence, 1 clause, 0 within."""
    cost = break_cost(tokens, i)
    return 2 if cost == SENTENCE else 1 if cost == CLAUSE else 0


def quoted(text: str, most: int = 48) -> str:
    """`text` for a message: at most `most` characters, an ellipsis where it is cut."""
    return text if len(text) <= most else text[: most - 1].rstrip() + "…"
