"""How far a named place reaches (its radius) and how much one match of a name is worth."""

from __future__ import annotations

import math

from geosleuth.geo.gazetteer import GazPlace, PlaceMatch

MIN_CITY_KM = 3.0
MAX_CITY_KM = 60.0
TOP_STRENGTH = 0.85
MIN_STRENGTH = 0.05


def place_radius_km(place: GazPlace) -> float:
    """The 95 % radius of "the photo is at this place", from its kind and population.

    A town of 10,000 gets about 5 km and a metropolis of a million about 30 km
    (5 km x (population / 10,000) ^ 0.39, within 3..60 km); a region, state or continent
    its extent from the index (90 % of its towns lie within it), a country the root of
    its area.
    """
    if place.kind == "city":
        km = 5.0 * (max(place.population, 1000) / 10_000) ** 0.39
        return float(min(MAX_CITY_KM, max(MIN_CITY_KM, km)))
    if place.extent_km:
        return float(max(place.extent_km, MIN_CITY_KM))
    return 100.0


def strengths(matches: list[PlaceMatch]) -> list[float]:
    """Strength of each match: its score times its share of the name's prior weight.

    A place's prior is the square root of its population (bigger places are more often
    photographed and more often meant), so "Vienna" gives Vienna, Austria most of the
    weight and the Viennas of the United States a little each; a name that fits one
    place only keeps the full strength. The square root of the share keeps a runner-up
    from vanishing.
    """
    priors = [m.score * math.sqrt(m.place.population + 1000.0) for m in matches]
    total = sum(priors) or 1.0
    return [
        max(MIN_STRENGTH, min(TOP_STRENGTH, TOP_STRENGTH * m.score * math.sqrt(p / total)))
        for m, p in zip(matches, priors, strict=True)
    ]


def merge_nested(matches: list[PlaceMatch]) -> list[PlaceMatch]:
    """Drop a region or state whose own town of the same name also matched.

    "Vaduz" is both a town and the municipality around it; "Vienna" a city and a federal
    state. Both readings put the photo in the same place, so the region is dropped and
    the town (the more precise reading) keeps the whole strength instead of half of it.
    Countries named like their capital (Monaco, Luxembourg) are kept: the country reading
    is wider and often the one meant.
    """
    from geosleuth.geo.distance import haversine_km

    cities = [m.place for m in matches if m.place.kind == "city"]
    out = []
    for m in matches:
        region = m.place
        if region.kind in ("admin1", "us_state") and any(
            c.country_code == region.country_code
            and c.admin1 == region.admin1
            and float(haversine_km(c.lat, c.lon, region.lat, region.lon))
            <= max(region.extent_km or 0.0, 10.0)
            for c in cities
        ):
            continue
        out.append(m)
    return out
