"""The fusion's fast paths compute what the plain algorithm computes.

The posterior caches each constraint's base-grid term, evaluates point readings and
country clues in batches, and refines cells in place. Here a plain version of the same
algorithm (every constraint on every cell set, cells removed and appended each round, the
mass normalised each round) is the reference.
"""

from collections.abc import Sequence

import numpy as np
import pytest

from geosleuth.fusion import posterior as post_mod
from geosleuth.fusion import terms
from geosleuth.fusion.grid import BASE_RES, Cells, base_cells, refine, resolution_for_radius
from geosleuth.fusion.likelihood import is_area, log_likelihood, point_density, profile
from geosleuth.fusion.prior import base_prior
from geosleuth.geo.distance import haversine_km
from geosleuth.model import (
    BandConstraint,
    CountryConstraint,
    Evidence,
    GeoConstraint,
    PointConstraint,
)


def ev(eid: str, constraint: GeoConstraint) -> Evidence:
    return Evidence(id=eid, tool="test", tool_version="1", summary=eid, constraint=constraint)


def _europe(lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    """A toy country lookup: three boxes of Western Europe, everything else sea."""
    out = np.full(len(lat), "", dtype="<U2")
    out[(lat > 42) & (lat < 51) & (lon > -4.5) & (lon < 7.5)] = "FR"
    out[(lat > 36) & (lat < 42) & (lon > -9.5) & (lon < 3)] = "ES"
    out[(lat > 45.8) & (lat < 47.8) & (lon >= 7.5) & (lon < 10.5)] = "CH"
    return out


def _reference(constraints: Sequence[GeoConstraint], countries) -> tuple[Cells, np.ndarray]:
    cells = base_cells()
    prior_mass = base_prior(countries) * cells.area
    norms = []
    for c in constraints:
        if not is_area(c):
            dens = point_density(cells.lat, cells.lon, cells.radius_km, c.lat, c.lon,
                                 c.radius_km)
            norms.append((0.0, float((prior_mass * dens).sum())))
            continue
        f = profile(c, cells.lat, cells.lon, cells.radius_km, countries)
        floor = float(f.min()) if float(f.min()) < 1.0 else 0.0
        norms.append((floor, float((prior_mass * (f - floor)).sum())))

    def loglik(cs: Cells) -> np.ndarray:
        return sum(
            (log_likelihood(c, cs.lat, cs.lon, cs.radius_km, countries, n)
             for c, n in zip(constraints, norms, strict=True)),
            np.zeros(len(cs)),
        )

    def target(cs: Cells, area_res: int) -> np.ndarray:
        out = np.full(len(cs), area_res)
        for p in constraints:
            if isinstance(p, PointConstraint) and not p.negate:
                near = haversine_km(cs.lat, cs.lon, p.lat, p.lon) <= (
                    3 * p.radius_km + 2 * cs.radius_km
                )
                out[near] = np.maximum(out[near], resolution_for_radius(p.radius_km))
        return out

    log_prior, ll = np.log(prior_mass), loglik(cells)
    while True:
        logmass = log_prior + ll
        mass = np.exp(logmass - logmass.max())
        mass /= mass.sum()
        order = np.argsort(-mass, kind="stable")
        keep = np.cumsum(mass[order]) <= post_mod.TOP_SHARE
        keep[: int(keep.sum()) + 1] = True
        top = np.zeros(len(mass), dtype=bool)
        top[order[keep]] = True
        cand = np.flatnonzero(top & (mass > post_mod.MIN_MASS_TO_REFINE))
        area_res = post_mod.AREA_TARGET_RES if len(cand) <= post_mod.MAX_AREA_REFINE_CELLS \
            else BASE_RES
        idx = cand[cells.res[cand] < target(cells.take(cand), area_res)]
        if len(idx) == 0:
            return cells, _exact_point_norms(constraints, countries, cells, log_prior, mass)
        idx = idx[np.argsort(-mass[idx], kind="stable")][: post_mod.MAX_REFINE_PER_LEVEL]
        chosen = np.zeros(len(cells), dtype=bool)
        chosen[idx] = True
        parents = cells.take(chosen)
        children, parent_of = refine(parents)
        density = np.exp(log_prior[chosen]) / parents.area
        cells = Cells.concat([cells.take(~chosen), children])
        log_prior = np.concatenate(
            [log_prior[~chosen], np.log(density[parent_of] * children.area)]
        )
        ll = np.concatenate([ll[~chosen], loglik(children)])


def _exact_point_norms(constraints: Sequence[GeoConstraint], countries, cells: Cells,
                       log_prior: np.ndarray, mass: np.ndarray) -> np.ndarray:
    """The final step of the posterior: each point reading's norm over the final cells."""
    base = base_cells()
    prior_mass = base_prior(countries) * base.area
    log_mass = np.log(mass)
    for c in constraints:
        if is_area(c):
            continue
        z_base = float((prior_mass * point_density(
            base.lat, base.lon, base.radius_km, c.lat, c.lon, c.radius_km)).sum())
        dens = point_density(cells.lat, cells.lon, cells.radius_km, c.lat, c.lon, c.radius_km)
        exact = float((np.exp(log_prior) * dens).sum())
        s = c.strength
        log_mass += np.log((1 - s) + s * dens / exact) - np.log((1 - s) + s * dens / z_base)
    w = np.exp(log_mass - log_mass.max())
    return w / w.sum()


CASES = {
    "a weak point alone": [PointConstraint(lat=48.86, lon=2.36, radius_km=0.3, strength=0.5)],
    "points and languages": [
        PointConstraint(lat=48.85 + 0.01 * (i % 5), lon=2.35 + 0.013 * (i % 7), radius_km=0.3,
                        strength=0.5 + 0.03 * i)
        for i in range(1, 7)
    ] + [CountryConstraint(weights={"FR": 1.0, "CH": 0.3}, strength=0.6)] * 3,
    "a GPS fix against a country": [
        PointConstraint(lat=47.141, lon=9.5209, radius_km=0.02, strength=0.95),
        CountryConstraint(weights={"ES": 1.0}, strength=0.7),
    ],
    "a band, a negated circle, a negated country": [
        BandConstraint(axis="lat", low=40, high=46, strength=0.8),
        PointConstraint(lat=43.3, lon=5.4, radius_km=80, strength=0.7, negate=True),
        CountryConstraint(weights={"ES": 0.0}, default=1.0, strength=0.5),
    ],
}


@pytest.mark.parametrize("name", sorted(CASES))
@pytest.mark.parametrize("countries", [None, _europe], ids=["no lookup", "lookup"])
def test_posterior_matches_the_plain_algorithm(name: str, countries) -> None:
    constraints = CASES[name]
    evidence = [ev(f"E{i}", c) for i, c in enumerate(constraints, 1)]
    terms.clear()
    fast = post_mod.posterior(evidence, countries)
    again = post_mod.posterior(evidence, countries)  # from the cache of base-grid terms
    cells, mass = _reference(constraints, countries)
    assert list(fast.cells.ids) == list(cells.ids)
    np.testing.assert_allclose(fast.mass, mass, rtol=1e-9, atol=1e-15)
    assert list(again.cells.ids) == list(cells.ids)
    np.testing.assert_allclose(again.mass, fast.mass, rtol=1e-12, atol=0)


def test_base_terms_are_computed_once_per_constraint(monkeypatch: pytest.MonkeyPatch) -> None:
    terms.clear()
    calls: list[GeoConstraint] = []
    compute = terms._compute

    def counting(c, countries):
        calls.append(c)
        return compute(c, countries)

    monkeypatch.setattr(terms, "_compute", counting)
    first = PointConstraint(lat=38.72, lon=-9.14, radius_km=1.0, strength=0.8)
    second = CountryConstraint(weights={"ES": 1.0}, strength=0.6)
    post_mod.posterior([ev("E1", first)], _europe)
    post_mod.posterior([ev("E1", first), ev("E2", second)], _europe)
    assert calls == [first, second]  # the second fusion evaluated only the new clue
    # an equal but distinct object, or another country lookup, gets its own entry
    twin = PointConstraint(lat=38.72, lon=-9.14, radius_km=1.0, strength=0.8)
    post_mod.posterior([ev("E1", twin)], _europe)
    post_mod.posterior([ev("E1", first)], None)
    assert len(calls) == 4


def test_cached_terms_cannot_be_changed_by_a_caller() -> None:
    terms.clear()
    _, ll = terms.base_term(PointConstraint(lat=0, lon=0, radius_km=5, strength=0.5), None)
    with pytest.raises(ValueError):
        ll[0] = 0.0


@pytest.mark.parametrize("shift", [-800.0, 800.0], ids=["underflow", "overflow"])
def test_mass_beyond_exp_range_is_rebased(shift: float) -> None:
    """Children whose log mass lies 800 nats below (or above) every cell so far: exp()
    against the old reference would give zeros (or infinities); the leaves rebase."""
    base = base_cells()
    cells = base.take(np.arange(3))
    leaves = post_mod._Leaves(cells, np.log(cells.area), np.array([0.0, -1.0, -2.0]))
    children, _ = refine(cells)
    ll = shift + np.linspace(0.0, -3.0, len(children))
    leaves.replace(np.arange(3), children, np.log(children.area), ll)
    final, mass, _ = leaves.final()
    assert list(final.ids) == list(children.ids)
    expected = np.exp(np.log(children.area) + ll - (np.log(children.area) + ll).max())
    np.testing.assert_allclose(mass, expected / expected.sum(), rtol=1e-12)


def test_a_freed_constraint_leaves_the_cache() -> None:
    import gc

    terms.clear()
    kept = PointConstraint(lat=10, lon=10, radius_km=5, strength=0.5)
    gone = PointConstraint(lat=20, lon=20, radius_km=5, strength=0.5)
    terms.base_term(kept, None)
    terms.base_term(gone, None)
    assert len(terms._cache) == 2
    del gone
    gc.collect()
    assert len(terms._cache) == 1
