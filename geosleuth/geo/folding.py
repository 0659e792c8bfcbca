"""Name folding for matching place names: case, accents, punctuation and a few letters.

``fold_name("São Paulo") == fold_name("sao-paulo") == "sao paulo"``. Only the combining
diacritical marks block (U+0300-U+036F) is removed, so Latin, Greek and Cyrillic lose their
accents while scripts whose vowel signs are combining marks (Devanagari, Thai, Arabic)
keep them. Written here because unidecode would also transliterate non-Latin scripts,
which must stay as they are to match GeoNames' local-script names.
"""

from __future__ import annotations

import re
import unicodedata

# Letters that Unicode does not decompose into a base letter plus a mark.
_LETTERS = str.maketrans(
    {"ø": "o", "ł": "l", "đ": "d", "ð": "d", "þ": "th", "æ": "ae", "œ": "oe", "ı": "i",
     "ħ": "h", "ŧ": "t", "ŀ": "l"}
)  # fmt: skip
_SEPARATORS = re.compile(r"[\s\-\u2010-\u2015_.,;:'\u2018\u2019\u02bc`\"/()\[\]]+")
_MARKS = re.compile("[\u0300-\u036f]+")
_HAS_UMLAUT = re.compile("[äöüÄÖÜ]")
_UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue"})


def fold_name(text: str) -> str:
    """Case-, accent- and punctuation-insensitive key of a name."""
    if text.isascii():
        return _SEPARATORS.sub(" ", text.lower()).strip()
    s = _MARKS.sub("", unicodedata.normalize("NFKD", text.casefold()))
    s = unicodedata.normalize("NFC", s).translate(_LETTERS)
    return _SEPARATORS.sub(" ", s).strip()


def name_keys(name: str) -> set[str]:
    """Keys under which a name is indexed: its fold, and for German umlauts the ae/oe/ue form."""
    keys = {fold_name(name)}
    if _HAS_UMLAUT.search(name):
        keys.add(fold_name(name.translate(_UMLAUTS)))
    keys.discard("")
    return keys


def has_non_latin(text: str) -> bool:
    """Whether the text holds letters outside the Latin script (Han, Greek, Cyrillic...)."""
    return any(ch.isalpha() and not unicodedata.name(ch, "").startswith("LATIN") for ch in text)
