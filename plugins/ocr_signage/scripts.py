"""The script of a line of text, as ``geosleuth.text.scripts`` names it."""

from __future__ import annotations

from geosleuth.text.scripts import detect_scripts


def scripts_of(text: str) -> list[str]:
    """Scripts of the letters in ``text``, largest share first (empty without letters)."""
    return list(detect_scripts(text))


def line_script(text: str) -> str:
    """The script of most letters in ``text``; "" when it has no letters (digits, signs).

    Japanese is reported as "Japanese" when the line has any kana next to its Han (the
    kanji of a Japanese sign are Han letters; kana are what tells it is not Chinese).
    """
    shares = detect_scripts(text)
    if not shares:
        return ""
    if "Kana" in shares:
        return "Japanese"
    return next(iter(shares))
