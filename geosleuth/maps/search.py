"""Name search and nearby queries on the imported regions (offline).

Features are found by name (``maps.names``) or by tags and place; repeated pieces of
one named thing (a street cut into many ways) are merged into one match.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from geosleuth.maps.distances import box_gap, box_of, edge_distances, metres, union_box
from geosleuth.maps.limits import MAX_RADIUS_M, bound, bound_limit, check_point
from geosleuth.maps.matches import Match
from geosleuth.maps.names import STRONG, similarity, text_ids
from geosleuth.maps.osm_import import BBox
from geosleuth.maps.regions import Regions, RegionStore, box_around, regions_of
from geosleuth.maps.text import fold


def search(
    store: RegionStore | Regions,
    text: str,
    near: tuple[float, float] | None = None,
    radius_m: float | None = None,
    country: str | None = None,
    tags: Mapping[str, str] | None = None,
    limit: int = 10,
) -> list[Match]:
    """Features named like ``text``, best first; within ``radius_m`` of ``near`` if given."""
    limit = bound_limit(limit)
    box = None
    if near is not None:
        near = check_point(*near)
        radius_m = bound(radius_m, MAX_RADIUS_M, "radius_m", 10_000.0)
        box = box_around(near[0], near[1], radius_m)
    regions = regions_of(store, near=near, radius_m=radius_m, country=country)
    found: list[Match] = []
    for info, index in regions:
        wanted = max(80, 3 * limit)
        if tags:  # more candidates by name, narrowed by tags before any row is decoded
            ids = index.filter_tags(text_ids(index, text, box, limit=2000), tags)[:wanted]
        else:
            ids = text_ids(index, text, box, limit=wanted)
        rows = index.rows(ids)
        if country:  # a region may span borders: drop features addressed in another country
            code = country.upper()
            rows = [r for r in rows if r.tags.get("addr:country", code).upper() == code]
        dists = edge_distances(near[0], near[1], rows, index) if near is not None else None
        for i, row in enumerate(rows):
            score, matched = similarity(text, row.tags)
            distance = None
            if dists is not None:
                distance = float(dists[i])
                if radius_m is not None and distance > radius_m:
                    continue
            found.append(Match.from_row(row, info.name, score=score, matched=matched,
                                        distance_m=distance))
    found.sort(key=lambda m: (-round(m.score, 3), m.distance_m or 0.0, m.radius_m))
    return _merge_repeats(found, limit)


def nearby(
    store: RegionStore | Regions,
    lat: float,
    lon: float,
    radius_m: float = 500.0,
    tags: Mapping[str, str] | None = None,
    name: str | None = None,
    limit: int = 10,
) -> list[Match]:
    """Features within ``radius_m`` of a point carrying ``tags`` and/or named ``name``."""
    lat, lon = check_point(lat, lon)
    radius_m = bound(radius_m, MAX_RADIUS_M, "radius_m", 500.0)
    limit = bound_limit(limit)
    box = box_around(lat, lon, radius_m)
    found: list[Match] = []
    for info, index in regions_of(store, near=(lat, lon), radius_m=radius_m):
        if name:
            ids = text_ids(index, name, box, limit=2000 if tags else 300)
            if tags:
                ids = index.filter_tags(ids, tags)
        elif tags:
            ids = index.with_tags(tags, box)
        else:
            ids = index.in_box(box, 5000)
        rows = index.rows(ids)
        dists = edge_distances(lat, lon, rows, index)
        for i, row in enumerate(rows):
            d = float(dists[i])
            if d > radius_m:
                continue
            score, matched = similarity(name, row.tags) if name else (1.0, None)
            if name and score < 0.5:
                continue
            found.append(Match.from_row(row, info.name, score=score, matched=matched,
                                        distance_m=d))
    found.sort(key=lambda m: (-(m.score >= STRONG), m.distance_m or 0.0, -m.score))
    return _merge_repeats(found, limit) if name else found[:limit]


def _merge_repeats(matches: list[Match], limit: int, gap_m: float = 300.0) -> list[Match]:
    """One match for several pieces of one named thing (a street cut into many ways):
    pieces with the same name whose boxes lie within ``gap_m`` of each other are joined
    (transitively), the best piece standing for them with the union of their boxes."""
    groups: list[list[Match]] = []
    boxes: list[BBox] = []
    keys: list[str] = []
    for m in matches:
        key = fold(m.name or "")
        box = box_of(m)
        hits = [i for i, (b, k) in enumerate(zip(boxes, keys, strict=True))
                if key and k == key and box_gap(box, b) <= gap_m]
        if not hits:
            groups.append([m])
            boxes.append(box)
            keys.append(key)
            continue
        first = hits[0]
        groups[first].append(m)
        boxes[first] = union_box(boxes[first], box)
        for i in reversed(hits[1:]):  # this piece bridges earlier groups: join them
            groups[first].extend(groups.pop(i))
            boxes[first] = union_box(boxes[first], boxes.pop(i))
            keys.pop(i)
    out: list[Match] = []
    for group, box in sorted(zip(groups, boxes, strict=True),
                             key=lambda gb: matches.index(gb[0][0])):
        best = group[0]
        if len(group) > 1:
            reach = 0.5 * metres(box[0], box[1], box[2], box[3])
            best = replace(best, bbox=box, radius_m=max(best.radius_m, reach), parts=len(group))
        out.append(best)
        if len(out) >= limit:
            break
    return out
