"""The likelihood terms of a set of constraints, computed once and reused.

A case's fusion runs after every step, and each run sees the evidence of the steps before
again. Two things make that cheap:

* a constraint's **base-grid term** (its log-likelihood on the 41,162 resolution-3 cells,
  and an area clue's norm, which only depends on the base grid) is kept in a small cache
  keyed by the constraint object, so a step evaluates only its new evidence on the base
  grid;
* on the few cells a refinement round creates, every **point reading is evaluated at once**
  (one cells × points matrix) instead of one call per reading, because those calls are
  dominated by numpy's per-call overhead, not by arithmetic.

An entry lives as long as its constraint (a weak reference drops it when the evidence is
freed, so a batch does not pile up terms of finished photos) and holds the country lookup,
so neither id can be reused while the entry is there; constraints are frozen models, so an
entry cannot go stale.
"""

from __future__ import annotations

import threading
import weakref
from collections import OrderedDict
from collections.abc import Sequence
from functools import lru_cache

import numpy as np

from geosleuth.fusion.grid import Cells, base_cells
from geosleuth.fusion.likelihood import (
    CountryLookup,
    area_loglik,
    is_area,
    log_likelihood,
    memoised,
    point_density,
    point_loglik,
    profile,
)
from geosleuth.fusion.prior import base_prior
from geosleuth.model import CountryConstraint, GeoConstraint, PointConstraint

Norm = tuple[float, float]
MAX_CACHED = 256  # a safety cap; entries also go when their constraint is freed
Entry = tuple["weakref.ref[GeoConstraint]", object, Norm, np.ndarray]

_cache: OrderedDict[tuple[int, int], Entry] = OrderedDict()
_lock = threading.Lock()


def _norm(c: GeoConstraint, f: np.ndarray, prior_mass: np.ndarray) -> Norm:
    """An area clue's (floor, prior probability of its region above the floor)."""
    floor = float(f.min()) if len(f) else 0.0
    floor = floor if floor < 1.0 else 0.0  # a flat profile: keep it as it is
    return floor, float((prior_mass * (f - floor)).sum())


@lru_cache(maxsize=4)
def _on_base_cells(countries: CountryLookup) -> CountryLookup:
    """``countries``, answering for the base cells from memory (looked up once per process)."""
    cells = base_cells()
    codes = countries(cells.lat, cells.lon)
    codes.setflags(write=False)

    def lookup(lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
        return codes if lat is cells.lat and lon is cells.lon else countries(lat, lon)

    return lookup


def _compute(c: GeoConstraint, countries: CountryLookup | None) -> tuple[Norm, np.ndarray]:
    cells = base_cells()
    radius = cells.radius_km
    lookup = _on_base_cells(countries) if countries is not None else None
    prior_mass = base_prior(countries) * cells.area
    if is_area(c):
        norm = _norm(c, profile(c, cells.lat, cells.lon, radius, lookup), prior_mass)
    else:
        assert isinstance(c, PointConstraint)
        dens = point_density(cells.lat, cells.lon, radius, c.lat, c.lon, c.radius_km)
        norm = (0.0, float((prior_mass * dens).sum()))
    return norm, log_likelihood(c, cells.lat, cells.lon, radius, lookup, norm)


def base_term(c: GeoConstraint, countries: CountryLookup | None) -> tuple[Norm, np.ndarray]:
    """A constraint's norm and its log-likelihood on ``base_cells()`` (cached; read-only)."""
    key = (id(c), id(countries))
    with _lock:
        hit = _cache.get(key)
        if hit is not None and hit[0]() is c and hit[1] is countries:
            _cache.move_to_end(key)
            return hit[2], hit[3]
    norm, ll = _compute(c, countries)
    ll.setflags(write=False)

    def forget(_: object) -> None:
        with _lock:
            _cache.pop(key, None)

    with _lock:
        _cache[key] = (weakref.ref(c, forget), countries, norm, ll)
        while len(_cache) > MAX_CACHED:
            _cache.popitem(last=False)
    return norm, ll


def clear() -> None:
    """Forget every cached term (tests; a changed prior)."""
    with _lock:
        _cache.clear()


def _points_loglik(
    points: Sequence[tuple[PointConstraint, Norm]],
    lat: np.ndarray,
    lon: np.ndarray,
    cell_r: np.ndarray,
) -> np.ndarray:
    """Σ log L of many point readings on a few cells, as one cells × points matrix."""
    return point_loglik(
        lat[:, None], lon[:, None], cell_r[:, None],
        np.array([p.lat for p, _ in points])[None, :],
        np.array([p.lon for p, _ in points])[None, :],
        np.array([p.radius_km for p, _ in points])[None, :],
        np.array([p.strength for p, _ in points])[None, :],
        np.array([z for _, (_, z) in points])[None, :],
    ).sum(axis=1)


def _countries_loglik(
    clues: Sequence[tuple[CountryConstraint, Norm]],
    lat: np.ndarray,
    lon: np.ndarray,
    countries: CountryLookup,
) -> np.ndarray:
    """Σ log L of many country clues, computed once per distinct country among the cells."""
    unique, inverse = np.unique(countries(lat, lon), return_inverse=True)
    per_country = np.zeros(len(unique))
    for c, (floor, z) in clues:
        w = np.array([c.weights.get(str(code), c.default) for code in unique], dtype=float)
        per_country += area_loglik(1.0 - w if c.negate else w, c.strength, floor, z)
    return per_country[inverse.reshape(-1)]


def cells_loglik(
    cells: Cells,
    constraints: Sequence[GeoConstraint],
    norms: Sequence[Norm],
    countries: CountryLookup | None,
) -> np.ndarray:
    """Σ log L of every constraint on some (refined) cells."""
    total = np.zeros(len(cells))
    if not len(cells):
        return total
    radius = cells.radius_km
    countries = memoised(countries)
    points = [(c, norm) for c, norm in zip(constraints, norms, strict=True)
              if isinstance(c, PointConstraint) and not is_area(c)]
    if points:
        total += _points_loglik(points, cells.lat, cells.lon, radius)
    by_country: list[tuple[CountryConstraint, Norm]] = []
    for c, norm in zip(constraints, norms, strict=True):
        if isinstance(c, CountryConstraint) and countries is not None:
            by_country.append((c, norm))
        elif is_area(c):
            total += log_likelihood(c, cells.lat, cells.lon, radius, countries, norm)
    if by_country and countries is not None:
        total += _countries_loglik(by_country, cells.lat, cells.lon, countries)
    return total
