"""Text as the map index sees it: accent folding, tokens, and safe FTS5 query terms.

Names are folded the way SQLite's ``unicode61 remove_diacritics 2`` tokenizer folds
them (decompose, drop combining marks, case-fold), and a transliteration by
``unidecode`` is indexed beside names whose letters do not decompose (Ł, ø, ß, æ), so
that "Lodz" finds "Łódź". Text from an image reaches FTS5 only as quoted string terms.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from unidecode import unidecode

_TOKEN = re.compile(r"\w+", re.UNICODE)


@lru_cache(maxsize=1 << 16)
def fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return unicodedata.normalize("NFC", stripped).casefold()


def tokenizer_fold(text: str) -> str:
    """Folding as SQLite's unicode61 tokenizer does it: no diacritics, lower case (ß stays)."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def tokens(text: str) -> list[str]:
    return _TOKEN.findall(fold(text))


def is_latin(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return bool(letters) and all(ord(c) < 0x250 or 0x1E00 <= ord(c) < 0x1F00 for c in letters)


@lru_cache(maxsize=1 << 16)
def variants(name: str) -> tuple[str, ...]:
    """The name, and its ASCII transliteration when that differs from the folded name."""
    out = [name]
    if is_latin(name):
        ascii_form = unidecode(name)
        if ascii_form and tokenizer_fold(ascii_form) != tokenizer_fold(name):
            out.append(ascii_form)
    return tuple(out)


def fts_term(token: str, prefix: bool = False) -> str:
    """One FTS5 string term; double quotes inside are doubled, so nothing is syntax."""
    quoted = '"' + token.replace('"', '""') + '"'
    return quoted + "*" if prefix else quoted
