"""The clue a place name read in the text gives: a point constraint around the place
(radius by population or extent), trusted by match score and by how clearly one place
stands out among those bearing the name, or a country constraint for a country's name.
A sign naming a place is not proof of being there, so the strengths stay moderate.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from geosleuth.model import CountryConstraint, PointConstraint
from geosleuth.text.clue import TextClue
from geosleuth.text.quoting import quote

if TYPE_CHECKING:
    from geosleuth.geo.gazetteer import PlaceMatch

HINT_BOOST = 10.0
COUNTRY_STRENGTH = 0.4
MAX_STRENGTH = 0.6
MIN_STRENGTH = 0.05
SMALL_PLACE_POPULATION = 100_000  # a lone word naming a smaller town is weaker evidence
KIND_FACTOR = {"city": 1.0, "admin1": 0.5, "us_state": 0.5, "country": 1.0}
ROMANISED = 0.3  # a Latin name alone, of a place whose country writes another script
LATIN_COUNTRY = 0.1  # CLDR weight of Latin script below which a country writes another


def radius_for_population(population: int | None) -> float:
    """km within which a photo "at" a place of this size lies (95 %): 5 km to 60 km."""
    pop = max(population or 0, 1000)
    return float(min(60.0, max(5.0, 3.0 * (pop / 1000) ** (1 / 3))))


def weight(m: PlaceMatch, hint: set[str]) -> float:
    """How much a match counts among the places bearing a name: match score, size, kind,
    and whether it lies in a hinted country."""
    boost = HINT_BOOST if m.place.country_code in hint else 1.0
    kind = KIND_FACTOR.get(m.place.kind, 0.5)
    return (m.score**4) * math.sqrt((m.place.population or 0) + 1000) * boost * kind


def romanised(clue: TextClue, best: PlaceMatch) -> TextClue:
    """A name in Latin letters alone, of a place in a country that writes another script
    ("TOYOTA" on a car, "SEOUL" on a T-shirt), is weaker: signs there name their places in
    the local script too."""
    from geosleuth.text.languages import countries_for_script

    c = clue.constraint
    if c is None or countries_for_script("Latin").get(best.place.country_code or "", 0.0) \
            >= LATIN_COUNTRY:
        return clue
    strength = round(max(MIN_STRENGTH, c.strength * ROMANISED), 3)
    return TextClue(kind=clue.kind, text=clue.text,
                    summary=clue.summary + "; in Latin letters only, where another script is "
                    "written", data={**clue.data, "romanised_only": True},
                    constraint=c.model_copy(update={"strength": strength}))


def country_clue(text: str, code: str) -> TextClue:
    return TextClue(
        kind="place_name",
        text=text,
        summary=f"country name {quote(text)}: {code}",
        data={"name": text, "country": code, "kind": "country"},
        constraint=CountryConstraint(weights={code: 1.0}, default=0.2, strength=COUNTRY_STRENGTH),
    )


def strength_of(best: PlaceMatch, share: float, words: int, distinctive: bool = False) -> float:
    """How likely a name read on a photo is to name the place the photo is at.

    A name that fits one place exactly gets up to ``MAX_STRENGTH`` (a sign names many
    other places than its own: destinations, shops, streets after people and towns). Less
    when the name is shared (``share``: the place's part of the name's weight), when the
    reading is fuzzy (score⁴: a near-miss is mostly another word), and, for a lone word,
    when the place is small (√(population / 100,000)): short words match small towns all
    over the world by chance, while a name of several words rarely does; and neither does
    a ``distinctive`` one (``placenames.distinctive``), which keeps its full strength.
    """
    exact = best.score**4
    size = 1.0
    if words == 1 and best.place.kind == "city" and not distinctive:
        size = min(1.0, math.sqrt((best.place.population or 0) / SMALL_PLACE_POPULATION))
    return round(max(MIN_STRENGTH, MAX_STRENGTH * exact * math.sqrt(share) * size), 3)


def place_clue(text: str, best: PlaceMatch, matches: list[PlaceMatch], hint: set[str],
               words: int = 1, distinctive: bool = False) -> TextClue:
    """The point constraint for ``best`` among the ``matches`` of a name."""
    weights = [weight(m, hint) for m in matches]
    share = weight(best, hint) / sum(weights)
    place = best.place
    if place.kind in ("admin1", "us_state"):
        radius = max(50.0, place.extent_km or 150.0)
    else:
        radius = radius_for_population(place.population)
    strength = strength_of(best, share, words, distinctive)
    others = len({m.place.geonameid for m in matches}) - 1
    alt = f"; {others} other place(s) share the name" if others else ""
    return TextClue(
        kind="place_name",
        text=text,
        summary=f"place name {quote(text)}: {place.name} ({place.country_code}, "
        f"{place.kind}, pop. {place.population or 0:,}) score {best.score:.2f}{alt}",
        data={
            "name": text,
            "place": {"geonameid": place.geonameid, "name": place.name, "lat": place.lat,
                      "lon": place.lon, "country": place.country_code, "kind": place.kind,
                      "population": place.population, "admin1": place.admin1},
            "matched": best.matched,
            "score": round(best.score, 3),
            "ambiguity": round(1 - share, 3),
            "alternatives": [
                {"name": m.place.name, "country": m.place.country_code, "score": round(m.score, 3)}
                for m in matches if m is not best
            ][:5],
        },
        constraint=PointConstraint(lat=place.lat, lon=place.lon, radius_km=radius,
                                   strength=strength),
    )
