"""Words of the script as a reader finds them: what `after:` names."""

from __future__ import annotations

import re

_SENTENCE_END = re.compile(r"[.!?…][\"'”’)\]]*$")


def _plain(word: str) -> str:
    return re.sub(r"[^\w']", "", word.lower())


def sentence_end(written: list[str], named: str) -> int | None:
    """The index in `written` (a text's words, punctuation kept) of the last word of the
    sentence that holds the words `named`, in order; None when the text does not have them."""
    found, wanted = [_plain(w) for w in written], [_plain(w) for w in named.split()]
    wanted = [w for w in wanted if w]
    if not wanted:
        return None
    for k in range(len(found) - len(wanted) + 1):
        if found[k : k + len(wanted)] == wanted:
            last = k + len(wanted) - 1
            ends = (j for j, w in enumerate(written) if j >= last and _SENTENCE_END.search(w))
            return next(ends, len(found) - 1)
    return None
