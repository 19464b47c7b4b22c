"""Characters that act instead of showing: control characters (an escape sequence retitles a
terminal, a line break forges a line of a line-based file) and the bidi controls that
reorder the text around them (a title that reads backwards in a page's <title>).

One rule for what the project prints (`neutral`: shown as escapes, never acted on) and one
for what it accepts of the author (`unwelcome`: refused by `essay check`, located).
"""

from __future__ import annotations

import re
import unicodedata

# A tab is whitespace everywhere the author's text goes; a line break only in text of many
# lines (narration, a summary). The marks U+200E, U+200F and U+061C are allowed: they set
# the direction of what is next to them in right-to-left text and reorder nothing else.
_OVERRIDES = "\u202a-\u202e\u2066-\u2069"  # embeddings, overrides, isolates
_SEPARATORS = "\u2028\u2029"  # line and paragraph separators
_CONTROLS = "\x00-\x1f\x7f-\x9f"  # C0, DEL, C1 (U+0085 is a line break too)
_ACTING = re.compile(f"[{_CONTROLS}{_OVERRIDES}{_SEPARATORS}\u200e\u200f\u061c]")
_REFUSED = re.compile(f"[{_CONTROLS}{_OVERRIDES}{_SEPARATORS}]")
_BREAKS = re.compile("[\n\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")  # what str.splitlines splits at


def neutral(text: str) -> str:
    """`text` with every character a terminal or a line-based reader would act on written as
    its escape (`\\x1b`, `\\n`, `\\u202e`): what is printed is one line that shows what it says.
    A tab stays a tab."""
    return _ACTING.sub(lambda m: m.group() if m.group() == "\t" else _escape(m.group()), text)


def one_line(text: str) -> str:
    """`text` with its line breaks written as escapes, the rest as it is."""
    return _BREAKS.sub(lambda m: _escape(m.group()), text)


def unwelcome(text: str, lines: bool = False) -> str | None:
    """What is wrong with `text` as the author's own (None: nothing): the first control or
    bidi control character in it, saying which and where. `lines`: line breaks are allowed."""
    for found in _REFUSED.finditer(text):
        char = found.group()
        if char == "\t" or (lines and char == "\n"):
            continue
        where = f"at character {found.start() + 1}"
        if char in "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029":
            fix = "this text is one line: remove the line break (in YAML, `>-` folds lines)"
            if lines:
                fix = "write line breaks as plain new lines"
            return f"a line break {name(char)} {where}; {fix}"
        if "\u202a" <= char <= "\u202e" or "\u2066" <= char <= "\u2069":
            return (
                f"the bidi control {name(char)} {where} reorders the text around it wherever it "
                "is shown; remove it (right-to-left text is ordered by its own letters)"
            )
        return (
            f"the control character {name(char)} {where}, which terminals and the files made "
            "from this text would act on; remove it"
        )
    return None


def name(char: str) -> str:
    """`U+001B` with its name where Unicode gives one: `U+202E (RIGHT-TO-LEFT OVERRIDE)`."""
    code = f"U+{ord(char):04X}"
    called = unicodedata.name(char, "") or _C0_NAMES.get(char, "")
    return f"{code} ({called})" if called else code


def _escape(char: str) -> str:
    return char.encode("unicode_escape").decode("ascii")


_C0_NAMES = {"\x00": "NUL", "\x07": "BEL", "\x08": "BACKSPACE", "\x1b": "ESC", "\x7f": "DEL",
             "\r": "CARRIAGE RETURN", "\n": "LINE FEED", "\x0b": "VERTICAL TAB",
             "\x0c": "FORM FEED", "\x85": "NEXT LINE"}  # fmt: skip
