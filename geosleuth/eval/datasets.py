"""Datasets with ground truth: the design's generic CSV/JSONL format
(``adapters.load_dataset`` reads it and every benchmark layout).

Generic format (see DESIGN.md): CSV or JSONL; an image column named ``image``, ``file``
or ``path`` (relative to the dataset file, or absolute); ``lat`` and ``lon`` in decimal
degrees (WGS84) and/or ``country`` (ISO 3166-1 alpha-2; alpha-3 is accepted and
converted). Every other column is kept as a label (for example ``split``), so results
can be broken down by it. A row must give coordinates, a country, or both.
"""

from __future__ import annotations

import csv
import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from geosleuth.batch.sources import is_uri, uri_name
from geosleuth.errors import BadInputError

IMAGE_COLUMNS = ("image", "file", "path")
FORMATS = ("auto", "generic", "im2gps3k", "yfcc4k", "osv5m", "mapbench")


@dataclass(frozen=True)
class DatasetItem:
    id: str  # the image as the dataset names it; unique within a dataset
    image: Path  # the file, resolved (a URI's: its file name)
    lat: float | None = None
    lon: float | None = None
    country: str | None = None  # ISO 3166-1 alpha-2, upper case
    labels: dict[str, str] = field(default_factory=dict)
    uri: str | None = None  # an image named by URI (s3://, https://, …), read through fsspec

    @property
    def has_point(self) -> bool:
        return self.lat is not None and self.lon is not None


@dataclass
class Dataset:
    name: str
    path: Path
    format: str
    items: list[DatasetItem]
    notes: list[str] = field(default_factory=list)  # what the reader skipped, and why

    def describe(self) -> dict[str, Any]:
        return {"name": self.name, "path": str(self.path), "format": self.format,
                "items": len(self.items),
                "with_point": sum(i.has_point for i in self.items),
                "with_country": sum(i.country is not None for i in self.items),
                "notes": self.notes}


def parse_coordinate(value: Any, kind: str, where: str) -> float | None:
    """A latitude or longitude from a cell; None for an empty cell."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise BadInputError(f"{where}: {kind} {value!r} is not a number") from None
    if math.isnan(number):
        return None
    limit = 90.0 if kind == "lat" else 180.0
    if not -limit <= number <= limit:
        raise BadInputError(f"{where}: {kind} {number} is outside [-{limit:g}, {limit:g}]")
    return number


def parse_country(value: Any, where: str) -> str | None:
    """An ISO 3166-1 alpha-2 code from an alpha-2 or alpha-3 cell; None when empty."""
    if value is None:
        return None
    text = str(value).strip().upper()
    if not text or text in {"NAN", "NONE", "NULL"}:
        return None
    import pycountry

    if len(text) == 2 and pycountry.countries.get(alpha_2=text) is not None:
        return text
    if len(text) == 2 and text == "XK":  # Kosovo: user-assigned, used by GeoNames and CLDR
        return text
    if len(text) == 3:
        found = pycountry.countries.get(alpha_3=text)
        if found is not None:
            return str(found.alpha_2)
    raise BadInputError(f"{where}: country {value!r} is not an ISO 3166-1 alpha-2 code")


def resolve_image(value: str, base: Path) -> Path:
    path = Path(value).expanduser()
    return path if path.is_absolute() else (base / path)


def _field(row: dict[str, Any], names: tuple[str, ...]) -> tuple[str | None, Any]:
    lowered = {str(k).strip().lower(): k for k in row}
    for name in names:
        if name in lowered:
            return lowered[name], row[lowered[name]]
    return None, None


def item_from_mapping(
    row: dict[str, Any], base: Path, where: str, *,
    image_keys: tuple[str, ...] = IMAGE_COLUMNS,
    lat_keys: tuple[str, ...] = ("lat",),
    lon_keys: tuple[str, ...] = ("lon",),
    country_keys: tuple[str, ...] = ("country",),
) -> DatasetItem:
    """One dataset item from a row (CSV dict or JSON object)."""
    image_key, image = _field(row, image_keys)
    if image_key is None or image is None or not str(image).strip():
        raise BadInputError(f"{where}: no image (a column named {' or '.join(image_keys)})")
    lat_key, lat = _field(row, lat_keys)
    lon_key, lon = _field(row, lon_keys)
    country_key, country = _field(row, country_keys)
    lat_v = parse_coordinate(lat, "lat", where)
    lon_v = parse_coordinate(lon, "lon", where)
    if (lat_v is None) != (lon_v is None):
        raise BadInputError(f"{where}: give both lat and lon, or neither")
    country_v = parse_country(country, where)
    if lat_v is None and country_v is None:
        raise BadInputError(f"{where}: no ground truth (lat/lon or country)")
    used = {image_key, lat_key, lon_key, country_key}
    labels = {str(k): "" if v is None else str(v) for k, v in row.items()
              if k not in used and not isinstance(v, dict | list)}
    image_text = str(image).strip()
    if is_uri(image_text):  # read where it is investigated (geosleuth.batch.sources)
        return DatasetItem(id=image_text, image=Path(uri_name(image_text)), lat=lat_v,
                           lon=lon_v, country=country_v, labels=labels, uri=image_text)
    return DatasetItem(id=image_text, image=resolve_image(image_text, base), lat=lat_v,
                       lon=lon_v, country=country_v, labels=labels)


def _check_unique(items: list[DatasetItem], path: Path) -> None:
    seen: set[str] = set()
    for item in items:
        if item.id in seen:
            raise BadInputError(f"{path}: image {item.id!r} is listed twice")
        seen.add(item.id)


def read_generic(path: Path) -> Dataset:
    """A dataset in the design's generic CSV or JSONL format."""
    path = Path(path)
    if not path.is_file():
        raise BadInputError(f"{path}: no such dataset file")
    base = path.parent
    items: list[DatasetItem] = []
    suffix = path.suffix.lower()
    if suffix in (".jsonl", ".ndjson"):
        with path.open(encoding="utf-8") as fh:
            for n, line in enumerate(fh, 1):
                if not line.strip():
                    continue
                try:
                    obj = json.loads(line)
                except json.JSONDecodeError as exc:
                    raise BadInputError(f"{path}:{n}: not valid JSON ({exc.msg})") from None
                if not isinstance(obj, dict):
                    raise BadInputError(f"{path}:{n}: expected a JSON object per line")
                items.append(item_from_mapping(obj, base, f"{path}:{n}"))
    elif suffix in (".csv", ".tsv", ".txt"):
        with path.open(encoding="utf-8-sig", newline="") as fh:
            sample = fh.read(4096)
            fh.seek(0)
            delimiter = "\t" if suffix == ".tsv" or ("\t" in sample and "," not in sample) else ","
            reader = csv.DictReader(fh, delimiter=delimiter)
            columns = [c.strip().lower() for c in reader.fieldnames or []]
            if not any(c in columns for c in IMAGE_COLUMNS):
                raise BadInputError(
                    f"{path}: no image column (named image, file or path); columns are "
                    + ", ".join(reader.fieldnames or ["none"]))
            for n, row in enumerate(reader, 2):
                items.append(item_from_mapping(row, base, f"{path}:{n}"))
    else:
        raise BadInputError(f"{path}: a dataset is a .csv, .tsv or .jsonl file")
    _check_unique(items, path)
    return Dataset(name=path.stem, path=path, format="generic", items=items)
