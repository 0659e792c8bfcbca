"""Bilingual signs: a reading in a local script that the sign's Latin line spells out.

Signs in India, Korea, Greece, Bangladesh ... give the place name twice, in the local script
and in Latin letters ("पीतमपुरा Pitampura", "천안 Cheonan"). When a line's reading in a
local script, romanised, spells the consonants of a Latin line of the same photo, the
Latin line confirms that reading: its script and, roughly, its letters. Tesseract's
look-alike models cannot fake that (their letters romanise to other consonants).

The comparison is of consonant skeletons: Unidecode's romanisation (which follows each
script's usual romanisation closely enough for names), lower-cased, letters only, without
vowels, h, w and y (romanisations disagree on vowel length, aspiration and glides:
"बेकहाऊस" romanises to "bekhaauus", the sign says "BAKEHOUSE"; both give "bks"), and
without doubled letters. Measured on the real signs' bilingual lines
(``benchmarks/real.md``): right pairs matched at 86-100, look-alike readings and other
lines of the same photos at 57 or less.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

import regex
from rapidfuzz import fuzz

MIN_SKELETON = 3  # consonants; two ("sl" of Seoul) match other lines by chance
# A skeleton shorter than this must match most of a Latin line (at most ``SHORT_SLACK``
# consonants more): three consonants turn up inside a long line by chance (a Telugu
# look-alike "nkn" in "... Bank Owned by ..." of a real Tripura bank sign).
ALIGN_FROM = 5
SHORT_SLACK = 2
MATCH_FROM = 85.0  # rapidfuzz similarity (0-100) of the skeletons

_NOT_LETTER = regex.compile(r"[^a-z]+")
_SOFT = regex.compile(r"[aeiouyhw]+")
_DOUBLED = regex.compile(r"(.)\1+")


@lru_cache(maxsize=1024)
def skeleton(text: str) -> str:
    """The consonants of ``text`` romanised (see the module docstring)."""
    from unidecode import unidecode

    letters = _NOT_LETTER.sub("", unidecode(text).lower())
    return _DOUBLED.sub(r"\1", _SOFT.sub("", letters))


def similarity(reading: str, latin: str) -> float:
    """How well ``reading``'s skeleton matches ``latin``'s (0-100; 0 when either is short).

    The reading may be one part of the Latin line ("बाराखम्बा" in "Barakhamba Road"), so
    it is aligned within it; a short reading only within a short line ("मण्डी" in "Mandi
    House"); a Latin line shorter than the reading is compared whole.
    """
    a, b = skeleton(reading), skeleton(latin)
    if len(a) < MIN_SKELETON or len(b) < MIN_SKELETON:
        return 0.0
    if len(a) < ALIGN_FROM and len(b) > len(a) + SHORT_SLACK:
        return 0.0
    return fuzz.partial_ratio(a, b) if len(a) <= len(b) else fuzz.ratio(a, b)


def echoed(reading: str, latin_lines: Sequence[str]) -> str | None:
    """The Latin line of the photo that spells ``reading`` out, if any."""
    best = max(latin_lines, key=lambda line: similarity(reading, line), default=None)
    if best is not None and similarity(reading, best) >= MATCH_FROM:
        return best
    return None
