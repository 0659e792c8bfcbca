"""Names in the investigator's clues: "did you mean" for a kind, and country names.

``suggest`` finds the known word a typo stands for (``contry`` → ``country``), strictly
enough that free text is not mistaken for a typo. ``country_code`` reads an ISO 3166
alpha-2 code or a country's name in any CLDR language (``France``, ``Deutschland``,
``United States``) through ``geo.countries.find_country``, and a few everyday English
names neither CLDR nor ISO lists (``Britain``, ``America``, ``UAE``); ``country_hint`` is
the name a misspelt one stands for.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable

# A typo of a kind, not free text: "contry" (0.92) and "shaddow" (0.92) are typos; "my note"
# (0.73 to "note") and "country code" (0.74 to "country") are not.
KIND_CUTOFF = 0.8
NAME_CUTOFF = 0.8

# Everyday English names that neither CLDR nor ISO 3166 gives (a person's words, so they
# are read here and not in geo.countries, where a sign saying "America" is no country).
ENGLISH_NAMES = {
    "britain": "GB", "great britain": "GB", "scotland": "GB", "wales": "GB",
    "northern ireland": "GB", "america": "US", "uae": "AE", "emirates": "AE",
    "dr congo": "CD", "drc": "CD", "bosnia": "BA", "macedonia": "MK", "palestine": "PS",
    "czech rep": "CZ",
}


def suggest(word: str, known: Iterable[str], cutoff: float = KIND_CUTOFF) -> str | None:
    """The known word ``word`` is most likely a typo of, or None."""
    found = difflib.get_close_matches(word.lower(), list(known), n=1, cutoff=cutoff)
    return found[0] if found else None


def country_code(text: str) -> str | None:
    """The ISO 3166 alpha-2 code of a code or a country name, or None."""
    import pycountry

    token = " ".join(text.split())
    if not token:
        return None
    if len(token) == 2 and token.isalpha() and pycountry.countries.get(
            alpha_2=token.upper()) is not None:
        return token.upper()
    from geosleuth.geo.countries import find_country

    bare = re.sub(r"^the\s+", "", token, flags=re.IGNORECASE)
    for candidate in dict.fromkeys((token, token.upper(), bare, bare.replace(".", ""),
                                    bare.replace(".", "").upper())):
        code = ENGLISH_NAMES.get(candidate.lower()) or find_country(candidate)
        if code is not None:
            return code
    return None


def country_hint(text: str) -> str | None:
    """The English country name a misspelt ``text`` most likely stands for, or None."""
    from geosleuth.geo.countries import all_countries

    names = {c.name.lower(): c.name for c in all_countries()}
    names |= {alias: alias.title() for alias in ENGLISH_NAMES if len(alias) > 4}
    found = suggest(" ".join(text.split()), names, NAME_CUTOFF)
    return names[found] if found else None
