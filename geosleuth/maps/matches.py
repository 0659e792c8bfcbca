"""What a map query answers: a feature (``Match``), a group of features found together
(``Group``), and what a co-occurrence query looks for (``Pattern``)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from geosleuth.errors import BadInputError
from geosleuth.maps.index import FeatureRow
from geosleuth.maps.limits import MAX_PATTERNS
from geosleuth.maps.osm_import import BBox


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

    @classmethod
    def from_row(cls, row: FeatureRow, region: str, **extra: Any) -> Match:
        """The match for a feature of a region's index."""
        return cls(row.osm_type, row.osm_id, row.name, row.lat, row.lon, row.radius_m, row.tags,
                   region=region, bbox=row.bbox, **extra)

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


def with_host(matches: Sequence[Match], host: str) -> list[Match]:
    return [replace(m, host=host) for m in matches]
