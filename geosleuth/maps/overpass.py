"""Overpass QL built from an operation, never from free text.

Tag keys must look like OSM keys; names and values are escaped inside quoted strings
(and inside regular expressions where a name is matched case-insensitively); radii,
result counts, the server timeout and the answer size are bounded. So no clue read
from an image, and no model, can make geosleuth send an arbitrary or huge query.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from geosleuth.errors import BadInputError
from geosleuth.maps.index import display_name
from geosleuth.maps.limits import MAX_LIMIT, MAX_RADIUS_M, MAX_WITHIN_M
from geosleuth.maps.matches import Match, Pattern
from geosleuth.maps.osm_import import OsmFeature

TIMEOUT_S = 25
MAX_SIZE = 64 * 1024 * 1024
MAX_ELEMENTS = 500
MAX_TEXT = 200

_KEY = re.compile(r"^[A-Za-z][A-Za-z0-9_:.\-]{0,63}$")
_ERE_SPECIAL = re.compile(r"([.\[\]{}()\\*+?^$|])")
NAME_KEYS_RE = "^(name|name:[a-z_-]+|alt_name|old_name|official_name|short_name|loc_name)$"


def ql_string(value: str) -> str:
    """A double-quoted Overpass QL string with backslash, quote and controls escaped."""
    if len(value) > MAX_TEXT:
        raise BadInputError(f"text longer than {MAX_TEXT} characters is not sent to Overpass")
    out = []
    for ch in value:
        if ch in ('"', "\\"):
            out.append("\\" + ch)
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\t":
            out.append("\\t")
        elif ord(ch) < 0x20 or ch == "\x7f":
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def ere_literal(value: str) -> str:
    """``value`` as a POSIX extended regular expression matching exactly that text."""
    return _ERE_SPECIAL.sub(r"\\\1", value)


def check_key(key: str) -> str:
    if not _KEY.match(key):
        raise BadInputError(f"{key!r} is not an OSM tag key")
    return key


def tag_filters(tags: Mapping[str, str]) -> str:
    parts = []
    for key, value in tags.items():
        key = check_key(str(key))
        value = str(value)
        if value in ("*", ""):
            parts.append(f"[{ql_string(key)}]")
        else:
            parts.append(f"[{ql_string(key)}={ql_string(value)}]")
    return "".join(parts)


def name_filter(name: str) -> str:
    """Any name tag (name, name:xx, alt_name…) equal to ``name``, ignoring case."""
    name = name.strip()
    if not name:
        raise BadInputError("an empty name cannot be searched")
    return f"[~{ql_string(NAME_KEYS_RE)}~{ql_string('^' + ere_literal(name) + '$')},i]"


def _around(radius_m: float, lat: float, lon: float) -> str:
    radius = min(float(radius_m), MAX_RADIUS_M)
    return f"(around:{radius:.0f},{lat:.7f},{lon:.7f})"


def _header() -> str:
    return f"[out:json][timeout:{TIMEOUT_S}][maxsize:{MAX_SIZE}];"


def nearby_query(
    lat: float, lon: float, radius_m: float, tags: Mapping[str, str] | None, name: str | None,
    limit: int,
) -> str:
    if not tags and not name:
        raise BadInputError("nearby needs tags or a name to look for")
    filters = tag_filters(tags or {}) + (name_filter(name) if name else "")
    count = min(int(limit) * 4, MAX_ELEMENTS)
    return f"{_header()}nwr{filters}{_around(radius_m, lat, lon)};out tags bb qt {count};"


def cooccur_query(
    patterns: Sequence[Pattern], within_m: float, lat: float, lon: float, radius_m: float
) -> str:
    """Candidates of every pattern in the area, each kept only near one of the others."""
    within = min(float(within_m), MAX_WITHIN_M)
    lines = [_header()]
    for i, p in enumerate(patterns):
        filters = tag_filters(p.tags) + (name_filter(p.name) if p.name else "")
        if not filters:
            raise BadInputError("each co-occurrence pattern needs a name or tags")
        lines.append(f"nwr{filters}{_around(radius_m, lat, lon)}->.p{i};")
    for i in range(len(patterns)):
        others = [j for j in range(len(patterns)) if j != i]
        near = "".join(f"nwr.p{i}(around.p{j}:{within:.0f})->.p{i};" for j in others)
        lines.append(near)
    union = "".join(f".p{i};" for i in range(len(patterns)))
    lines.append(f"({union});out tags bb qt {MAX_ELEMENTS};")
    return "".join(lines)


def parse_elements(payload: Any, host: str) -> list[Match]:
    """Overpass JSON elements as matches (ways and relations located by their bounds)."""
    if not isinstance(payload, dict) or not isinstance(payload.get("elements"), list):
        raise BadInputError(f"{host} did not answer like Overpass (no 'elements')")
    out = []
    for el in payload["elements"]:
        if not isinstance(el, dict):
            continue
        tags = {str(k): str(v) for k, v in (el.get("tags") or {}).items()}
        kind = el.get("type")
        if kind == "node" and "lat" in el and "lon" in el:
            lat, lon, radius = float(el["lat"]), float(el["lon"]), 50.0
        elif kind in ("way", "relation") and isinstance(el.get("bounds"), dict):
            b = el["bounds"]
            s, w, n, e = (float(b[k]) for k in ("minlat", "minlon", "maxlat", "maxlon"))
            lat, lon = (s + n) / 2.0, (w + e) / 2.0
            radius = OsmFeature(kind, 0, {}, lat, lon, (s, w, n, e)).radius_m
        else:
            continue
        out.append(Match(str(kind), int(el.get("id", 0)), display_name(tags), lat, lon, radius,
                         tags, host=host))
    return out


def bound_count(limit: int) -> int:
    return max(1, min(int(limit), MAX_LIMIT))
