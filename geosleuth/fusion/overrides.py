"""The investigator's exclusions hold: "not in X" and a rejected hypothesis are limits.

A likelihood, however strong, can be outvoted: several strong readings inside a country
the investigator has ruled out would still leave most of the probability there. An
investigator who says "not Portugal" means it, so each exclusion the investigator makes
is enforced on the posterior as a limit on the probability left inside the excluded
region: at most ``COUNTRY_LIMIT`` in an excluded country (or any excluded area), at most
``CIRCLE_LIMIT`` inside a rejected circle. The rest of the evidence decides where the
probability goes instead. The limit is applied before refinement (so the grid is refined
where the probability will be) and enforced exactly on the final cells.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from geosleuth.fusion.likelihood import CountryLookup, profile
from geosleuth.geo.distance import haversine_km
from geosleuth.model import CountryConstraint, Evidence, GeoConstraint, PointConstraint

COUNTRY_LIMIT = 0.02
CIRCLE_LIMIT = 0.05
PLANNING_SHARE = 0.5  # before refinement, aim at half the limit: refinement moves mass a little


@dataclass(frozen=True)
class Override:
    eid: str
    constraint: GeoConstraint
    limit: float

    def inside(self, lat: np.ndarray, lon: np.ndarray, countries: CountryLookup | None
               ) -> np.ndarray:
        """Which cells lie in the excluded region."""
        c = self.constraint
        if isinstance(c, PointConstraint):
            return np.asarray(haversine_km(lat, lon, c.lat, c.lon) <= c.radius_km)
        f = profile(c, lat, lon, np.zeros_like(lat), countries)
        return np.asarray(f < 0.5)


def excludes(c: GeoConstraint) -> bool:
    """A constraint that rules a region out: negated, or "every country but these"."""
    if c.negate:
        return True
    return isinstance(c, CountryConstraint) and c.default > max(c.weights.values(), default=1.0)


def overrides(evidence: Sequence[Evidence]) -> list[Override]:
    """The investigator's exclusions among the evidence."""
    out = []
    for e in evidence:
        c = e.constraint
        if c is None or e.basis != "investigator" or not excludes(c):
            continue
        limit = CIRCLE_LIMIT if isinstance(c, PointConstraint) else COUNTRY_LIMIT
        out.append(Override(e.id, c, limit))
    return out


def _factor(share: float, limit: float) -> float:
    """The factor on the mass inside that leaves ``limit`` of the whole there."""
    if share <= limit or share >= 1.0:
        return 1.0 if share <= limit else 1e-12
    return limit * (1.0 - share) / (share * (1.0 - limit))


def planning_terms(
    found: Sequence[Override],
    lat: np.ndarray,
    lon: np.ndarray,
    logmass: np.ndarray,
    countries: CountryLookup | None,
) -> list[tuple[Override, float]]:
    """Each exclusion with the log factor to apply inside it, from the base cells' mass."""
    out = []
    logmass = logmass.copy()
    for o in found:
        inside = o.inside(lat, lon, countries)
        w = np.exp(logmass - logmass.max())
        share = float(w[inside].sum() / w.sum())
        log_k = math.log(_factor(share, o.limit * PLANNING_SHARE))
        logmass[inside] += log_k
        out.append((o, log_k))
    return out


def planning_loglik(
    terms: Sequence[tuple[Override, float]],
    lat: np.ndarray,
    lon: np.ndarray,
    countries: CountryLookup | None,
) -> np.ndarray:
    total = np.zeros(len(lat))
    for o, log_k in terms:
        if log_k:
            total[o.inside(lat, lon, countries)] += log_k
    return total


def enforce(
    found: Sequence[Override],
    lat: np.ndarray,
    lon: np.ndarray,
    mass: np.ndarray,
    countries: CountryLookup | None,
) -> np.ndarray:
    """The normalised mass with no more than each limit inside each exclusion."""
    if not found:
        return mass
    insides = [(o, o.inside(lat, lon, countries)) for o in found]
    mass = mass.copy()
    for _ in range(3):  # exclusions that overlap settle in a few rounds
        for o, inside in insides:
            share = float(mass[inside].sum())
            if share > o.limit:
                mass[inside] *= _factor(share, o.limit)
                mass /= mass.sum()
    return mass
