"""From the posterior to ranked hypotheses, their support and contradiction, and the verdict."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from geosleuth.fusion.grid import Cells
from geosleuth.fusion.likelihood import CountryLookup, profile
from geosleuth.fusion.posterior import Posterior
from geosleuth.fusion.prior import prior_within
from geosleuth.geo.distance import haversine_km
from geosleuth.model import GeoConstraint, Hypothesis, Place, PointConstraint
from geosleuth.model.hypothesis import REGION_KM

RADII_KM = (0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 25, 50, 100, 200, 500, 750, 1500, 2500)
KNEE = 0.8  # a hypothesis' radius holds at least this share of the mass around it
SMALLEST_PER_CELL = 0.5  # a circle's radius is at least half its densest cell's radius
# A peak is a hypothesis only when the evidence put at least this many times the prior's
# probability in its circle: peaks of the prior (Shanghai, with no evidence; anywhere but
# the excluded country, with only an exclusion) are not hypotheses.
LOCATED = 1.5
LOOKAHEAD = 3  # "around it": within a radius three steps of the ladder wider (x4 to x10)
MIN_MASS = 0.02
WIDE_LABEL_SHARE = 0.1  # a country named in a wide circle's label holds this much of it
WIDE_LABEL_COUNTRIES = 3
EXCLUSION = 4.0  # after a peak is taken, mass within this many radii of it is set aside
SUPPORTS, CONTRADICTS = 0.5, 0.05
AREA_READ_KM = 1.0  # an area clue is read over this radius at a hypothesis' centre
# Only the widest circle moves to the centre of its mass (``_recentred``): a narrower one
# keeps its densest place as its centre (the rendered "Avenida Paulista São Paulo" made a
# 1500 km circle; moved, its centre fell 125 km from São Paulo for no gain of an answer).
RECENTRE_FROM_KM = RADII_KM[-1]
RECENTRE_STEPS = 4
RECENTRE_GAIN = 0.005

Describe = Callable[[float, float], Place]


def _centre(lat: np.ndarray, lon: np.ndarray, w: np.ndarray) -> tuple[float, float]:
    """Mass-weighted mean position on the sphere (safe across the antimeridian)."""
    la, lo = np.radians(lat), np.radians(lon)
    x = (w * np.cos(la) * np.cos(lo)).sum()
    y = (w * np.cos(la) * np.sin(lo)).sum()
    z = (w * np.sin(la)).sum()
    return float(np.degrees(np.arctan2(z, np.hypot(x, y)))), float(np.degrees(np.arctan2(y, x)))


def links(
    lat: float,
    lon: float,
    radius_km: float,
    constraints: Sequence[tuple[str, GeoConstraint]],
    countries: CountryLookup | None,
    where: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None,
) -> tuple[list[str], list[str]]:
    """Which evidence supports a place (profile ≥ 0.5) and which contradicts it (≤ 0.05).

    A point reading (or a rejected circle) is compared with the hypothesis' circle. An
    area clue is read where the hypothesis' probability lies, when ``where`` gives the
    cells inside its circle (lat, lon, mass): the mass-weighted mean of its profile (a
    ring of "20 km from Brno" supports the circle that holds the ring, though not its
    centre); otherwise at the centre.
    """
    supported: list[str] = []
    contradicted: list[str] = []
    a, o = np.array([lat]), np.array([lon])
    for eid, c in constraints:
        if where is not None and not isinstance(c, PointConstraint) and where[2].sum() > 0:
            wl, wo, wm = where
            prof = profile(c, wl, wo, np.full(len(wl), AREA_READ_KM), countries)
            f = float((prof * wm).sum() / wm.sum())
        else:
            r = np.array([radius_km if isinstance(c, PointConstraint) else AREA_READ_KM])
            f = float(profile(c, a, o, r, countries)[0])
        if f >= SUPPORTS:
            supported.append(eid)
        elif f <= CONTRADICTS:
            contradicted.append(eid)
    return supported, contradicted


def extract(
    post: Posterior,
    *,
    coverage: float,
    countries: CountryLookup | None,
    describe: Describe | None,
    max_hypotheses: int = 5,
) -> list[Hypothesis]:
    """Greedy peaks of the posterior: each takes the mass within its radius, then the next."""
    cells, remaining = post.cells, post.mass.copy()
    density = remaining / cells.area
    # a hypothesis is centred outside the regions the investigator ruled out
    allowed = ~post.excluded_cells(cells.lat, cells.lon, countries)
    out: list[Hypothesis] = []
    peaks = 0
    while len(out) < max_hypotheses and remaining.sum() >= MIN_MASS and peaks < 3 * max_hypotheses:
        # a peak no evidence supports is skipped (its mass set aside), so look a little further
        peaks += 1
        i = int(np.argmax(np.where((remaining > 0) & allowed, density, -1.0)))
        near = (
            haversine_km(cells.lat, cells.lon, cells.lat[i], cells.lon[i]) <= 3 * cells.radius_km[i]
        )
        lat, lon = _centre(cells.lat[near], cells.lon[near], remaining[near])
        if post.excluded(lat, lon, countries):  # a ring around a rejected circle
            lat, lon = float(cells.lat[i]), float(cells.lon[i])
        d = haversine_km(cells.lat, cells.lon, lat, lon)
        within = np.array([remaining[d <= r].sum() for r in RADII_KM])
        # a circle is no smaller than the cell its mass sits in
        smallest = int(np.searchsorted(RADII_KM, cells.radius_km[i] * SMALLEST_PER_CELL))
        k = knee(within, coverage, min(smallest, len(RADII_KM) - 1))
        radius, mass = float(RADII_KM[k]), float(within[k])
        if radius >= RECENTRE_FROM_KM:
            lat, lon, d, radius, mass = _recentred(post, cells, remaining, (lat, lon, d),
                                                   radius, mass, coverage, smallest, countries)
        if mass < MIN_MASS:
            break
        inside = d <= radius
        where = (cells.lat[inside], cells.lon[inside], remaining[inside].copy())
        remaining[d <= EXCLUSION * radius] = 0.0  # the peak's tail belongs to it, not to the next
        place = (describe(lat, lon) if describe else Place()).at_scale(radius)
        if radius > REGION_KM and countries is not None:
            place = by_mass(place, where, countries, describe)
        supported, contradicted = links(lat, lon, radius, post.constraints, countries, where)
        if mass < LOCATED * prior_within(lat, lon, radius, countries):
            continue  # the prior speaking: no evidence says the photo is here
        out.append(
            Hypothesis(
                id=f"H{len(out) + 1}",
                lat=round(lat, 6),
                lon=round(lon, 6),
                radius_km=radius,
                score=round(min(mass, 1.0), 4),
                country_code=place.country_code,
                place=place.label() or None,
                names=place,
                supported_by=supported,
                contradicted_by=contradicted,
            )
        )
    return ranked(out)


def by_mass(place: Place, where: tuple[np.ndarray, np.ndarray, np.ndarray],
            countries: CountryLookup, describe: Describe | None) -> Place:
    """A wide circle's names when the country at its centre is not where most of its
    probability lies: the countries that hold it, the most probable first, and that one's
    code. A 2,500 km circle centred in Bangladesh, 0.85 of whose probability lay in India
    (a Bengali sign from Tripura), was labelled "Bangladesh" at confidence 0.81."""
    lat, lon, mass = where
    total = float(mass.sum())
    if total <= 0:
        return place
    codes = countries(lat, lon)
    shares = {str(c): float(mass[codes == c].sum()) / total for c in np.unique(codes) if c}
    if not shares:
        return place
    top = max(shares, key=lambda c: shares[c])
    if top == place.country_code:
        return place
    named = sorted((c for c, v in shares.items() if v >= WIDE_LABEL_SHARE),
                   key=lambda c: -shares[c])[:WIDE_LABEL_COUNTRIES] or [top]
    names = []
    for code in named:
        at = int(np.argmax(np.where(codes == code, mass, -1.0)))  # its most probable cell
        there = describe(float(lat[at]), float(lon[at])) if describe else None
        fits = there is not None and there.country and there.country_code == code
        names.append(there.country if fits and there is not None and there.country else code)
    return Place(country_code=top, country=", ".join(dict.fromkeys(names)))


def _recentred(
    post: Posterior,
    cells: Cells,
    remaining: np.ndarray,
    at: tuple[float, float, np.ndarray],
    radius: float,
    mass: float,
    coverage: float,
    smallest: int,
    countries: CountryLookup | None,
) -> tuple[float, float, np.ndarray, float, float]:
    """The widest circle moved to the centre of the mass it holds, while that makes it
    hold more at no larger a radius: (lat, lon, distances, radius, mass).

    A peak starts at the densest cell; for a country-wide clue that is its biggest city,
    and 2500 km around New York hold a third of the United States' probability, the same
    circle around Kansas nearly all of it.
    """
    lat, lon, d = at
    for _ in range(RECENTRE_STEPS):
        inside = d <= radius
        if not remaining[inside].any():
            break
        new_lat, new_lon = _centre(cells.lat[inside], cells.lon[inside], remaining[inside])
        if post.excluded(new_lat, new_lon, countries):
            break
        new_d = haversine_km(cells.lat, cells.lon, new_lat, new_lon)
        within = np.array([remaining[new_d <= r].sum() for r in RADII_KM])
        k = knee(within, coverage, min(smallest, len(RADII_KM) - 1))
        if RADII_KM[k] > radius or within[k] <= mass + RECENTRE_GAIN:
            break
        lat, lon, d, radius, mass = new_lat, new_lon, new_d, float(RADII_KM[k]), float(within[k])
    return lat, lon, d, radius, mass


def knee(within: np.ndarray, coverage: float, first: int = 0) -> int:
    """The index of a peak's radius on ``RADII_KM``, from the mass within each radius.

    The smallest radius that holds ``coverage`` of the probability (or, when the mass is
    diffuse, ``KNEE`` of the mass within the widest radius), or, sooner, the smallest that
    holds ``KNEE`` of what a radius ``LOOKAHEAD`` steps wider holds: a peak ends where the
    mass stops growing. Two distinct places (Lisbon and, less likely, Budapest) are then
    two hypotheses, not one circle across Europe that holds both. No radius before
    ``first`` is taken.
    """
    need = min(coverage, KNEE * within[-1])
    last = len(within) - 1
    for k in range(first, len(within)):
        if within[k] >= need - 1e-12:
            return k
        if within[k] >= MIN_MASS and within[k] >= KNEE * within[min(k + LOOKAHEAD, last)]:
            return k
    return last


def ranked(hypotheses: Sequence[Hypothesis]) -> list[Hypothesis]:
    """The hypotheses by probability, most probable first, numbered H1, H2, ... again."""
    order = sorted(hypotheses, key=lambda h: -h.score)
    return [h.model_copy(update={"id": f"H{i}"}) for i, h in enumerate(order, 1)]
