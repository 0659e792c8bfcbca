"""Reverse lookup on the imported regions (offline): what is at a point."""

from __future__ import annotations

from geosleuth.maps.distances import distances_m, edge_distances, metres
from geosleuth.maps.index import FeatureRow
from geosleuth.maps.limits import check_point
from geosleuth.maps.matches import Match
from geosleuth.maps.regions import Regions, RegionStore, box_around, regions_of


def reverse(store: RegionStore | Regions, lat: float, lon: float) -> list[Match]:
    """What is at a point: nearest address, nearest named street, named point of interest,
    and the smallest named area around it (each with ``role`` set)."""
    lat, lon = check_point(lat, lon)
    best: dict[str, tuple[float, Match]] = {}
    for radius in (100.0, 400.0, 1500.0, 5000.0):
        box = box_around(lat, lon, radius)
        for info, index in regions_of(store, near=(lat, lon), radius_m=radius):
            rows = index.rows(index.in_box(box, 20000))
            dists = distances_m(lat, lon, rows)
            streets = [r for r in rows if r.name and r.osm_type == "way" and "highway" in r.tags]
            to_line = dict(zip((r.id for r in streets),
                               edge_distances(lat, lon, streets, index).tolist(), strict=True))
            for i, row in enumerate(rows):
                d = float(dists[i])
                tags = row.tags
                if not row.name:
                    continue
                if _is_area(row) and _inside(lat, lon, row):
                    _keep(best, "area", row.radius_m,
                          Match.from_row(row, info.name, role="area", distance_m=0.0))
                if "addr:housenumber" in tags:
                    _keep(best, "address", d, Match.from_row(row, info.name, role="address",
                                                              distance_m=d))
                if "highway" in tags and row.osm_type == "way":
                    e = to_line[row.id]
                    _keep(best, "street", e, Match.from_row(row, info.name, role="street",
                                                            distance_m=e))
                elif "name" in tags and row.osm_type == "node":
                    _keep(best, "poi", d, Match.from_row(row, info.name, role="poi",
                                                         distance_m=d))
        if "street" in best and ("address" in best or radius >= 1500.0):
            break
    order = ("address", "street", "poi", "area")
    return [best[r][1] for r in order if r in best]


def _is_area(row: FeatureRow) -> bool:
    if row.osm_type == "node" or "highway" in row.tags:
        return False
    return row.osm_type == "relation" or any(
        k in row.tags for k in ("place", "boundary", "landuse", "building"))


def _inside(lat: float, lon: float, row: FeatureRow) -> bool:
    # The point's distance to the feature's centre within its reach: inside its box, roughly.
    return metres(lat, lon, row.lat, row.lon) <= row.radius_m


def _keep(best: dict[str, tuple[float, Match]], role: str, key: float, match: Match) -> None:
    if role not in best or key < best[role][0]:
        best[role] = (key, match)
