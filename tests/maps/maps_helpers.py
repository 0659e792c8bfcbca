"""Helpers of the map tests: a small town written with pyosmium, a fake clock, and a
local HTTP server that answers like Nominatim and Overpass (or as a test scripts it)."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import osmium

from geosleuth.settings import Settings

# The town: (id, lat, lon, tags). Coordinates are made up, around 47.0 N 9.0 E.
NODES: list[tuple[int, float, float, dict[str, str]]] = [
    (1, 47.0000, 9.0000, {"place": "village", "name": "Testdorf", "name:ru": "Тестдорф",
                          "name:zh": "测试村"}),
    (2, 47.0010, 9.0010, {"highway": "bus_stop", "name": "Rathaus"}),
    (3, 47.0011, 9.0013, {"amenity": "pharmacy", "name": "Löwen-Apotheke",
                          "alt_name": "Apotheke am Rathaus", "addr:street": "Hauptstraße",
                          "addr:housenumber": "3", "addr:country": "DE"}),
    (4, 47.0100, 9.0100, {"shop": "bakery", "name": "Bäckerei Müller",
                          "addr:street": "Hauptstraße", "addr:housenumber": "5",
                          "addr:country": "DE"}),
    (5, 47.0500, 9.0500, {"highway": "bus_stop", "name": "Rathaus"}),
    (6, 47.0030, 9.0030, {"amenity": "cafe", "name": "Кафе Ромашка", "name:en": "Cafe Romashka",
                          "addr:country": "DE"}),
    (7, 47.0040, 9.0040, {"amenity": "fast_food", "name": "Łódź Kebab"}),
    (8, 47.0101, 9.0102, {"amenity": "pharmacy", "name": "Stern-Apotheke",
                          "old_name": "Apotheke Müller"}),
    # untagged nodes of the ways below
    (20, 47.0020, 9.0000, {}), (21, 47.0020, 9.0020, {}), (22, 47.0020, 9.0040, {}),
    (30, 31.2270, 121.4900, {}), (31, 31.2272, 121.4920, {}),
    (40, 47.0050, 9.0050, {}), (41, 47.0050, 9.0052, {}), (42, 47.0052, 9.0052, {}),
    (43, 47.0052, 9.0050, {}),
    (50, 47.0060, 9.0060, {}), (51, 47.0060, 9.0080, {}), (52, 47.0075, 9.0080, {}),
    (53, 47.0075, 9.0060, {}),
]
WAYS: list[tuple[int, list[int], dict[str, str]]] = [
    (100, [20, 21, 22], {"highway": "residential", "name": "Hauptstraße"}),
    (101, [30, 31], {"highway": "secondary", "name": "Yuyuan Road", "name:zh": "豫园路"}),
    (102, [40, 41, 42, 43, 40], {"building": "yes", "addr:street": "Hauptstraße",
                                 "addr:housenumber": "7"}),
    (103, [50, 51, 52, 53, 50], {}),  # the park's outline: untagged, a relation member
]
RELATIONS: list[tuple[int, list[tuple[str, int, str]], dict[str, str]]] = [
    (200, [("w", 103, "outer")], {"type": "multipolygon", "leisure": "park",
                                  "name": "Stadtpark", "name:fr": "Parc de la Ville"}),
    (201, [("w", 100, "street"), ("w", 101, "street")], {"type": "route", "route": "bus",
                                                          "name": "Bus 1"}),
]


def write_town(path: Path) -> Path:
    """Write the town as an OSM file; the format follows the suffix (.osm.pbf, .osm.gz…)."""
    path.unlink(missing_ok=True)
    writer = osmium.SimpleWriter(str(path))
    try:
        for nid, lat, lon, tags in NODES:
            writer.add_node(osmium.osm.mutable.Node(id=nid, location=(lon, lat), tags=tags,
                                                    version=1))
        for wid, refs, tags in WAYS:
            writer.add_way(osmium.osm.mutable.Way(id=wid, nodes=refs, tags=tags, version=1))
        for rid, members, tags in RELATIONS:
            writer.add_relation(osmium.osm.mutable.Relation(id=rid, members=members, tags=tags,
                                                            version=1))
    finally:
        writer.close()
    return path


ROAD_LAT = 47.0000  # the streets' primary road runs east-west along it


def write_streets(path: Path) -> Path:
    """A primary road running east-west at ROAD_LAT, a river north of it, a building, a
    park (multipolygon) and a named café."""
    writer = osmium.SimpleWriter(str(path))
    nodes = [(1, ROAD_LAT, 8.9950), (2, ROAD_LAT, 9.0000), (3, ROAD_LAT, 9.0050),
             (10, 47.0030, 8.9950), (11, 47.0030, 9.0050),
             (20, 46.9980, 9.0010), (21, 46.9980, 9.0013), (22, 46.9982, 9.0013),
             (23, 46.9982, 9.0010),
             (30, 46.9960, 8.9970), (31, 46.9960, 8.9990), (32, 46.9970, 8.9990),
             (33, 46.9970, 8.9970)]
    try:
        for nid, lat, lon in nodes:
            writer.add_node(osmium.osm.mutable.Node(id=nid, location=(lon, lat), version=1))
        writer.add_node(osmium.osm.mutable.Node(
            id=40, location=(9.0030, 46.9990), version=1,
            tags={"amenity": "cafe", "name": "Café Zentral"}))
        ways = [(100, [1, 2, 3], {"highway": "primary", "name": "Hauptstrasse"}),
                (101, [10, 11], {"waterway": "river"}),
                (102, [20, 21, 22, 23, 20], {"building": "yes"}),
                (103, [30, 31, 32, 33, 30], {})]
        for wid, refs, tags in ways:
            writer.add_way(osmium.osm.mutable.Way(id=wid, nodes=refs, tags=tags, version=1))
        writer.add_relation(osmium.osm.mutable.Relation(
            id=200, members=[("w", 103, "outer")], version=1,
            tags={"type": "multipolygon", "leisure": "park"}))
    finally:
        writer.close()
    return path


class FakeClock:
    """Monotonic and wall time that only move when someone sleeps."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def monotonic(self) -> float:
        return self.now

    def time(self) -> float:
        return 1_700_000_000.0 + self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += max(0.0, seconds)


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, list[str]]
    body: str
    headers: dict[str, str]

    @property
    def form(self) -> dict[str, list[str]]:
        return parse_qs(self.body)


Reply = tuple[int, dict[str, str], bytes]


@dataclass
class LocalServer:
    """Records every request; answers from ``script`` first, then with ``route``."""

    url: str = ""
    requests: list[Request] = field(default_factory=list)
    script: list[Reply] = field(default_factory=list)
    route: Callable[[Request], Reply] | None = None

    def answer(self, req: Request) -> Reply:
        self.requests.append(req)
        if self.script:
            return self.script.pop(0)
        if self.route is not None:
            return self.route(req)
        return 200, {"Content-Type": "application/json"}, b"{}"


def json_reply(payload: Any, status: int = 200) -> Reply:
    return status, {"Content-Type": "application/json"}, json.dumps(payload).encode()


def make_settings(tmp: Path, server_url: str | None = None, **over: Any) -> Settings:
    values: dict[str, Any] = {"data_dir": tmp / "data", "cache_dir": tmp / "cache",
                              "contact": "maps-test@example.org", "http_timeout_s": 5.0}
    if server_url is not None:
        values.update(nominatim_url=server_url, overpass_url=server_url + "/api/interpreter",
                      network=True)
    values.update(over)
    return Settings(**values)
