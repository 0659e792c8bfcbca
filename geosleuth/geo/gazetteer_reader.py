"""What the gazetteer returns, and the read-only connection to its index.

:class:`GazPlace` (a place of the index) and :class:`PlaceMatch` (a place found by
name); :class:`IndexReader`, the connection that the name lookups
(:mod:`geosleuth.geo.gazetteer_lookup`) and the point lookups
(:mod:`geosleuth.geo.gazetteer_nearest`) query, and the columns and decoding of a row of
its ``places`` table.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

KINDS = ("city", "admin1", "us_state", "country", "continent")


@dataclass(frozen=True)
class GazPlace:
    geonameid: int | None
    name: str
    lat: float
    lon: float
    country_code: str  # ISO 3166 alpha-2, upper case ("" for a continent)
    kind: str  # "city" | "admin1" | "us_state" | "country" | "continent"
    population: int
    admin1: str | None = None  # region name where known
    timezone: str | None = None
    extent_km: float | None = None  # rough radius of a region, state, country or continent


@dataclass(frozen=True)
class PlaceMatch:
    place: GazPlace
    matched: str  # the name (or alternate name) that matched
    score: float  # 0..1; 1 = exact (after case/accent folding)


PLACE_COLUMNS = "p.id, p.geonameid, p.name, p.lat, p.lon, p.cc, p.kind, p.population, " \
    "p.admin1, p.timezone, p.extent_km"  # fmt: skip


def place_from_row(row: tuple[Any, ...]) -> GazPlace:
    return GazPlace(
        geonameid=row[1], name=row[2], lat=row[3], lon=row[4], country_code=row[5],
        kind=row[6], population=row[7], admin1=row[8], timezone=row[9], extent_km=row[10],
    )  # fmt: skip


class IndexReader:
    """A read-only connection to one index file, safe to share between threads."""

    def __init__(self, path: Path, cache_dir: Path) -> None:
        self.path = path
        self.cache_dir = cache_dir
        self._con = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
        self._lock = threading.RLock()
        self._fuzzy_keys: dict[int, list[str]] = {}
        self._raster: Any = None
        rows = self._query("SELECT cc, name FROM country_names")
        self._country_names: dict[str, str] = dict(rows)

    def _query(self, sql: str, params: Iterable[Any] = ()) -> list[tuple[Any, ...]]:
        with self._lock:
            return self._con.execute(sql, tuple(params)).fetchall()

    def country_name(self, country_code: str) -> str | None:
        """The English name of a country, from the index."""
        return self._country_names.get(country_code.upper())
