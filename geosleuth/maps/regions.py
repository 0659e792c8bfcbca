"""The imported map regions: one index file each under ``<data_dir>/maps``.

Import, list, remove, and choose the regions that can answer a query (their bounding
box meets the query's area and their countries include the query's country).
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

from geosleuth.errors import BadInputError
from geosleuth.maps.index import ImportStats, MapIndex, build_index
from geosleuth.maps.osm_import import (
    SUFFIXES,
    BBox,
    OsmFeature,
    OsmShape,
    check_path,
    read_features,
)

_NAME = re.compile(r"[^a-z0-9_-]+")


def region_name(path: Path) -> str:
    base = path.name.lower()
    for suffix in sorted(SUFFIXES, key=len, reverse=True):
        if base.endswith(suffix):
            base = base[: -len(suffix)]
            break
    return _NAME.sub("-", base).strip("-") or "region"


def box_around(lat: float, lon: float, radius_m: float) -> BBox:
    dlat = radius_m / 111_320.0
    dlon = radius_m / (111_320.0 * max(0.01, math.cos(math.radians(lat))))
    return (max(-90.0, lat - dlat), lon - dlon, min(90.0, lat + dlat), lon + dlon)


def boxes_meet(a: BBox, b: BBox) -> bool:
    return a[0] <= b[2] and b[0] <= a[2] and a[1] <= b[3] and b[1] <= a[3]


@dataclass(frozen=True)
class RegionInfo:
    name: str
    path: Path
    source: str
    features: int
    bbox: BBox | None
    countries: tuple[str, ...]
    imported_at: float
    bytes: int

    def as_dict(self) -> dict[str, object]:
        return {
            "name": self.name, "path": str(self.path), "source": self.source,
            "features": self.features, "bbox": list(self.bbox) if self.bbox else None,
            "countries": list(self.countries), "imported_at": self.imported_at,
            "bytes": self.bytes,
        }


class _CountryCounter:
    """Watches features go by and guesses the region's countries from their tags."""

    def __init__(self) -> None:
        self.addr: Counter[str] = Counter()
        self.boundary: set[str] = set()

    def watch(self, features: Iterator[OsmFeature]) -> Iterator[OsmFeature]:
        for feat in features:
            code = feat.tags.get("addr:country", "")
            if len(code) == 2 and code.isalpha():
                self.addr[code.upper()] += 1
            if feat.tags.get("admin_level") == "2":
                iso = feat.tags.get("ISO3166-1:alpha2") or feat.tags.get("ISO3166-1", "")
                if len(iso) == 2 and iso.isalpha():
                    self.boundary.add(iso.upper())
            yield feat

    def countries(self) -> tuple[str, ...]:
        total = sum(self.addr.values())
        found = {c for c, n in self.addr.items() if n >= max(3, 0.01 * total)} | self.boundary
        return tuple(sorted(found))


class RegionStore:
    """The regions imported into ``data_dir``."""

    _shared: ClassVar[dict[Path, RegionStore]] = {}

    def __init__(self, data_dir: Path) -> None:
        self.root = Path(data_dir) / "maps"
        self._open: dict[str, tuple[float, MapIndex]] = {}

    @classmethod
    def shared(cls, data_dir: Path) -> RegionStore:
        """One store per data folder in this process, so that open indexes (and their
        vocabularies) are reused from one tool call to the next."""
        key = Path(data_dir).resolve()
        if key not in cls._shared:
            cls._shared[key] = cls(key)
        return cls._shared[key]

    def _path(self, name: str) -> Path:
        return self.root / f"{name}.sqlite"

    def import_file(
        self,
        path: Path,
        name: str | None = None,
        progress: Callable[[str, int], None] | None = None,
    ) -> tuple[RegionInfo, ImportStats]:
        check_path(path)
        name = _NAME.sub("-", name.lower()).strip("-") if name else region_name(path)
        if not name:
            raise BadInputError("a region name needs letters or digits")
        self.root.mkdir(parents=True, exist_ok=True)
        counter = _CountryCounter()
        meta = {"name": name, "source": str(path.resolve())}
        shapes: list[OsmShape] = []
        features = counter.watch(read_features(path, progress, shapes))
        target = self._path(name)
        # Countries are known only once every feature went by; they go in with the rest.
        stats = build_index(features, target, meta, progress,
                            late_meta=lambda: {"countries": json.dumps(counter.countries())},
                            shapes=shapes)
        self._open.pop(name, None)
        return self.info(name), stats

    def info(self, name: str) -> RegionInfo:
        path = self._path(name)
        if not path.is_file():
            raise BadInputError(f"no map region named {name!r}; see 'geosleuth maps list'")
        index = MapIndex(path)
        try:
            meta = index.meta
            return RegionInfo(
                name=name,
                path=path,
                source=meta.get("source", ""),
                features=int(meta.get("features", "0")),
                bbox=index.bbox,
                countries=tuple(json.loads(meta.get("countries", "[]"))),
                imported_at=float(meta.get("imported_at", "0")),
                bytes=path.stat().st_size,
            )
        finally:
            index.close()

    def list(self) -> list[RegionInfo]:
        if not self.root.is_dir():
            return []
        out = []
        for path in sorted(self.root.glob("*.sqlite")):
            try:
                out.append(self.info(path.stem))
            except Exception:  # a half-written or foreign file is not a region
                continue
        return out

    def remove(self, name: str) -> RegionInfo:
        info = self.info(name)
        cached = self._open.pop(name, None)
        if cached is not None:
            cached[1].close()
        info.path.unlink()
        return info

    def open(self, name: str) -> MapIndex:
        """The index of a region, opened once and reused while its file is unchanged;
        ``IndexVersionError`` when another geosleuth version wrote it."""
        path = self._path(name)
        mtime = path.stat().st_mtime
        cached = self._open.get(name)
        if cached is not None and cached[0] == mtime:
            return cached[1]
        index = MapIndex(path)
        try:
            index.check_schema()
        except BadInputError:
            index.close()
            raise
        self._open[name] = (mtime, index)
        return index

    def select(
        self,
        near: tuple[float, float] | None = None,
        radius_m: float | None = None,
        country: str | None = None,
        names: list[str] | None = None,
    ) -> list[tuple[RegionInfo, MapIndex]]:
        """The regions that can answer a query about this area and country."""
        chosen = []
        area = box_around(near[0], near[1], radius_m or 0.0) if near is not None else None
        for info in self.list():
            if names and info.name not in names:
                continue
            if area is not None and (info.bbox is None or not boxes_meet(area, info.bbox)):
                continue
            if country and info.countries and country.upper() not in info.countries:
                continue
            chosen.append((info, self.open(info.name)))
        return chosen


Regions = Sequence[tuple[RegionInfo, MapIndex]]


def regions_of(store: RegionStore | Regions, **select: Any) -> Regions:
    """The regions of a store that can answer a query (``RegionStore.select``), or the
    regions a caller has chosen already."""
    if isinstance(store, RegionStore):
        return store.select(**select)
    return store
