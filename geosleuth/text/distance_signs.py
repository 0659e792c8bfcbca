"""Distance signs: "Seoul 56 km / Pyeongyang 205 km" -> where the sign can stand.

Each (place, distance) pair is a circle around a gazetteer place; two circles meet in at
most two points, and ``intersect_circles`` finds them on the WGS84 ellipsoid: a closed-form
solution on the sphere (trilateration with unit vectors) refined by Newton steps on the
ellipsoid with geographiclib's exact geodesics (the derivative of the distance from A with
respect to moving P is the cosine between the move and the geodesic's azimuth at P).

Signs give distances by road, longer than the geodesic. ``locate_sign`` divides them by a
circuity factor between 1.0 and 1.35 (mean road circuity factors of 1.12-1.32 by country:
Ballou, Rahardja & Sakai, "Selected country circuity factors for road travel distance
estimation", Transportation Research Part A 36 (2002) 843-848), solves at the central
factor and widens the radius to cover the solutions at both ends.

When both intersections are possible, a third pair decides if the sign has one, else the
country hint (the country at each point), else whether each is on land with a gazetteer
place near (a sign stands by a road, not at sea); when nothing decides, both are
returned, each as its own clue at half strength.
A single pair gives a ring around the place (a raster likelihood).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import combinations
from typing import TYPE_CHECKING

import numpy as np
import regex
from geographiclib.geodesic import Geodesic

from geosleuth.geo.distance import EARTH_RADIUS_KM, destination, geodesic_km, haversine_km
from geosleuth.model import PointConstraint, RasterConstraint
from geosleuth.text.clue import TextClue
from geosleuth.text.quoting import quote

if TYPE_CHECKING:
    from geosleuth.geo.gazetteer import Gazetteer, GazPlace

CIRCUITY = (1.0, 1.17, 1.35)  # low, central, high road/geodesic distance ratio
UNIQUE_STRENGTH = 0.85
SPLIT_STRENGTH = 0.45
RING_STRENGTH = 0.6
MIN_RADIUS_KM = 2.0
PLAUSIBLE_KM = 40.0  # a sign's point should have a gazetteer place within this distance

_UNITS = {"km": 1.0, "mi": 1.609344, "miles": 1.609344, "公里": 1.0, "킬로미터": 1.0,
          "км": 1.0, "กม": 1.0, "キロ": 1.0}
_PAIR = regex.compile(
    r"(?P<name>\p{L}[\p{L}\p{M}'’.\- ]{0,40}?)\s*[:\-–—]?\s*"
    r"(?P<num>\d{1,4}(?:[.,]\d)?)\s*(?P<unit>km|Km|KM|mi|miles|公里|킬로미터|км|กม\.?|キロ)?"
    r"(?![\p{L}\p{N}])",
    flags=regex.V1,
)


@dataclass(frozen=True)
class DistancePair:
    name: str
    km: float  # as written on the sign (road distance)
    text: str
    unit: bool  # a unit was written


def parse_distances(text: str) -> list[DistancePair]:
    """(place, distance) pairs: one per line, or several on a line split by "/" or "|".

    A pair without a unit counts only when the sign has at least two pairs (a sign that
    lists "Lyon 120 / Paris 460" is a distance sign; "Bus 42" alone is not).
    """
    pairs: list[DistancePair] = []
    for line in text.splitlines():
        for part in regex.split(r"[/|;·•]", line):
            match = _PAIR.fullmatch(part.strip())
            if not match:
                continue
            unit = (match.group("unit") or "").rstrip(".")
            km = float(match.group("num").replace(",", ".")) * _UNITS.get(unit, 1.0)
            if km <= 0:
                continue
            pairs.append(DistancePair(match.group("name").strip(), km, part.strip(), bool(unit)))
    if len(pairs) < 2:
        return [p for p in pairs if p.unit]
    return pairs


def _unit(lat: float, lon: float) -> np.ndarray:
    phi, lam = math.radians(lat), math.radians(lon)
    return np.array([math.cos(phi) * math.cos(lam), math.cos(phi) * math.sin(lam), math.sin(phi)])


def _sphere_intersections(
    a: tuple[float, float], ra_km: float, b: tuple[float, float], rb_km: float
) -> list[tuple[float, float]]:
    ua, ub = _unit(*a), _unit(*b)
    c = float(ua @ ub)
    if abs(c) > 1 - 1e-12:
        return []  # same or antipodal centres
    ca, cb = math.cos(ra_km / EARTH_RADIUS_KM), math.cos(rb_km / EARTH_RADIUS_KM)
    alpha = (ca - c * cb) / (1 - c * c)
    beta = (cb - c * ca) / (1 - c * c)
    n = np.cross(ua, ub)
    rest = 1 - (alpha * alpha + beta * beta + 2 * alpha * beta * c)
    if rest < 0:
        return []
    gamma = math.sqrt(rest / float(n @ n))
    out = []
    for sign in (1, -1) if gamma > 0 else (1,):
        x = alpha * ua + beta * ub + sign * gamma * n
        out.append((math.degrees(math.asin(max(-1.0, min(1.0, x[2])))),
                    math.degrees(math.atan2(x[1], x[0]))))
    return out


def _refine(
    p: tuple[float, float], a: tuple[float, float], ra_km: float, b: tuple[float, float],
    rb_km: float, iterations: int = 12,
) -> tuple[float, float]:
    """Newton steps on the ellipsoid: distances to A and B become ra and rb."""
    lat, lon = p
    for _ in range(iterations):
        ga = Geodesic.WGS84.Inverse(a[0], a[1], lat, lon)
        gb = Geodesic.WGS84.Inverse(b[0], b[1], lat, lon)
        fa, fb = ga["s12"] / 1000 - ra_km, gb["s12"] / 1000 - rb_km
        if abs(fa) < 1e-4 and abs(fb) < 1e-4:
            break
        za, zb = math.radians(ga["azi2"]), math.radians(gb["azi2"])
        # d(dist)/d(north, east) = (cos azi, sin azi) of the geodesic arriving at P
        j = np.array([[math.cos(za), math.sin(za)], [math.cos(zb), math.sin(zb)]])
        if abs(np.linalg.det(j)) < 1e-9:
            break  # circles touch: the point is already as good as it gets
        dn, de = np.linalg.solve(j, [-fa, -fb])
        step = math.hypot(dn, de)
        if step < 1e-7:
            break
        lat, lon = destination(lat, lon, math.degrees(math.atan2(de, dn)), step)
    return lat, lon


def intersect_circles(
    lat1: float, lon1: float, r1_km: float, lat2: float, lon2: float, r2_km: float
) -> list[tuple[float, float]]:
    """The points at geodesic distance r1 from point 1 and r2 from point 2 (WGS84).

    Zero, one (tangent circles) or two points; empty when the circles do not meet.
    """
    a, b = (lat1, lon1), (lat2, lon2)
    return [_refine(p, a, r1_km, b, r2_km) for p in _sphere_intersections(a, r1_km, b, r2_km)]


@dataclass(frozen=True)
class SignSolution:
    lat: float
    lon: float
    radius_km: float
    places: tuple[str, ...]
    residual_km: float  # misfit of extra pairs (0 when only two)


def _solve_pair(
    a: GazPlace, da: float, b: GazPlace, db: float
) -> list[tuple[tuple[float, float], float]]:
    """Central-circuity intersections, each with the radius that covers the circuity range."""
    central = CIRCUITY[1]
    points = intersect_circles(a.lat, a.lon, da / central, b.lat, b.lon, db / central)
    out = []
    for p in points:
        spread = 0.0
        for factor in (CIRCUITY[0], CIRCUITY[2]):
            ends = intersect_circles(a.lat, a.lon, da / factor, b.lat, b.lon, db / factor)
            if ends:
                spread = max(spread, min(geodesic_km(*p, *e) for e in ends))
            else:
                spread = max(spread, 0.2 * min(da, db))
        out.append((p, max(MIN_RADIUS_KM, spread + 0.02 * min(da, db))))
    return out


def _candidates(gazetteer: Gazetteer, name: str, hint: set[str]) -> list[GazPlace]:
    good = [m for m in gazetteer.lookup(name, limit=5) if m.score >= 0.85]
    if not good and len(name) >= 5:  # OCR errors: only when the exact name is unknown
        good = [m for m in gazetteer.lookup(name, limit=5, fuzzy=True) if m.score >= 0.85]
    good.sort(key=lambda m: (m.place.country_code in hint, m.score, m.place.population or 0),
              reverse=True)
    return [m.place for m in good[:3]]


def locate_sign(
    pairs: list[DistancePair], gazetteer: Gazetteer, country_hint: Iterable[str] = ()
) -> list[SignSolution]:
    """Where a distance sign stands: one solution, two equally possible ones, or none."""
    hint = {c.upper() for c in country_hint}
    resolved = [(p, _candidates(gazetteer, p.name, hint)) for p in pairs]
    resolved = [(p, c) for p, c in resolved if c]
    if len(resolved) < 2:
        return []
    best: list[tuple[float, SignSolution]] = []
    for (pa, ca), (pb, cb) in combinations(resolved[:4], 2):
        for a in ca:
            for b in cb:
                if a.geonameid == b.geonameid:
                    continue
                for point, radius in _solve_pair(a, pa.km, b, pb.km):
                    residual = _residual(point, [(p, c) for p, c in resolved
                                                 if p not in (pa, pb)])
                    places = (a.name, b.name)
                    best.append((residual, SignSolution(*point, radius, places, residual)))
        if best:
            break  # the first two resolvable pairs decide; the rest check
    if not best:
        return []
    best.sort(key=lambda rs: rs[0])
    top = [s for r, s in best if r <= best[0][0] + 1.0][:2]
    if len(top) == 2 and geodesic_km(top[0].lat, top[0].lon, top[1].lat, top[1].lon) < 1.0:
        top = top[:1]
    if len(top) == 2:
        top = _choose(top, gazetteer, hint)
    return top


def _residual(point: tuple[float, float], others: list[tuple[DistancePair, list[GazPlace]]]
              ) -> float:
    """How badly the other pairs of the sign fit a point (km, summed over pairs)."""
    total = 0.0
    for pair, places in others:
        expected = pair.km / CIRCUITY[1]
        total += min(abs(geodesic_km(*point, p.lat, p.lon) - expected) for p in places)
    return total


def _choose(options: list[SignSolution], gazetteer: Gazetteer, hint: set[str]
            ) -> list[SignSolution]:
    """Keep the intersection that the hint or nearby places support, if only one is."""
    countries = [gazetteer.country_at(s.lat, s.lon) for s in options]
    if hint:
        in_hint = [c in hint for c in countries]
        if sum(in_hint) == 1:
            return [options[in_hint.index(True)]]
    near = [gazetteer.nearest(s.lat, s.lon, limit=1, max_km=PLAUSIBLE_KM) for s in options]
    plausible = [c is not None and bool(n) for c, n in zip(countries, near, strict=True)]
    if sum(plausible) == 1:
        return [options[plausible.index(True)]]
    return options


def ring(lat: float, lon: float, road_km: float, strength: float = RING_STRENGTH
         ) -> RasterConstraint:
    """A ring of likelihood around a place at the sign's distance (one pair only)."""
    inner, outer = road_km / CIRCUITY[2], road_km / CIRCUITY[0]
    centre = (inner + outer) / 2
    sigma = max((outer - inner) / 2, 1.0)
    reach = outer + 2 * sigma
    dlat = reach / 111.0
    dlon = min(reach / (111.0 * max(math.cos(math.radians(lat)), 0.05)), 179.0)
    south, north = max(lat - dlat, -90.0), min(lat + dlat, 90.0)
    west, east = lon - dlon, lon + dlon
    cell = max(reach / 60.0 / 111.0, 0.01)  # about 120 cells across
    rows = max(2, round((north - south) / cell))
    cols = max(2, round((east - west) / cell))
    lats = north - (np.arange(rows) + 0.5) * (north - south) / rows
    lons = west + (np.arange(cols) + 0.5) * (east - west) / cols
    grid_lat, grid_lon = np.meshgrid(lats, lons, indexing="ij")
    d = haversine_km(lat, lon, grid_lat, grid_lon)
    values = np.exp(-0.5 * ((d - centre) / sigma) ** 2)
    west_w, east_w = ((west + 180) % 360) - 180, ((east + 180) % 360) - 180
    return RasterConstraint.from_array(values, south=south, west=west_w, north=north,
                                       east=east_w, strength=strength)


def find_distance_signs(
    text: str, gazetteer: Gazetteer | None, country_hint: Iterable[str] = ()
) -> list[TextClue]:
    """Clues from a distance sign: intersections of two circles, or a ring for one pair."""
    pairs = parse_distances(text)
    if not pairs or gazetteer is None:
        return []
    solutions = locate_sign(pairs, gazetteer, country_hint)
    shown = " / ".join(quote(p.text) for p in pairs[:4])
    if solutions:
        strength = UNIQUE_STRENGTH if len(solutions) == 1 else SPLIT_STRENGTH
        clues = []
        for i, s in enumerate(solutions, 1):
            which = f" (intersection {i} of {len(solutions)})" if len(solutions) > 1 else ""
            clues.append(TextClue(
                kind="distance_sign",
                text=shown,
                summary=f"distance sign {shown}: circles around {' and '.join(s.places)} "
                f"meet at {s.lat:.4f}, {s.lon:.4f} ±{s.radius_km:.0f} km{which}",
                data={"pairs": [{"name": p.name, "km": p.km} for p in pairs],
                      "places": list(s.places), "lat": s.lat, "lon": s.lon,
                      "radius_km": s.radius_km, "residual_km": s.residual_km,
                      "solutions": len(solutions)},
                constraint=PointConstraint(lat=s.lat, lon=s.lon, radius_km=s.radius_km,
                                           strength=strength),
            ))
        return clues
    # one resolvable pair (or circles that do not meet): a ring around the first place
    for pair in pairs:
        places = _candidates(gazetteer, pair.name, {c.upper() for c in country_hint})
        if places and pair.unit:
            p = places[0]
            return [TextClue(
                kind="distance_sign",
                text=pair.text,
                summary=f"distance sign {quote(pair.text)}: about {pair.km:.0f} km by road "
                f"from {p.name} ({p.country_code})",
                data={"pairs": [{"name": pair.name, "km": pair.km}], "places": [p.name],
                      "lat": p.lat, "lon": p.lon},
                constraint=ring(p.lat, p.lon, pair.km),
            )]
    return []
