"""Unicode script detection: which writing systems the letters of a text belong to.

``detect_scripts(text)`` returns, for each script, its share of the letters (general
category L*). Digits, punctuation, spaces and combining marks are not counted, so a price
tag "€ 12,50" has no script at all.

Names are Unicode script property values (``Latin``, ``Cyrillic``, ``Han`` ...), with one
documented fold: Hiragana and Katakana are reported together as ``"Kana"`` (ISO 15924
``Hrkt``, "Japanese syllabaries"), and the prolonged-sound mark ``ー`` counts as Kana
through its Script_Extensions. Han characters are always ``"Han"``, whether the text is
Chinese or Japanese: a caller that sees Kana next to Han knows the text is Japanese.
Letters of scripts not listed in ``SCRIPTS`` are reported as ``"Other"``.

The classification uses the ``regex`` package's Unicode script properties (kept current
with the Unicode Character Database), one compiled alternation with a named group per script.
"""

from __future__ import annotations

from collections import Counter
from functools import lru_cache

import regex

KANA = "Kana"
OTHER = "Other"

# Unicode script property names, most common on public signage first. "Kana" is the fold
# of Hiragana + Katakana (matched by Script_Extensions so that "ー" counts as Kana).
SCRIPTS: tuple[str, ...] = (
    "Latin", "Cyrillic", "Greek", "Han", KANA, "Hangul", "Arabic", "Hebrew", "Thai",
    "Devanagari", "Bengali", "Gurmukhi", "Gujarati", "Oriya", "Tamil", "Telugu", "Kannada",
    "Malayalam", "Sinhala", "Georgian", "Armenian", "Ethiopic", "Khmer", "Lao", "Myanmar",
    "Tibetan", "Thaana", "Syriac", "Mongolian", "Tifinagh", "Bopomofo", "Cherokee",
    "Canadian_Aboriginal",
)


@lru_cache(maxsize=1)
def _pattern() -> regex.Pattern[str]:
    parts = [r"(?P<Kana>[[\p{scx=Hiragana}\p{scx=Katakana}]&&\p{L}])"]
    parts += [
        rf"(?P<{name}>[\p{{sc={name}}}&&\p{{L}}])" for name in SCRIPTS if name != KANA
    ]
    parts.append(r"(?P<Other>\p{L})")
    return regex.compile("|".join(parts), flags=regex.V1)


def script_counts(text: str) -> Counter[str]:
    """Number of letters of each script in ``text``."""
    return Counter(m.lastgroup for m in _pattern().finditer(text) if m.lastgroup)


def detect_scripts(text: str) -> dict[str, float]:
    """Script -> share of the letters in ``text`` (shares sum to 1; empty when no letters).

    The dict is ordered by share, largest first. ``"Kana"`` stands for Hiragana and
    Katakana together; ``"Other"`` for letters of scripts not in ``SCRIPTS``.
    """
    counts = script_counts(text)
    total = sum(counts.values())
    if total == 0:
        return {}
    return {name: n / total for name, n in counts.most_common()}


def dominant_script(text: str) -> str | None:
    """The script with most letters in ``text``, or None when it has no letters."""
    counts = script_counts(text)
    return counts.most_common(1)[0][0] if counts else None
