"""Search, nearby, co-occurrence and reverse on the imported regions (offline).

Text is matched with FTS5 (accent-folded, last word as a prefix); a word the index
does not know is replaced by the indexed words within one or two edits (rapidfuzz
over the FTS5 vocabulary), so one typo still finds the place. Candidates are then
ranked by rapidfuzz similarity to the best of their name variants; repeated pieces of
one street are merged. Distances use the vectorised haversine of ``geosleuth.geo``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from geosleuth.errors import BadInputError
from geosleuth.geo.distance import EARTH_RADIUS_KM, haversine_km
from geosleuth.maps.index import FeatureRow, MapIndex
from geosleuth.maps.osm_import import BBox, is_name_key
from geosleuth.maps.regions import RegionInfo, RegionStore, box_around
from geosleuth.maps.text import fold, fts_term, tokens, variants

MAX_RADIUS_M = 50_000.0
MAX_WITHIN_M = 5_000.0
MAX_LIMIT = 50
MAX_PATTERNS = 5
STRONG = 0.9  # a match at least this good counts as "the name"
NAME_MATCH = 0.75  # co-occurrence: a candidate must match its pattern's name this well

Regions = Sequence[tuple[RegionInfo, MapIndex]]


@dataclass(frozen=True)
class Match:
    """One map feature that answers a query."""

    osm_type: str
    osm_id: int
    name: str | None
    lat: float
    lon: float
    radius_m: float
    tags: dict[str, str]
    score: float = 1.0
    region: str | None = None
    distance_m: float | None = None
    matched: str | None = None
    role: str | None = None
    host: str | None = None
    bbox: BBox | None = None  # south, west, north, east; pieces merged into one match widen it
    parts: int = 1

    @property
    def url(self) -> str:
        return f"https://www.openstreetmap.org/{self.osm_type}/{self.osm_id}"

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "osm_type": self.osm_type, "osm_id": self.osm_id, "name": self.name,
            "lat": round(self.lat, 7), "lon": round(self.lon, 7),
            "radius_m": round(self.radius_m, 1), "score": round(self.score, 3),
            "tags": self.tags, "url": self.url,
        }
        for key in ("region", "matched", "role", "host"):
            if getattr(self, key) is not None:
                out[key] = getattr(self, key)
        if self.distance_m is not None:
            out["distance_m"] = round(self.distance_m, 1)
        if self.bbox is not None:
            out["bbox"] = [round(v, 7) for v in self.bbox]
        if self.parts > 1:
            out["parts"] = self.parts
        return out


@dataclass(frozen=True)
class Group:
    """Features, one per co-occurrence pattern, all within the distance of each other."""

    members: tuple[Match, ...]
    spread_m: float
    score: float

    @property
    def lat(self) -> float:
        return float(np.mean([m.lat for m in self.members]))

    @property
    def lon(self) -> float:
        return float(np.mean([m.lon for m in self.members]))

    def as_dict(self) -> dict[str, Any]:
        return {
            "lat": round(self.lat, 7), "lon": round(self.lon, 7),
            "spread_m": round(self.spread_m, 1), "score": round(self.score, 3),
            "members": [m.as_dict() for m in self.members],
        }


@dataclass(frozen=True)
class Pattern:
    name: str | None = None
    tags: dict[str, str] = field(default_factory=dict)

    def describe(self) -> str:
        parts = [f"{k}={v}" for k, v in self.tags.items()]
        if self.name:
            parts.append(f"named {self.name!r}")
        return " ".join(parts) or "anything"


# ---------------------------------------------------------------- checks


def check_point(lat: float, lon: float) -> tuple[float, float]:
    if not (-90.0 <= lat <= 90.0 and -180.0 <= lon <= 180.0):
        raise BadInputError(f"({lat}, {lon}) is not a latitude/longitude pair")
    return float(lat), float(lon)


def bound(value: float | None, upper: float, what: str, default: float) -> float:
    """Clamp a radius or count given by a caller (the model, an image) to its bound."""
    if value is None:
        return default
    if not math.isfinite(value) or value <= 0:
        raise BadInputError(f"{what} must be a positive number, got {value}")
    return float(min(value, upper))


def bound_limit(limit: int | None, default: int = 10) -> int:
    return int(bound(limit, MAX_LIMIT, "limit", default))


# ---------------------------------------------------------------- text


def _alternatives(index: MapIndex, token: str) -> list[str]:
    """The token if the index knows it, else indexed words within one or two edits
    (optimal string alignment: swapping two neighbouring letters is one edit)."""
    if index.has_term(token):
        return [token]
    cutoff = 1 if len(token) <= 5 else 2
    found = process.extract(
        token, index.vocabulary(), scorer=OSA.distance, score_cutoff=cutoff, limit=8
    )
    return [token] + [term for term, _dist, _i in found]


def _fts_query(index: MapIndex, words: list[str], any_word: bool = False) -> str:
    groups = []
    for i, word in enumerate(words):
        alts = [fts_term(a) for a in _alternatives(index, word)]
        if i == len(words) - 1 and len(word) >= 2:
            alts.append(fts_term(word, prefix=True))
        groups.append("(" + " OR ".join(dict.fromkeys(alts)) + ")")
    return (" OR " if any_word else " AND ").join(groups)


def name_variants(tags: Mapping[str, str]) -> list[str]:
    out: list[str] = []
    for key, value in tags.items():
        if is_name_key(key):
            for part in value.split(";"):
                out.extend(variants(part.strip()))
    street = tags.get("addr:street") or tags.get("addr:place")
    if street:
        number = tags.get("addr:housenumber")
        out.append(f"{street} {number}" if number else street)
    return [v for v in dict.fromkeys(out) if v]


def similarity(query: str, tags: Mapping[str, str]) -> tuple[float, str | None]:
    """How well ``query`` names this feature (0..1), and the name variant that matched."""
    q = fold(query)
    best, best_name = 0.0, None
    for name in name_variants(tags):
        n = fold(name)
        s = (0.6 * fuzz.ratio(q, n) + 0.4 * fuzz.token_set_ratio(q, n)) / 100.0
        if s > best:
            best, best_name = s, name
    return best, best_name


def pattern_score(name: str, tags: Mapping[str, str]) -> float:
    """Like ``similarity``, but a name read on a sign may be part of the full name
    ("Müller" on "Bäckerei Müller"): every word found counts as a good match."""
    score, matched = similarity(name, tags)
    if matched is not None and fuzz.token_set_ratio(fold(name), fold(matched)) >= 95:
        score = max(score, 0.85)
    return score


def text_ids(
    index: MapIndex, text: str, box: BBox | None = None, limit: int = 300, enough: int = 10
) -> list[int]:
    """Feature ids whose names, addresses or kinds match ``text``: all words, and when that
    finds fewer than ``enough``, any word (best bm25 first)."""
    words = tokens(text)[:12]
    if not words:
        raise BadInputError(f"{text!r} holds no words to search for")
    ids = index.match(_fts_query(index, words), box, limit)
    if len(ids) < enough and len(words) > 1:
        seen = set(ids)
        more = index.match(_fts_query(index, words, any_word=True), box, limit)
        ids += [i for i in more if i not in seen][: limit - len(ids)]
    return ids


# ---------------------------------------------------------------- helpers


def _to_match(row: FeatureRow, region: str, **extra: Any) -> Match:
    return Match(row.osm_type, row.osm_id, row.name, row.lat, row.lon, row.radius_m, row.tags,
                 region=region, bbox=row.bbox, **extra)


def _distances_m(lat: float, lon: float, rows: Sequence[FeatureRow | Match]) -> np.ndarray:
    if not rows:
        return np.zeros(0)
    lats = np.fromiter((r.lat for r in rows), float, len(rows))
    lons = np.fromiter((r.lon for r in rows), float, len(rows))
    return np.asarray(haversine_km(lat, lon, lats, lons)) * 1000.0


def _reach_distance(d: float, row: FeatureRow | Match) -> float:
    """Distance to a feature's edge: its point's distance less its reach (nodes: none)."""
    return d if row.osm_type == "node" else max(0.0, d - row.radius_m)


def _metres(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    # Scalar haversine: numpy's per-call overhead dominates for single pairs.
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = (math.sin((p2 - p1) / 2) ** 2
         + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2)
    return 2.0 * EARTH_RADIUS_KM * 1000.0 * math.asin(math.sqrt(min(1.0, a)))


def _box_of(m: Match) -> BBox:
    return m.bbox if m.bbox is not None else (m.lat, m.lon, m.lat, m.lon)


def metres_to_box(lat: float, lon: float, box: BBox) -> float:
    """Distance from a point to a bounding box (0 inside it)."""
    clat = min(max(lat, box[0]), box[2])
    clon = min(max(lon, box[1]), box[3])
    return _metres(lat, lon, clat, clon)


def _merge_repeats(matches: list[Match], limit: int, gap_m: float = 300.0) -> list[Match]:
    """One match for several pieces of one named thing (a street cut into many ways):
    pieces with the same name whose boxes lie within ``gap_m`` of each other are joined
    (transitively), the best piece standing for them with the union of their boxes."""
    groups: list[list[Match]] = []
    boxes: list[BBox] = []
    keys: list[str] = []
    for m in matches:
        key = fold(m.name or "")
        box = _box_of(m)
        hits = [i for i, (b, k) in enumerate(zip(boxes, keys, strict=True))
                if key and k == key and _box_gap(box, b) <= gap_m]
        if not hits:
            groups.append([m])
            boxes.append(box)
            keys.append(key)
            continue
        first = hits[0]
        groups[first].append(m)
        boxes[first] = _union_box(boxes[first], box)
        for i in reversed(hits[1:]):  # this piece bridges earlier groups: join them
            groups[first].extend(groups.pop(i))
            boxes[first] = _union_box(boxes[first], boxes.pop(i))
            keys.pop(i)
    out: list[Match] = []
    for group, box in sorted(zip(groups, boxes, strict=True),
                             key=lambda gb: matches.index(gb[0][0])):
        best = group[0]
        if len(group) > 1:
            reach = 0.5 * _metres(box[0], box[1], box[2], box[3])
            best = replace(best, bbox=box, radius_m=max(best.radius_m, reach), parts=len(group))
        out.append(best)
        if len(out) >= limit:
            break
    return out


def _union_box(a: BBox, b: BBox) -> BBox:
    return (min(a[0], b[0]), min(a[1], b[1]), max(a[2], b[2]), max(a[3], b[3]))


def _box_gap(a: BBox, b: BBox) -> float:
    """Distance between two boxes (0 when they overlap)."""
    lat = min(max(a[0], b[0]), a[2]) if not (a[2] < b[0] or b[2] < a[0]) else None
    lon = min(max(a[1], b[1]), a[3]) if not (a[3] < b[1] or b[3] < a[1]) else None
    lat_a, lat_b = (lat, lat) if lat is not None else ((a[2], b[0]) if a[2] < b[0]
                                                      else (a[0], b[2]))
    lon_a, lon_b = (lon, lon) if lon is not None else ((a[3], b[1]) if a[3] < b[1]
                                                      else (a[1], b[3]))
    return _metres(lat_a, lon_a, lat_b, lon_b)


def _regions(store: RegionStore | Regions, **select: Any) -> Regions:
    if isinstance(store, RegionStore):
        return store.select(**select)
    return store


# ---------------------------------------------------------------- operations


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
    regions = _regions(store, near=near, radius_m=radius_m, country=country)
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
        dists = _distances_m(near[0], near[1], rows) if near is not None else None
        for i, row in enumerate(rows):
            score, matched = similarity(text, row.tags)
            distance = None
            if dists is not None:
                distance = _reach_distance(float(dists[i]), row)
                if radius_m is not None and distance > radius_m:
                    continue
            found.append(_to_match(row, info.name, score=score, matched=matched,
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
    for info, index in _regions(store, near=(lat, lon), radius_m=radius_m):
        if name:
            ids = text_ids(index, name, box, limit=2000 if tags else 300)
            if tags:
                ids = index.filter_tags(ids, tags)
        elif tags:
            ids = index.with_tags(tags, box)
        else:
            ids = index.in_box(box, 5000)
        rows = index.rows(ids)
        dists = _distances_m(lat, lon, rows)
        for i, row in enumerate(rows):
            d = _reach_distance(float(dists[i]), row)
            if d > radius_m:
                continue
            score, matched = similarity(name, row.tags) if name else (1.0, None)
            if name and score < 0.5:
                continue
            found.append(_to_match(row, info.name, score=score, matched=matched, distance_m=d))
    found.sort(key=lambda m: (-(m.score >= STRONG), m.distance_m or 0.0, -m.score))
    return _merge_repeats(found, limit) if name else found[:limit]


def parse_patterns(raw: Sequence[Mapping[str, Any]]) -> list[Pattern]:
    if not raw or len(raw) < 2:
        raise BadInputError("co-occurrence needs at least two patterns")
    if len(raw) > MAX_PATTERNS:
        raise BadInputError(f"co-occurrence takes at most {MAX_PATTERNS} patterns")
    out = []
    for item in raw:
        name = item.get("name") or None
        tags = {str(k): str(v) for k, v in (item.get("tags") or {}).items()}
        if not name and not tags:
            raise BadInputError("each co-occurrence pattern needs a name or tags")
        out.append(Pattern(str(name) if name else None, tags))
    return out


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
                out.append(_to_match(row, region, score=score))
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
    for info, index in _regions(store, near=near, radius_m=radius_m):
        indexes[info.name] = index
        cands = [_candidates(index, p, box, info.name) for p in pats_ok]
        groups.extend(group_candidates(cands, within_m))
    return [_hydrate(indexes[g.members[0].region or ""], g)
            for g in best_groups(groups, within_m, limit)]


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
                _metres(x.lat, x.lon, y.lat, y.lon)
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
        if all(_metres(g.lat, g.lon, k.lat, k.lon) > within_m for k in kept):
            kept.append(g)
            if len(kept) >= limit:
                break
    return kept


def reverse(store: RegionStore | Regions, lat: float, lon: float) -> list[Match]:
    """What is at a point: nearest address, nearest named street, named point of interest,
    and the smallest named area around it (each with ``role`` set)."""
    lat, lon = check_point(lat, lon)
    best: dict[str, tuple[float, Match]] = {}
    for radius in (100.0, 400.0, 1500.0, 5000.0):
        box = box_around(lat, lon, radius)
        for info, index in _regions(store, near=(lat, lon), radius_m=radius):
            rows = index.rows(index.in_box(box, 20000))
            dists = _distances_m(lat, lon, rows)
            for i, row in enumerate(rows):
                d = float(dists[i])
                tags = row.tags
                if not row.name:
                    continue
                if _is_area(row) and _inside(lat, lon, row):
                    _keep(best, "area", row.radius_m,
                          _to_match(row, info.name, role="area", distance_m=0.0))
                if "addr:housenumber" in tags:
                    _keep(best, "address", d, _to_match(row, info.name, role="address",
                                                         distance_m=d))
                if "highway" in tags and row.osm_type == "way":
                    e = _reach_distance(d, row)
                    _keep(best, "street", e, _to_match(row, info.name, role="street",
                                                       distance_m=e))
                elif "name" in tags and row.osm_type == "node":
                    _keep(best, "poi", d, _to_match(row, info.name, role="poi", distance_m=d))
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
    return _metres(lat, lon, row.lat, row.lon) <= row.radius_m


def _keep(best: dict[str, tuple[float, Match]], role: str, key: float, match: Match) -> None:
    if role not in best or key < best[role][0]:
        best[role] = (key, match)


def with_host(matches: Sequence[Match], host: str) -> list[Match]:
    return [replace(m, host=host) for m in matches]
