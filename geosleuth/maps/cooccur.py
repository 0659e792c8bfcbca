"""Co-occurrence on the imported regions (offline): places where a feature of every
pattern lies within a given distance of each other (a bakery named Müller next to a
pharmacy, say). ``group_candidates`` and ``best_groups`` also serve the online
answer."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

import numpy as np

from geosleuth.errors import BadInputError
from geosleuth.geo.distance import haversine_km
from geosleuth.maps.distances import metres
from geosleuth.maps.index import MapIndex
from geosleuth.maps.limits import MAX_RADIUS_M, MAX_WITHIN_M, bound, bound_limit, check_point
from geosleuth.maps.matches import Group, Match, Pattern, parse_patterns
from geosleuth.maps.names import NAME_MATCH, pattern_score, text_ids
from geosleuth.maps.osm_import import BBox
from geosleuth.maps.regions import Regions, RegionStore, box_around, regions_of


def cooccur(
    store: RegionStore | Regions,
    patterns: Sequence[Mapping[str, Any]] | Sequence[Pattern],
    within_m: float = 150.0,
    near: tuple[float, float] | None = None,
    radius_m: float | None = None,
    limit: int = 10,
) -> list[Group]:
    """Places where a feature of every pattern lies within ``within_m`` of each other."""
    pats_ok = (
        [p for p in patterns if isinstance(p, Pattern)]
        if all(isinstance(p, Pattern) for p in patterns)
        else parse_patterns(patterns)  # type: ignore[arg-type]
    )
    if len(pats_ok) < 2:
        raise BadInputError("co-occurrence needs at least two patterns")
    within_m = bound(within_m, MAX_WITHIN_M, "within_m", 150.0)
    limit = bound_limit(limit)
    box = None
    if near is not None:
        near = check_point(*near)
        radius_m = bound(radius_m, MAX_RADIUS_M, "radius_m", 10_000.0)
        box = box_around(near[0], near[1], radius_m)
    groups: list[Group] = []
    indexes: dict[str, MapIndex] = {}
    for info, index in regions_of(store, near=near, radius_m=radius_m):
        indexes[info.name] = index
        cands = [_candidates(index, p, box, info.name) for p in pats_ok]
        groups.extend(group_candidates(cands, within_m))
    return [_hydrate(indexes[g.members[0].region or ""], g)
            for g in best_groups(groups, within_m, limit)]


def _candidates(index: MapIndex, pattern: Pattern, box: BBox | None, region: str) -> list[Match]:
    """The features that fit a pattern. Tag-only candidates are light (no tags decoded:
    a city can hold thousands); ``_hydrate`` fills in the few that end up in a group."""
    if pattern.name:
        ids = text_ids(index, pattern.name, box, limit=2000)
        if pattern.tags:
            ids = index.filter_tags(ids, pattern.tags)
        out = []
        for row in index.rows(ids):
            score = pattern_score(pattern.name, row.tags)
            if score >= NAME_MATCH:
                out.append(Match.from_row(row, region, score=score))
        return out
    ids = index.with_tags(pattern.tags, box, limit=20000)
    return [Match(t, oid, name, lat, lon, radius, {}, region=region)
            for t, oid, name, lat, lon, radius in index.light(ids)]


def _hydrate(index: MapIndex, group: Group) -> Group:
    light = [m for m in group.members if not m.tags]
    if not light:
        return group
    full = {(r.osm_type, r.osm_id): r for r in index.rows(index.find(
        [(m.osm_type, m.osm_id) for m in light]))}
    members = tuple(
        replace(m, tags=full[(m.osm_type, m.osm_id)].tags, bbox=full[(m.osm_type, m.osm_id)].bbox)
        if not m.tags and (m.osm_type, m.osm_id) in full else m
        for m in group.members
    )
    return replace(group, members=members)


def group_candidates(cands: Sequence[Sequence[Match]], within_m: float) -> list[Group]:
    """Every way to pick one candidate per pattern, all within ``within_m`` of each other,
    anchored on the rarest pattern's candidates (each with its nearest partners)."""
    if not cands or any(not c for c in cands):
        return []
    order = sorted(range(len(cands)), key=lambda i: len(cands[i]))
    anchor_i = order[0]
    anchors = cands[anchor_i]
    a_lat = np.array([m.lat for m in anchors])[:, None]
    a_lon = np.array([m.lon for m in anchors])[:, None]
    dist: dict[int, np.ndarray] = {}
    for j in order[1:]:
        lats = np.array([m.lat for m in cands[j]])[None, :]
        lons = np.array([m.lon for m in cands[j]])[None, :]
        dist[j] = np.asarray(haversine_km(a_lat, a_lon, lats, lons)) * 1000.0
    groups: list[Group] = []
    for a, anchor in enumerate(anchors):
        chosen: dict[int, Match] = {anchor_i: anchor}
        for j in order[1:]:
            row = dist[j][a]
            hits = np.flatnonzero(row <= within_m)
            taken = {(m.osm_type, m.osm_id) for m in chosen.values()}
            # the nearest partner that is not already in the group: distinct features
            pick = next((cands[j][int(h)] for h in hits[np.argsort(row[hits])]
                         if (cands[j][int(h)].osm_type, cands[j][int(h)].osm_id) not in taken),
                        None)
            if pick is None:
                break
            chosen[j] = pick
        else:
            members = tuple(chosen[i] for i in range(len(cands)))
            spread = max(
                metres(x.lat, x.lon, y.lat, y.lon)
                for i, x in enumerate(members) for y in members[i + 1:]
            )
            if spread <= within_m:
                score = float(np.prod([m.score for m in members]))
                groups.append(Group(members, spread, score))
    return groups


def best_groups(groups: list[Group], within_m: float, limit: int) -> list[Group]:
    """Best first, one group per place."""
    groups = sorted(groups, key=lambda g: (-round(g.score, 3), g.spread_m))
    kept: list[Group] = []
    for g in groups:
        if all(metres(g.lat, g.lon, k.lat, k.lon) > within_m for k in kept):
            kept.append(g)
            if len(kept) >= limit:
                break
    return kept
