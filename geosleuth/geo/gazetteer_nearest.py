"""Points to places in the gazetteer index: the nearest places, the country, a description.

``nearest`` searches the R*-tree of positions in boxes that grow until enough places
are found; ``describe`` names a point by its country, region and populated place.
"""

from __future__ import annotations

import math
from collections import Counter
from typing import Any

import numpy as np

from geosleuth.geo.distance import EARTH_RADIUS_KM, haversine_km
from geosleuth.geo.gazetteer_reader import PLACE_COLUMNS, GazPlace, IndexReader, place_from_row
from geosleuth.model import Place

DESCRIBE_MAX_KM = 30.0


class PointLookup(IndexReader):
    """Points -> places: the lookups of :class:`geosleuth.geo.gazetteer.Gazetteer` by position."""

    def nearest(
        self,
        lat: float,
        lon: float,
        limit: int = 1,
        max_km: float | None = None,
        kinds: tuple[str, ...] = ("city",),
    ) -> list[tuple[GazPlace, float]]:
        """The ``limit`` places of these kinds nearest to a point, with their distance (km)."""
        if limit <= 0:
            return []
        radius = 10.0 if max_km is None else min(10.0, max_km)
        kind_sql = f" AND p.kind IN ({','.join('?' * len(kinds))})" if kinds else ""
        while True:
            rows: list[tuple[Any, ...]] = []
            for box in _boxes(lat, lon, radius):
                rows += self._query(
                    f"SELECT {PLACE_COLUMNS} FROM place_box b JOIN places p ON p.id = b.id"
                    " WHERE b.max_lat >= ? AND b.min_lat <= ? AND b.max_lon >= ? AND"
                    f" b.min_lon <= ?{kind_sql}",
                    (*box, *kinds),
                )
            if rows:
                pts = np.array([(r[3], r[4]) for r in rows], dtype=float)
                d = haversine_km(lat, lon, pts[:, 0], pts[:, 1])
                order = np.argsort(d, kind="stable")
                within = [(rows[i], float(d[i])) for i in order if d[i] <= radius]
            else:
                within = []
            done = len(within) >= limit or radius >= math.pi * EARTH_RADIUS_KM
            if max_km is not None and radius >= max_km:
                within = [(r, km) for r, km in within if km <= max_km]
                done = True
            if done:
                return [(place_from_row(r), km) for r, km in within[:limit]]
            radius *= 4.0
            if max_km is not None:
                radius = min(radius, max_km)

    def largest_in_box(self, south: float, west: float, north: float, east: float,
                       limit: int = 40, kinds: tuple[str, ...] = ("city",)) -> list[GazPlace]:
        """The most populous places of these kinds in a box, largest first; a box whose
        west or east lies beyond ±180° wraps across the antimeridian."""
        if limit <= 0 or north < south:
            return []
        if east - west >= 360.0:
            boxes = [(-180.0, 180.0)]
        else:
            w = (west + 180.0) % 360.0 - 180.0
            e = w + (east - west)
            boxes = [(w, e)] if e <= 180.0 else [(w, 180.0), (-180.0, e - 360.0)]
        kind_sql = f" AND p.kind IN ({','.join('?' * len(kinds))})" if kinds else ""
        rows: list[tuple[Any, ...]] = []
        for w, e in boxes:
            rows += self._query(
                f"SELECT {PLACE_COLUMNS} FROM place_box b JOIN places p ON p.id = b.id"
                " WHERE b.max_lat >= ? AND b.min_lat <= ? AND b.max_lon >= ? AND"
                f" b.min_lon <= ?{kind_sql} AND p.lat BETWEEN ? AND ?"
                " ORDER BY p.population DESC LIMIT ?",
                (south, north, w, e, *kinds, south, north, limit),
            )
        places = [place_from_row(r) for r in rows]
        places.sort(key=lambda p: -(p.population or 0))
        return places[:limit]

    def country_at(self, lat: float, lon: float) -> str | None:
        """The country at a point (exact to the time-zone polygons); None at sea."""
        from geosleuth.geo.country_raster import country_at

        return country_at(lat, lon)

    def countries_at(self, lats: np.ndarray, lons: np.ndarray) -> np.ndarray:
        """Countries of many points (``<U2``, ``""`` at sea), through the cached raster."""
        from geosleuth.geo.country_raster import CountryRaster

        with self._lock:
            if self._raster is None:
                self._raster = CountryRaster.load_or_build(self.cache_dir)
        return self._raster.countries_at(lats, lons)

    def describe(self, lat: float, lon: float) -> Place:
        """Country, region and the populated place that best names a point.

        Among the cities within 30 km, the one with the largest population / (1 + km)^2
        names the point, so a point in a city's outskirts gets the city and not a
        hamlet next door; a city section named after its city ("Paris 11 Popincourt")
        yields to the city.
        """
        cc = self.country_at(lat, lon)
        if cc is None:
            return Place()  # open sea: beyond every country's territorial waters
        cands = self.nearest(lat, lon, limit=40, max_km=DESCRIBE_MAX_KM, kinds=("city",))
        cands = [(p, km) for p, km in cands if p.country_code == cc]
        city: GazPlace | None = None
        if cands:
            best = max(cands, key=lambda c: (c[0].population + 1) / (1.0 + c[1]) ** 2)[0]
            for other, _km in cands:
                if (
                    other.population > best.population
                    and best.name.startswith(other.name + " ")
                ):
                    best = other
            city = best
        region = city.admin1 if city is not None else None
        if region is None and cands:
            named = Counter(p.admin1 for p, _ in cands if p.admin1)
            region = named.most_common(1)[0][0] if named else None
        return Place(
            country_code=cc,
            country=self.country_name(cc),
            region=region,
            city=city.name if city is not None else None,
        )


def _boxes(lat: float, lon: float, radius_km: float) -> list[tuple[float, float, float, float]]:
    """(south, north, west, east) boxes covering a circle, split at the antimeridian."""
    dlat = math.degrees(radius_km / EARTH_RADIUS_KM)
    south, north = max(-90.0, lat - dlat), min(90.0, lat + dlat)
    coslat = math.cos(math.radians(min(89.0, max(abs(south), abs(north)))))
    dlon = math.degrees(radius_km / (EARTH_RADIUS_KM * max(coslat, 1e-6)))
    if dlon >= 180.0 or north >= 90.0 or south <= -90.0:
        return [(south, north, -180.0, 180.0)]
    west, east = lon - dlon, lon + dlon
    if west < -180.0:
        return [(south, north, west + 360.0, 180.0), (south, north, -180.0, east)]
    if east > 180.0:
        return [(south, north, west, 180.0), (south, north, -180.0, east - 360.0)]
    return [(south, north, west, east)]
