"""The offline map index of one region: one SQLite file with FTS5 and an R*Tree.

Tables: ``features`` (OSM type and id, display name, point, reach, tags as JSON),
``fts`` (full text over every name variant, ``addr:*`` values and the main tags,
accent-folded by the ``unicode61 remove_diacritics 2`` tokenizer), ``geo`` (R*Tree of
bounding boxes), ``tags`` (key, value, feature) for tag queries, ``shapes`` (an R*Tree
of the ways a map view draws, each with its kind, name and compact geometry:
``geometry.encode_line``), and ``meta``.

Schema 2 added ``shapes``; an index of another schema is refused with one line that says
to import its extract again (``IndexVersionError``).
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from geosleuth.errors import BadInputError
from geosleuth.maps.osm_import import BBox, OsmFeature, OsmShape, is_name_key
from geosleuth.maps.text import variants

SCHEMA_VERSION = "2"


class IndexVersionError(BadInputError):
    """A map index written by another version of geosleuth."""

KIND_KEYS = (
    "amenity", "shop", "tourism", "leisure", "historic", "office", "craft", "emergency",
    "healthcare", "public_transport", "aeroway", "place", "sport", "man_made", "railway",
    "highway", "building", "landuse", "natural", "waterway", "boundary", "cuisine", "religion",
)

_SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE features (
    id INTEGER PRIMARY KEY,
    osm_type TEXT NOT NULL,
    osm_id INTEGER NOT NULL,
    name TEXT,
    lat REAL NOT NULL,
    lon REAL NOT NULL,
    radius_m REAL NOT NULL,
    tags TEXT NOT NULL
);
CREATE VIRTUAL TABLE fts USING fts5(
    names, addr, kinds, content='', tokenize='unicode61 remove_diacritics 2'
);
CREATE VIRTUAL TABLE fts_vocab USING fts5vocab(fts, 'row');
CREATE VIRTUAL TABLE geo USING rtree(id, min_lat, max_lat, min_lon, max_lon);
CREATE TABLE tags (key TEXT NOT NULL, value TEXT NOT NULL, id INTEGER NOT NULL);
CREATE VIRTUAL TABLE shapes USING rtree(
    id, min_lat, max_lat, min_lon, max_lon, +kind INT, +rank INT, +osm_id INT, +name TEXT,
    +geom BLOB
);
"""


def display_name(tags: Mapping[str, str]) -> str | None:
    for key in ("name", "official_name", "alt_name", "brand", "old_name"):
        if tags.get(key):
            return tags[key]
    for key in sorted(tags):
        if key.startswith("name:") and tags[key]:
            return tags[key]
    street = tags.get("addr:street") or tags.get("addr:place")
    if street:
        number = tags.get("addr:housenumber")
        return f"{street} {number}" if number else street
    return None


def _fts_row(tags: Mapping[str, str]) -> tuple[str, str, str]:
    names: list[str] = []
    for key, value in tags.items():
        if is_name_key(key):
            for part in value.split(";"):
                names.extend(variants(part.strip()))
    addr = [v for k, v in tags.items() if k.startswith("addr:")]
    kinds = [
        f"{k} {tags[k].replace('_', ' ')}" for k in KIND_KEYS if k in tags and tags[k] != "yes"
    ]
    kinds += [k for k in KIND_KEYS if tags.get(k) == "yes"]
    return " ; ".join(dict.fromkeys(names)), " ; ".join(addr), " ; ".join(kinds)


@dataclass(frozen=True)
class ImportStats:
    features: int
    nodes: int
    ways: int
    relations: int
    bbox: BBox | None
    seconds: float
    bytes: int


def build_index(
    features: Iterable[OsmFeature],
    path: Path,
    meta: Mapping[str, str],
    progress: Callable[[str, int], None] | None = None,
    late_meta: Callable[[], Mapping[str, str]] | None = None,
    shapes: list[OsmShape] | None = None,
) -> ImportStats:
    """Write a fresh index at ``path`` (replacing it atomically when complete).

    ``shapes`` is the list the reader of ``features`` appends the drawn ways to: it is
    emptied into the index as the features go by.

    ``late_meta`` gives meta entries known only once every feature went by (the region's
    countries); they are written before the index takes its name, so a kill at any
    moment leaves the region whole or absent.
    """
    started = time.perf_counter()
    tmp = path.with_name(path.name + ".part")
    tmp.unlink(missing_ok=True)
    db = sqlite3.connect(str(tmp))
    counts = {"node": 0, "way": 0, "relation": 0}
    box: list[float] | None = None
    try:
        db.executescript("PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;" + _SCHEMA)
        batch_f: list[tuple[Any, ...]] = []
        batch_t: list[tuple[Any, ...]] = []
        batch_s: list[tuple[Any, ...]] = []
        batch_g: list[tuple[Any, ...]] = []
        n_shapes = 0

        def flush_shapes() -> None:
            nonlocal n_shapes
            if not shapes:
                return
            rows = [(n_shapes + i + 1, sh.bbox[0], sh.bbox[2], sh.bbox[1], sh.bbox[3], sh.kind,
                     sh.rank, sh.osm_id, sh.name, sh.geom) for i, sh in enumerate(shapes)]
            n_shapes += len(rows)
            shapes.clear()
            db.executemany("INSERT INTO shapes VALUES (?,?,?,?,?,?,?,?,?,?)", rows)

        def flush() -> None:
            db.executemany("INSERT INTO features VALUES (?,?,?,?,?,?,?,?)", batch_f)
            db.executemany("INSERT INTO fts(rowid, names, addr, kinds) VALUES (?,?,?,?)", batch_t)
            db.executemany("INSERT INTO tags VALUES (?,?,?)", batch_s)
            db.executemany("INSERT INTO geo VALUES (?,?,?,?,?)", batch_g)
            for batch in (batch_f, batch_t, batch_s, batch_g):
                batch.clear()

        fid = 0
        for feat in features:
            fid += 1
            counts[feat.osm_type] += 1
            s, w, n, e = feat.bbox
            box = [s, w, n, e] if box is None else [
                min(box[0], s), min(box[1], w), max(box[2], n), max(box[3], e)]
            batch_f.append((fid, feat.osm_type, feat.osm_id, display_name(feat.tags),
                            feat.lat, feat.lon, feat.radius_m,
                            json.dumps(feat.tags, ensure_ascii=False, separators=(",", ":"))))
            batch_t.append((fid, *_fts_row(feat.tags)))
            batch_s.extend((k, v, fid) for k, v in feat.tags.items() if not is_name_key(k))
            batch_g.append((fid, s, n, w, e))
            if shapes is not None and len(shapes) >= 5000:
                flush_shapes()
            if len(batch_f) >= 5000:
                flush()
                if progress is not None:
                    progress("indexed", fid)
        flush()
        flush_shapes()
        db.execute("CREATE INDEX tags_kv ON tags(key, value)")
        db.execute("CREATE INDEX features_osm ON features(osm_id, osm_type)")
        db.execute("INSERT INTO fts(fts) VALUES ('optimize')")
        full_meta = dict(meta)
        full_meta.update({
            "schema": SCHEMA_VERSION,
            "features": str(fid),
            "shapes": str(n_shapes),
            "bbox": json.dumps(box),
            "imported_at": str(time.time()),
            **{f"count_{k}": str(v) for k, v in counts.items()},
        })
        if late_meta is not None:
            full_meta.update(late_meta())
        db.executemany("INSERT INTO meta VALUES (?, ?)", sorted(full_meta.items()))
        db.commit()
        db.execute("VACUUM")
    except BaseException:
        db.close()
        tmp.unlink(missing_ok=True)
        raise
    db.close()
    tmp.replace(path)
    return ImportStats(
        features=fid, nodes=counts["node"], ways=counts["way"], relations=counts["relation"],
        bbox=tuple(box) if box else None,  # type: ignore[arg-type]
        seconds=time.perf_counter() - started, bytes=path.stat().st_size,
    )


@dataclass(frozen=True)
class FeatureRow:
    id: int
    osm_type: str
    osm_id: int
    name: str | None
    lat: float
    lon: float
    radius_m: float
    tags: dict[str, str]
    bbox: BBox | None = None


class MapIndex:
    """Read access to one region's index."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
        self.meta: dict[str, str] = dict(self.db.execute("SELECT key, value FROM meta"))
        self._vocab: list[str] | None = None

    def check_schema(self) -> None:
        """Raise ``IndexVersionError`` (one line: import the extract again) unless this
        index has the schema this geosleuth reads."""
        found = self.meta.get("schema")
        if found != SCHEMA_VERSION:
            source = self.meta.get("source") or "its OSM extract"
            raise IndexVersionError(
                f"{self.path}: map index of schema {found}, this geosleuth reads schema"
                f" {SCHEMA_VERSION}; import it again: geosleuth maps import {source}")

    def shapes_in_box(self, box: BBox, max_rank: int, min_extent_deg: float = 0.0,
                      limit: int = 400_000) -> list[tuple[int, str | None, bytes]]:
        """(kind, name, geometry) of the drawn ways meeting ``box`` whose kind is drawn at
        ``max_rank`` and whose box spans at least ``min_extent_deg`` (lat + lon)."""
        return self.db.execute(
            "SELECT kind, name, geom FROM shapes WHERE max_lat >= ? AND min_lat <= ?"
            " AND max_lon >= ? AND min_lon <= ? AND rank <= ?"
            " AND (max_lat - min_lat) + (max_lon - min_lon) >= ? LIMIT ?",
            (box[0], box[2], box[1], box[3], max_rank, min_extent_deg, limit)).fetchall()

    def way_lines(self, ways: Sequence[tuple[int, BBox]]) -> dict[int, bytes]:
        """The kept geometry of these ways (osm id and bounding box each), by osm id; ways
        a map view does not draw have none."""
        out: dict[int, bytes] = {}
        if not ways:
            return out
        south = min(b[0] for _, b in ways)
        west = min(b[1] for _, b in ways)
        north = max(b[2] for _, b in ways)
        east = max(b[3] for _, b in ways)
        wanted = sorted({osm_id for osm_id, _ in ways})
        for start in range(0, len(wanted), 900):
            chunk = wanted[start:start + 900]
            marks = ",".join("?" * len(chunk))
            out.update(self.db.execute(
                f"SELECT osm_id, geom FROM shapes WHERE max_lat >= ? AND min_lat <= ?"
                f" AND max_lon >= ? AND min_lon <= ? AND osm_id IN ({marks})",
                (south, north, west, east, *chunk)).fetchall())
        return out

    def tagged_points(self, box: BBox, key: str, limit: int = 500,
                      ) -> list[tuple[str, float, float, str]]:
        """(name, lat, lon, value of ``key``) of the named features in ``box`` that carry
        the tag ``key`` (relations aside: their point is a label's, not a place's)."""
        return self.db.execute(
            "SELECT f.name, f.lat, f.lon, t.value FROM tags t JOIN features f ON f.id = t.id"
            " WHERE t.key = ? AND f.name IS NOT NULL AND f.osm_type != 'relation'"
            " AND f.lat BETWEEN ? AND ? AND f.lon BETWEEN ? AND ? LIMIT ?",
            (key, box[0], box[2], box[1], box[3], limit)).fetchall()

    def close(self) -> None:
        self.db.close()

    @property
    def bbox(self) -> BBox | None:
        raw = json.loads(self.meta.get("bbox", "null"))
        return tuple(raw) if raw else None  # type: ignore[return-value]

    def vocabulary(self) -> list[str]:
        """Every distinct indexed term (for spelling correction), loaded once."""
        if self._vocab is None:
            self._vocab = [t for (t,) in self.db.execute("SELECT term FROM fts_vocab")]
        return self._vocab

    def has_term(self, term: str) -> bool:
        row = self.db.execute("SELECT 1 FROM fts_vocab WHERE term = ?", (term,)).fetchone()
        return row is not None

    def match(self, fts_query: str, box: BBox | None = None, limit: int = 200) -> list[int]:
        """Feature ids matching an FTS5 query (built by the caller from quoted terms),
        best bm25 first (names weigh most), optionally inside a box."""
        sql = "SELECT rowid FROM fts WHERE fts MATCH ?"
        params: list[Any] = [fts_query]
        if box is not None:
            sql += (" AND rowid IN (SELECT id FROM geo WHERE max_lat >= ? AND min_lat <= ?"
                    " AND max_lon >= ? AND min_lon <= ?)")
            params += [box[0], box[2], box[1], box[3]]
        sql += " ORDER BY bm25(fts, 10.0, 3.0, 1.0) LIMIT ?"
        params.append(limit)
        return [r for (r,) in self.db.execute(sql, params)]

    def in_box(self, box: BBox, limit: int | None = None) -> list[int]:
        sql = ("SELECT id FROM geo WHERE max_lat >= ? AND min_lat <= ? AND max_lon >= ?"
               " AND min_lon <= ?")
        params: list[Any] = [box[0], box[2], box[1], box[3]]
        if limit is not None:
            sql += " LIMIT ?"
            params.append(limit)
        return [r for (r,) in self.db.execute(sql, params)]

    def with_tags(
        self, tags: Mapping[str, str], box: BBox | None = None, limit: int = 5000
    ) -> list[int]:
        """Features carrying every ``key=value`` (value ``*`` for any value)."""
        if not tags:
            return self.in_box(box, limit) if box is not None else []
        clauses: list[str] = []
        params: list[Any] = []
        for key, value in tags.items():
            if value in ("*", ""):
                clauses.append("SELECT id FROM tags WHERE key = ?")
                params.append(key)
            else:
                clauses.append("SELECT id FROM tags WHERE key = ? AND value = ?")
                params += [key, value]
        sql = " INTERSECT ".join(clauses)
        if box is not None:
            sql = (f"SELECT id FROM ({sql}) WHERE id IN (SELECT id FROM geo WHERE max_lat >= ?"
                   " AND min_lat <= ? AND max_lon >= ? AND min_lon <= ?)")
            params += [box[0], box[2], box[1], box[3]]
        sql += " LIMIT ?"
        params.append(limit)
        return [r for (r,) in self.db.execute(sql, params)]

    def filter_tags(self, ids: Sequence[int], tags: Mapping[str, str]) -> list[int]:
        """Those of ``ids`` (order kept) whose features carry every ``key=value``."""
        keep = set(ids)
        for key, value in tags.items():
            if not keep:
                break
            found: set[int] = set()
            chunk_ids = sorted(keep)
            for start in range(0, len(chunk_ids), 900):
                chunk = chunk_ids[start:start + 900]
                marks = ",".join("?" * len(chunk))
                sql = f"SELECT id FROM tags WHERE key = ? AND id IN ({marks})"
                params: list[Any] = [key, *chunk]
                if value not in ("*", ""):
                    sql += " AND value = ?"
                    params.append(value)
                found.update(r for (r,) in self.db.execute(sql, params))
            keep &= found
        return [i for i in ids if i in keep]

    def rows(self, ids: Sequence[int]) -> list[FeatureRow]:
        """The features with these ids, in the same order."""
        if not ids:
            return []
        found: dict[int, FeatureRow] = {}
        for start in range(0, len(ids), 900):
            chunk = list(ids[start:start + 900])
            marks = ",".join("?" * len(chunk))
            for r in self.db.execute(
                f"SELECT f.id, osm_type, osm_id, name, lat, lon, radius_m, tags,"
                f" g.min_lat, g.min_lon, g.max_lat, g.max_lon"
                f" FROM features f JOIN geo g ON g.id = f.id WHERE f.id IN ({marks})",
                chunk,
            ):
                found[r[0]] = FeatureRow(r[0], r[1], r[2], r[3], r[4], r[5], r[6],
                                         json.loads(r[7]), (r[8], r[9], r[10], r[11]))
        return [found[i] for i in ids if i in found]

    def light(self, ids: Sequence[int]) -> list[tuple[str, int, str | None, float, float, float]]:
        """(osm type, osm id, name, lat, lon, reach) of these features, tags not decoded."""
        out: list[tuple[str, int, str | None, float, float, float]] = []
        for start in range(0, len(ids), 900):
            chunk = list(ids[start:start + 900])
            marks = ",".join("?" * len(chunk))
            out.extend(self.db.execute(
                f"SELECT osm_type, osm_id, name, lat, lon, radius_m FROM features"
                f" WHERE id IN ({marks})", chunk))
        return out

    def find(self, keys: Sequence[tuple[str, int]]) -> list[int]:
        """Feature ids of these (osm type, osm id) pairs."""
        out: list[int] = []
        for osm_type, osm_id in keys:
            out.extend(r for (r,) in self.db.execute(
                "SELECT id FROM features WHERE osm_id = ? AND osm_type = ?", (osm_id, osm_type)))
        return out

    def points(self, ids: Sequence[int]) -> list[tuple[int, float, float]]:
        """(id, lat, lon) of these features, without decoding their tags."""
        out: list[tuple[int, float, float]] = []
        for start in range(0, len(ids), 900):
            chunk = list(ids[start:start + 900])
            marks = ",".join("?" * len(chunk))
            out.extend(self.db.execute(
                f"SELECT id, lat, lon FROM features WHERE id IN ({marks})", chunk))
        return out
