"""A submitted circle turned into a verdict whose confidence is the posterior mass in it."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from geosleuth.fusion.hypotheses import Describe, by_mass
from geosleuth.fusion.likelihood import CountryLookup
from geosleuth.fusion.posterior import Posterior
from geosleuth.geo.distance import haversine_km
from geosleuth.model import Level, Verdict, level_for_radius
from geosleuth.model.hypothesis import REGION_KM


class Submission(Protocol):
    """A proposed circle, as a reasoner submits it (``agent.state.Submission``): the fusion
    reads these fields and knows nothing else of the loop."""

    lat: float
    lon: float
    radius_km: float
    place: str | None
    rationale: str
    evidence: Sequence[str]


def mass_within(post: Posterior, lat: float, lon: float, radius_km: float) -> float:
    """Posterior probability that the truth lies within ``radius_km`` of a point."""
    if len(post.constraints) == 0:
        return 0.0
    d = haversine_km(post.cells.lat, post.cells.lon, lat, lon)
    return float(min(post.mass[d <= radius_km].sum(), 1.0))


COUNTRY_SHARE = 0.8  # a wide verdict is "country" level when this much of it is one country


def country_mass(post: Posterior, code: str | None, countries: CountryLookup | None
                 ) -> float | None:
    """The posterior probability that the photo was taken in country ``code`` (cells are
    counted by the country of their centre), or None when it cannot be told."""
    if not code or countries is None or len(post.constraints) == 0 or len(post.mass) == 0:
        return None
    codes = countries(post.cells.lat, post.cells.lon)
    return round(float(min(post.mass[codes == code].sum(), 1.0)), 4)


def verdict_level(
    post: Posterior,
    lat: float,
    lon: float,
    radius_km: float,
    country_code: str | None,
    countries: CountryLookup | None,
) -> tuple[Level, str]:
    """The level of a verdict circle, and a note for the rationale when it is not the radius's.

    The level follows the radius, except that a wide circle whose probability lies mostly
    in one country is a country-level answer.
    """
    level = level_for_radius(radius_km)
    if level not in ("country", "continent", "unknown") or countries is None or not country_code:
        return level, ""
    inside = haversine_km(post.cells.lat, post.cells.lon, lat, lon) <= radius_km
    mass = post.mass[inside]
    if mass.sum() <= 0:
        return level, ""
    codes = countries(post.cells.lat[inside], post.cells.lon[inside])
    if float(mass[codes == country_code].sum() / mass.sum()) >= COUNTRY_SHARE:
        return "country", f"; {COUNTRY_SHARE:.0%} or more of it lies in {country_code}"
    return level, ""


def verdict_from_submission(
    sub: Submission,
    post: Posterior,
    describe: Describe | None,
    countries: CountryLookup | None = None,
) -> Verdict:
    place = describe(sub.lat, sub.lon) if describe else None
    if place is not None and sub.radius_km > REGION_KM and countries is not None:
        # a wide circle's country is the one that holds most of it (``by_mass``)
        inside = haversine_km(post.cells.lat, post.cells.lon, sub.lat, sub.lon) <= sub.radius_km
        where = (post.cells.lat[inside], post.cells.lon[inside], post.mass[inside])
        place = by_mass(place.at_scale(sub.radius_km), where, countries, describe)
    confidence = round(mass_within(post, sub.lat, sub.lon, sub.radius_km), 4)
    code = place.country_code if place else None
    level, why = verdict_level(post, sub.lat, sub.lon, sub.radius_km, code, countries)
    return Verdict(
        lat=round(sub.lat, 6),
        lon=round(sub.lon, 6),
        radius_km=sub.radius_km,
        confidence=confidence,
        country_code=place.country_code if place else None,
        country_confidence=country_mass(post, code, countries),
        place=sub.place or (place.label() if place else None) or None,
        level=level if confidence > 0 else "unknown",
        rationale=(sub.rationale + "; " if sub.rationale else "")
        + f"posterior probability {confidence:.2f} within {sub.radius_km:g} km of the submitted"
        " point" + why,
        evidence=list(sub.evidence),
    )
