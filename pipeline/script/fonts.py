"""Font files used by name in templates, measured the way the rasteriser will draw them."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path


@dataclass(frozen=True)
class Font:
    path: Path
    family: str  # the name an SVG's font-family must use
    italic: bool

    def __str__(self) -> str:  # so a template can write font-family="{{ fonts.serif }}"
        return self.family

    @property
    def style(self) -> str:
        return "italic" if self.italic else "normal"

    def width(self, text: str, size: float) -> float:
        """Advance width of `text` at `size` (in the template's user units)."""
        return _face(self.path).getlength(text) * size / _MEASURE_SIZE


_MEASURE_SIZE = 200  # measure large, scale down: integer pixel rounding stays negligible


@cache
def _face(path: Path):
    from PIL import ImageFont  # when a font is opened, not for `essay --help`

    return ImageFont.truetype(str(path), _MEASURE_SIZE)


def open_font(path: Path) -> Font:
    """Raises OSError when the file is not a font."""
    family, style = _face(path).getname()
    return Font(path, family or path.stem, "italic" in (style or "").lower())


class TextDoesNotFit(ValueError):
    pass


MAX_WORDS, MAX_LINES = 200, 20  # of a card's text: a title has a few, a quotation a few dozen


def wrap(text: str, font: Font, size: float, width: float, max_lines: int) -> list[str]:
    """Break `text` into at most `max_lines` lines no wider than `width`, evenly filled."""
    words = text.split()
    if not words:
        return []
    if len(words) > MAX_WORDS or max_lines > MAX_LINES:  # the balancing is quadratic in them
        raise TextDoesNotFit(
            f"{len(words)} words in up to {max_lines} lines, where a card holds at most "
            f"{MAX_WORDS} words in {MAX_LINES} lines"
        )
    for word in words:
        if font.width(word, size) > width:
            raise TextDoesNotFit(f"the word '{word}' is wider than the card allows")
    count = _greedy_line_count(words, font, size, width)
    if count > max_lines:
        raise TextDoesNotFit(f"needs {count} lines, the template allows {max_lines}")
    return _balanced(words, font, size, width, count)


def _greedy_line_count(words: list[str], font: Font, size: float, width: float) -> int:
    lines, current = 1, words[0]
    for word in words[1:]:
        candidate = f"{current} {word}"
        if font.width(candidate, size) <= width:
            current = candidate
        else:
            lines, current = lines + 1, word
    return lines


def _balanced(words: list[str], font: Font, size: float, width: float, count: int) -> list[str]:
    """Split into exactly `count` lines minimising the widest one (ties: longer last line)."""
    n = len(words)

    @cache
    def span(i: int, j: int) -> float:
        return font.width(" ".join(words[i:j]), size)

    @cache
    def best(i: int, k: int) -> tuple[float, tuple[int, ...]]:
        if k == 1:
            w = span(i, n)
            return (w if w <= width else float("inf"), (n,))
        options = []
        for j in range(i + 1, n - k + 2):
            w = span(i, j)
            if w > width:
                break
            rest, cuts = best(j, k - 1)
            # a slight preference for a short first line keeps titles bottom-heavy
            options.append((max(w, rest) + w * 1e-3, (j, *cuts)))
        return min(options, default=(float("inf"), ()))

    _, cuts = best(0, count)
    starts = (0, *cuts[:-1])
    return [" ".join(words[a:b]) for a, b in zip(starts, cuts, strict=True)]
