"""The posterior over the globe: the prior times every likelihood, refined where it matters."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from geosleuth.fusion.grid import BASE_RES, Cells, base_cells, refine, resolution_for_radius
from geosleuth.fusion.likelihood import (
    CountryLookup,
    is_area,
    log_likelihood,
    memoised,
    profile,
)
from geosleuth.fusion.prior import base_prior
from geosleuth.model import Evidence, GeoConstraint, PointConstraint

AREA_TARGET_RES = 5  # cells of ~9 km radius are fine enough for area clues
MAX_REFINE_PER_LEVEL = 1500
MIN_MASS_TO_REFINE = 1e-6
MAX_AREA_REFINE_CELLS = 3000  # refine for area clues only when the mass sits in fewer cells
TOP_SHARE = 0.99  # only cells among those holding 99 % of the mass are refined


@dataclass(frozen=True)
class Posterior:
    cells: Cells
    mass: np.ndarray  # normalised probability of each leaf cell
    constraints: tuple[tuple[str, GeoConstraint], ...]


def _loglik(
    cells: Cells,
    constraints: Sequence[GeoConstraint],
    countries: CountryLookup | None,
    norms: Sequence[tuple[float, float]],
) -> np.ndarray:
    total = np.zeros(len(cells))
    radius = cells.radius_km
    countries = memoised(countries)
    for c, norm in zip(constraints, norms, strict=True):
        total += log_likelihood(c, cells.lat, cells.lon, radius, countries, norm)
    return total


def _norms(
    cells: Cells,
    prior_mass: np.ndarray,
    constraints: Sequence[GeoConstraint],
    countries: CountryLookup | None,
) -> list[tuple[float, float]]:
    """Each area clue's (floor, prior probability of its region above the floor)."""
    countries = memoised(countries)
    radius = cells.radius_km
    out: list[tuple[float, float]] = []
    for c in constraints:
        if not is_area(c):
            out.append((0.0, 1.0))
            continue
        f = profile(c, cells.lat, cells.lon, radius, countries)
        floor = float(f.min()) if len(f) else 0.0
        floor = floor if floor < 1.0 else 0.0  # a flat profile: keep it as it is
        out.append((floor, float((prior_mass * (f - floor)).sum())))
    return out


def _target_res(cells: Cells, points: Sequence[PointConstraint], area_res: int) -> np.ndarray:
    from geosleuth.geo.distance import haversine_km

    target = np.full(len(cells), area_res, dtype=np.int8)
    radius = cells.radius_km
    for p in points:
        if p.negate:
            continue
        near = haversine_km(cells.lat, cells.lon, p.lat, p.lon) <= 3.0 * p.radius_km + 2.0 * radius
        target[near] = np.maximum(target[near], resolution_for_radius(p.radius_km))
    return target


def posterior(evidence: Sequence[Evidence], countries: CountryLookup | None) -> Posterior:
    """Fuse the constraints of the evidence into a normalised posterior on leaf cells."""
    pairs = tuple((e.id, e.constraint) for e in evidence if e.constraint is not None)
    constraints = [c for _, c in pairs]
    points = [c for c in constraints if isinstance(c, PointConstraint)]
    cells = base_cells()
    prior_mass = base_prior(countries) * cells.area
    log_prior = np.log(prior_mass)
    norms = _norms(cells, prior_mass, constraints, countries)
    ll = _loglik(cells, constraints, countries, norms)
    while True:
        logmass = log_prior + ll
        mass = np.exp(logmass - logmass.max())
        mass /= mass.sum()
        if not constraints:
            break
        # Only cells among those holding most of the mass, with mass worth refining, are
        # candidates; the distance tests below run on them alone.
        cand = np.flatnonzero(_top(mass) & (mass > MIN_MASS_TO_REFINE))
        # A diffuse posterior gains nothing from finer cells; a concentrated one gets sharper
        # borders.
        area_res = AREA_TARGET_RES if len(cand) <= MAX_AREA_REFINE_CELLS else BASE_RES
        sub = cells.take(cand)
        idx = cand[sub.res < _target_res(sub, points, area_res)]
        if len(idx) == 0:
            break
        idx = idx[np.argsort(-mass[idx])][:MAX_REFINE_PER_LEVEL]
        chosen = np.zeros(len(cells), dtype=bool)
        chosen[idx] = True
        parents = cells.take(chosen)
        children, child_parent = refine(parents)
        # density per km² of the prior is inherited; the mass follows the child's area
        parent_density = np.exp(log_prior[chosen]) / parents.area
        child_log_prior = np.log(parent_density[child_parent] * children.area)
        cells = Cells.concat([cells.take(~chosen), children])
        log_prior = np.concatenate([log_prior[~chosen], child_log_prior])
        ll = np.concatenate([ll[~chosen], _loglik(children, constraints, countries, norms)])
    return Posterior(cells=cells, mass=mass, constraints=pairs)


def _top(mass: np.ndarray, share: float = TOP_SHARE) -> np.ndarray:
    """The cells that together hold ``share`` of the mass, largest first."""
    order = np.argsort(-mass)
    keep = np.cumsum(mass[order]) <= share
    keep[: max(1, int(keep.sum()) + 1)] = True
    out = np.zeros(len(mass), dtype=bool)
    out[order[keep]] = True
    return out


__all__ = ["BASE_RES", "Posterior", "posterior"]
