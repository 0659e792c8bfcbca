"""A submitted circle turned into a verdict whose confidence is the posterior mass in it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from geosleuth.fusion.hypotheses import Describe
from geosleuth.fusion.posterior import Posterior
from geosleuth.geo.distance import haversine_km
from geosleuth.model import Verdict, level_for_radius

if TYPE_CHECKING:
    from geosleuth.agent.state import Submission


def mass_within(post: Posterior, lat: float, lon: float, radius_km: float) -> float:
    """Posterior probability that the truth lies within ``radius_km`` of a point."""
    if len(post.constraints) == 0:
        return 0.0
    d = haversine_km(post.cells.lat, post.cells.lon, lat, lon)
    return float(min(post.mass[d <= radius_km].sum(), 1.0))


def verdict_from_submission(sub: Submission, post: Posterior, describe: Describe | None) -> Verdict:
    place = describe(sub.lat, sub.lon) if describe else None
    confidence = round(mass_within(post, sub.lat, sub.lon, sub.radius_km), 4)
    return Verdict(
        lat=round(sub.lat, 6),
        lon=round(sub.lon, 6),
        radius_km=sub.radius_km,
        confidence=confidence,
        country_code=place.country_code if place else None,
        place=sub.place or (place.label() if place else None) or None,
        level=level_for_radius(sub.radius_km) if confidence > 0 else "unknown",
        rationale=(sub.rationale + "; " if sub.rationale else "")
        + f"posterior probability {confidence:.2f} within {sub.radius_km:g} km of the submitted"
        " point",
        evidence=list(sub.evidence),
    )
