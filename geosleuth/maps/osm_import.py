"""Reading an OSM extract (.osm.pbf, .osm, .osm.gz, .osm.bz2) with pyosmium into features.

A feature is a node, way or relation worth finding on a map: it has a name (any
``name``, ``name:xx``, ``alt_name``…), an address, or a point-of-interest tag. Ways get
their bounding box from their nodes' locations; relations from their members' (one
level of sub-relations). Two passes over the file: relations first, to learn which
untagged ways are parts of an interesting relation, then nodes and ways with locations.

Besides, every way a map view draws (roads, railways, water, coastline, buildings, land
use: ``geometry.shape_kind``, or the closed outer ways of such a multipolygon) is handed
to ``shapes`` with its geometry, named or not.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from geosleuth.errors import BadInputError
from geosleuth.maps.geometry import Kind, encode_line, shape_kind

SUFFIXES = (".osm.pbf", ".pbf", ".osm", ".osm.gz", ".osm.bz2", ".o5m", ".opl")

NAME_KEYS = (
    "name", "alt_name", "old_name", "official_name", "short_name", "loc_name", "int_name",
    "reg_name", "nat_name", "brand",
)
POI_KEYS = frozenset({
    "amenity", "shop", "tourism", "leisure", "historic", "office", "craft", "emergency",
    "healthcare", "public_transport", "aeroway", "place", "sport", "man_made", "railway",
})
POI_HIGHWAY = frozenset({"bus_stop", "platform", "motorway_junction", "rest_area", "services"})
SKIP_RELATION_TYPES = frozenset({"route", "route_master", "network", "superroute", "restriction"})

BBox = tuple[float, float, float, float]  # south, west, north, east


def is_name_key(key: str) -> bool:
    base = key.split(":", 1)[0]
    return base in NAME_KEYS


def is_interesting(tags: dict[str, str]) -> bool:
    for key, value in tags.items():
        if key in POI_KEYS or is_name_key(key) or key.startswith("addr:"):
            return True
        if key == "highway" and value in POI_HIGHWAY:
            return True
    return False


@dataclass(frozen=True)
class OsmFeature:
    osm_type: str  # "node", "way" or "relation"
    osm_id: int
    tags: dict[str, str]
    lat: float
    lon: float
    bbox: BBox

    @property
    def radius_m(self) -> float:
        """Half the bounding box diagonal, at least 50 m: how far the feature reaches."""
        s, w, n, e = self.bbox
        dy = (n - s) * 111_320.0
        dx = (e - w) * 111_320.0 * math.cos(math.radians((n + s) / 2.0))
        return max(50.0, 0.5 * math.hypot(dx, dy))


@dataclass(frozen=True)
class OsmShape:
    """A way as a map view draws it: its kind (``geometry.KINDS``), name and geometry."""

    osm_id: int
    kind: int
    rank: int
    name: str | None
    bbox: BBox
    geom: bytes


def check_path(path: Path) -> Path:
    if not path.is_file():
        raise BadInputError(f"{path}: no such file; give an OSM extract (.osm.pbf, .osm, …)")
    if not path.name.lower().endswith(SUFFIXES):
        raise BadInputError(
            f"{path.name}: not an OSM extract; expected .osm.pbf, .osm, .osm.gz or .osm.bz2"
        )
    return path


def _union(a: BBox | None, b: BBox) -> BBox:
    if a is None:
        return b
    return (min(a[0], b[0]), min(a[1], b[1]), max(a[2], b[2]), max(a[3], b[3]))


def _centre(b: BBox) -> tuple[float, float]:
    return (b[0] + b[2]) / 2.0, (b[1] + b[3]) / 2.0


def read_features(
    path: Path, progress: Callable[[str, int], None] | None = None,
    shapes: list[OsmShape] | None = None,
) -> Iterator[OsmFeature]:
    """Yield every interesting feature of the extract at ``path``; append to ``shapes``
    (as the ways go by) every way a map view draws."""
    import osmium

    check_path(path)
    relations: dict[int, tuple[dict[str, str], list[tuple[str, int, str]]]] = {}
    area_ways: dict[int, Kind] = {}  # outer ways of multipolygons a view fills
    try:
        for rel in osmium.FileProcessor(str(path), osmium.osm.RELATION):
            tags = dict(rel.tags)
            if shapes is not None and tags.get("type") == "multipolygon":
                kind = shape_kind(tags)
                if kind is not None and kind.area:
                    for m in rel.members:
                        if m.type == "w" and m.role in ("outer", ""):
                            area_ways.setdefault(m.ref, kind)
            if tags.get("type") in SKIP_RELATION_TYPES or not is_interesting(tags):
                continue
            relations[rel.id] = (tags, [(m.type, m.ref, m.role) for m in rel.members])
    except RuntimeError as exc:
        raise BadInputError(f"{path.name}: pyosmium cannot read it ({exc})") from None
    member_nodes = {ref for _, mem in relations.values() for t, ref, _r in mem if t == "n"}
    member_ways = {ref for _, mem in relations.values() for t, ref, _r in mem if t == "w"}
    node_boxes: dict[int, BBox] = {}
    way_boxes: dict[int, BBox] = {}

    processor = (
        osmium.FileProcessor(str(path), osmium.osm.NODE | osmium.osm.WAY)
        .with_locations()
        .with_filter(osmium.filter.EmptyTagFilter().enable_for(osmium.osm.NODE))
    )
    count = 0
    try:
        for obj in processor:
            count += 1
            if progress is not None and count % 100_000 == 0:
                progress("read", count)
            if obj.is_node():
                tags = dict(obj.tags)
                loc = obj.location
                if not loc.valid():
                    continue
                if obj.id in member_nodes:
                    node_boxes[obj.id] = (loc.lat, loc.lon, loc.lat, loc.lon)
                if is_interesting(tags):
                    yield OsmFeature("node", obj.id, tags, loc.lat, loc.lon,
                                     (loc.lat, loc.lon, loc.lat, loc.lon))
                continue
            wanted = obj.id in member_ways
            tags = dict(obj.tags) if obj.tags else {}
            interesting = bool(tags) and is_interesting(tags)
            drawn = None
            if shapes is not None:
                drawn = (shape_kind(tags) if tags else None) or area_ways.get(obj.id)
            if not (wanted or interesting or drawn):
                continue
            lats: list[float] = []
            lons: list[float] = []
            for nd in obj.nodes:
                if nd.location.valid():
                    lats.append(nd.location.lat)
                    lons.append(nd.location.lon)
            if not lats:
                continue
            box = (min(lats), min(lons), max(lats), max(lons))
            if drawn is not None and shapes is not None and len(lats) >= 2:
                shapes.append(OsmShape(obj.id, drawn.code, drawn.rank, tags.get("name"), box,
                                       encode_line(lats, lons)))
            if not (wanted or interesting):
                continue
            if wanted:
                way_boxes[obj.id] = box
            if interesting:
                # Closed ways: the mean of the ring is a better "where" than the box centre;
                # open ways (streets): the node nearest the middle lies on the street.
                if obj.nodes[0].ref == obj.nodes[-1].ref and len(lats) > 3:
                    lat, lon = sum(lats[:-1]) / (len(lats) - 1), sum(lons[:-1]) / (len(lons) - 1)
                else:
                    mid = len(lats) // 2
                    lat, lon = lats[mid], lons[mid]
                yield OsmFeature("way", obj.id, tags, lat, lon, box)
    except RuntimeError as exc:
        raise BadInputError(f"{path.name}: pyosmium cannot read it ({exc})") from None

    rel_boxes: dict[int, BBox] = {}
    for _ in range(2):  # two rounds resolve one level of sub-relations
        for rid, (_tags, members) in relations.items():
            box: BBox | None = None
            for mtype, ref, _role in members:
                part = {"n": node_boxes, "w": way_boxes, "r": rel_boxes}[mtype].get(ref)
                if part is not None:
                    box = _union(box, part)
            if box is not None:
                rel_boxes[rid] = box
    for rid, (tags, members) in relations.items():
        box = rel_boxes.get(rid)
        if box is None:
            continue  # the extract holds none of its members
        label = next(
            (m for t, m, role in members
             if t == "n" and role in ("label", "admin_centre") and m in node_boxes),
            None,
        )
        lat, lon = (node_boxes[label][0], node_boxes[label][1]) if label else _centre(box)
        yield OsmFeature("relation", rid, tags, lat, lon, box)
