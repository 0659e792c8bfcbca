"""Readers for the published metadata of public geolocation benchmarks, and ``load_dataset``,
the one door to every dataset format. Nothing is downloaded.

Each reader takes the metadata file the benchmark publishes and finds the images the
user already has; ``--images DIR`` says where when they are not in a default place.
Rows whose image file is absent are skipped and counted in ``Dataset.notes``, so a
partial copy of a benchmark can still be evaluated (on what is there, and saying so).

Expected layouts:

IM2GPS3K (Vo et al. 2017; metadata as republished by TIBHannover/GeoEstimation,
``meta/im2gps3k_places365.csv``): columns ``IMG_ID, AUTHOR, LAT, LON, S3_Label,
S16_Label, S365_Label, Prob_indoor, Prob_natural, Prob_urban``; ``IMG_ID`` is the file
name (``<flickr id>_<secret>_<author>.jpg``). Images in ``--images``, else the first of
``im2gps3ktest/``, ``im2gps3k/``, ``images/`` or the CSV's own folder that holds them::

    im2gps3k/
      im2gps3k_places365.csv
      im2gps3ktest/1004758461_9d9cd75f0a_1.jpg ...

YFCC4K (Vo et al. 2017, 4,536 YFCC100M photos): the same ``IMG_ID, LAT, LON`` layout
(e.g. ``yfcc4k_places365.csv`` from the same tool chain); images in ``--images``, else
``yfcc4k/``, ``images/`` or the CSV's folder. An ``IMG_ID`` without a suffix gets ``.jpg``.

OSV-5M (Astruc et al. 2024, Hugging Face ``osv5m/osv5m``): ``test.csv`` (or
``train.csv``) with columns ``id, latitude, longitude, thumb_original_url, country,
sequence, captured_at, ..., region, sub-region, city, ..., unique_country, ...``; images
unzipped from ``images/test/00.zip`` ... into ``images/test/<shard>/<id>.jpg``. The
reader indexes ``--images`` (default ``images/<split>/`` beside the CSV, where the
split is the CSV's stem) recursively by file stem. ``country`` is taken when it is an
alpha-2 code, else ``unique_country``; region and city are kept as labels.

MAPBench (Ji et al. 2026, "Thinking with Map"): its release layout was not available
to us when this was written, so the reader is tolerant: a ``.json`` file holding a list
of objects (or an object with a ``data``/``items``/``annotations`` list), or a
``.jsonl`` file, one object per image, with the image under ``image``, ``image_path``,
``img``, ``file``, ``file_name`` or ``path``, the position under ``lat``/``latitude``
and ``lon``/``lng``/``longitude`` (or a ``gt``/``location`` object holding them), and
an optional ``country``/``country_code``; scalar fields such as ``difficulty``
(easy/hard) or ``split`` are kept as labels. If a release differs, convert it to the
generic CSV (image, lat, lon, country) in a few lines.
"""

from __future__ import annotations

import csv
import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from geosleuth.errors import BadInputError
from geosleuth.eval.datasets import (
    FORMATS,
    IMAGE_COLUMNS,
    Dataset,
    DatasetItem,
    item_from_mapping,
    parse_coordinate,
    parse_country,
    read_generic,
)

Reader = Callable[[Path, Path | None], Dataset]


def _csv_columns(path: Path) -> list[str]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return [c.strip() for c in next(csv.reader(fh), [])]


def detect_format(path: Path) -> str:
    """Guess the layout of a metadata file from its suffix, name and columns."""
    path = Path(path)
    if not path.is_file():
        raise BadInputError(f"{path}: no such dataset file")
    suffix = path.suffix.lower()
    if suffix == ".json":
        return "mapbench"
    if suffix in (".jsonl", ".ndjson"):
        with path.open(encoding="utf-8") as fh:
            first = next((line for line in fh if line.strip()), "{}")
        try:
            keys = {k.lower() for k in json.loads(first)}
        except (json.JSONDecodeError, AttributeError):
            return "generic"  # let the generic reader report the problem
        generic = any(k in keys for k in IMAGE_COLUMNS) and (
            {"lat", "lon"} <= keys or "country" in keys)
        return "generic" if generic else "mapbench"
    if suffix == ".csv":
        cols = {c.lower() for c in _csv_columns(path)}
        if {"img_id", "lat", "lon"} <= cols:
            return "yfcc4k" if "yfcc" in path.name.lower() else "im2gps3k"
        if {"id", "latitude", "longitude"} <= cols:
            return "osv5m"
    return "generic"


def _first_dir_with(candidates: list[Path], names: list[str]) -> Path | None:
    """The first folder that holds at least one of the first few named files."""
    probe = names[:20]
    for folder in candidates:
        if folder.is_dir() and any((folder / n).is_file() for n in probe):
            return folder
    return None


def _read_flickr_csv(path: Path, images: Path | None, *, name: str,
                     default_dirs: tuple[str, ...]) -> Dataset:
    """IM2GPS3K and YFCC4K: ``IMG_ID, LAT, LON`` rows; images by file name."""
    with path.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    if not rows:
        raise BadInputError(f"{path}: no rows")
    keymap = {k.strip().lower(): k for k in rows[0]}
    if not {"img_id", "lat", "lon"} <= set(keymap):
        raise BadInputError(f"{path}: expected the columns IMG_ID, LAT, LON ({name} layout)")
    ids = [str(r[keymap["img_id"]]).strip() for r in rows]
    names = [i if Path(i).suffix else i + ".jpg" for i in ids]
    base = path.parent
    folder = images or _first_dir_with(
        [base / d for d in default_dirs] + [base], names)
    if folder is None:
        raise BadInputError(
            f"{path}: none of its images found in {', '.join(default_dirs)} or beside it; "
            "pass --images DIR")
    items: list[DatasetItem] = []
    missing = 0
    for n, (row, file_name) in enumerate(zip(rows, names, strict=True), 2):
        image = folder / file_name
        if not image.is_file():
            missing += 1
            continue
        where = f"{path}:{n}"
        labels = {k: v for k, v in row.items()
                  if k.strip().lower() not in {"img_id", "lat", "lon"} and v is not None}
        items.append(DatasetItem(
            id=file_name, image=image,
            lat=parse_coordinate(row[keymap["lat"]], "lat", where),
            lon=parse_coordinate(row[keymap["lon"]], "lon", where),
            country=None, labels=labels))
    notes = [f"{missing} of {len(rows)} images not found in {folder}"] if missing else []
    return Dataset(name=name, path=path, format=name, items=items, notes=notes)


def read_im2gps3k(path: Path, images: Path | None = None) -> Dataset:
    return _read_flickr_csv(path, images, name="im2gps3k",
                            default_dirs=("im2gps3ktest", "im2gps3k", "images"))


def read_yfcc4k(path: Path, images: Path | None = None) -> Dataset:
    return _read_flickr_csv(path, images, name="yfcc4k", default_dirs=("yfcc4k", "images"))


_IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".webp")


def _index_by_stem(folder: Path) -> dict[str, Path]:
    index: dict[str, Path] = {}
    for dirpath, _dirs, files in os.walk(folder):
        for name in files:
            stem, suffix = os.path.splitext(name)
            if suffix.lower() in _IMAGE_SUFFIXES:
                index.setdefault(stem, Path(dirpath) / name)
    return index


def read_osv5m(path: Path, images: Path | None = None) -> Dataset:
    """OSV-5M: ``<split>.csv`` rows, images under ``images/<split>/**/<id>.jpg``."""
    folder = images or path.parent / "images" / path.stem
    if not folder.is_dir():
        raise BadInputError(f"{path}: no image folder {folder}; unzip the split's images "
                            "there, or pass --images DIR")
    index = _index_by_stem(folder)
    items: list[DatasetItem] = []
    missing = 0
    total = 0
    keep_labels = ("region", "sub-region", "city", "land_cover", "climate", "drive_side",
                   "captured_at", "sequence", "unique_region", "unique_city")
    with path.open(encoding="utf-8-sig", newline="") as fh:
        for n, row in enumerate(csv.DictReader(fh), 2):
            total += 1
            image_id = str(row.get("id", "")).strip()
            image = index.get(image_id)
            if image is None:
                missing += 1
                continue
            where = f"{path}:{n}"
            country = None
            for key in ("country", "unique_country"):
                raw = (row.get(key) or "").strip()
                if len(raw) == 2 and raw.isalpha():
                    country = parse_country(raw, where)
                    break
            items.append(DatasetItem(
                id=image_id, image=image,
                lat=parse_coordinate(row.get("latitude"), "lat", where),
                lon=parse_coordinate(row.get("longitude"), "lon", where),
                country=country,
                labels={k: row[k] for k in keep_labels if row.get(k)}))
    notes = [f"{missing} of {total} images not found under {folder}"] if missing else []
    return Dataset(name=f"osv5m-{path.stem}", path=path, format="osv5m", items=items,
                   notes=notes)


_MB_IMAGE = ("image", "image_path", "img", "img_path", "file", "file_name", "filename", "path")
_MB_LAT = ("lat", "latitude")
_MB_LON = ("lon", "lng", "long", "longitude")
_MB_COUNTRY = ("country", "country_code")


def _flatten_location(obj: dict[str, Any]) -> dict[str, Any]:
    for key in ("gt", "location", "gps", "coordinates", "answer"):
        inner = obj.get(key)
        if isinstance(inner, dict):
            merged = {k: v for k, v in obj.items() if k != key}
            for k, v in inner.items():
                merged.setdefault(k, v)
            return merged
    return obj


def read_mapbench(path: Path, images: Path | None = None) -> Dataset:
    """MAPBench-style JSON or JSONL annotations (see the module docstring)."""
    try:
        if path.suffix.lower() == ".json":
            data = json.loads(path.read_text(encoding="utf-8"))
            if isinstance(data, dict):
                data = next((data[k] for k in ("data", "items", "annotations", "images")
                             if isinstance(data.get(k), list)), None)
            if not isinstance(data, list):
                raise BadInputError(f"{path}: expected a list of objects (or data/items)")
            records = data
        else:
            records = [json.loads(line) for line in
                       path.read_text(encoding="utf-8").splitlines() if line.strip()]
    except json.JSONDecodeError as exc:
        raise BadInputError(f"{path}: not valid JSON ({exc.msg} at line {exc.lineno})") from None
    base = images or path.parent
    items: list[DatasetItem] = []
    missing = 0
    for n, rec in enumerate(records, 1):
        if not isinstance(rec, dict):
            raise BadInputError(f"{path}: record {n} is not an object")
        item = item_from_mapping(_flatten_location(rec), base, f"{path} record {n}",
                                 image_keys=_MB_IMAGE, lat_keys=_MB_LAT, lon_keys=_MB_LON,
                                 country_keys=_MB_COUNTRY)
        if not item.image.is_file():
            missing += 1
            continue
        items.append(item)
    notes = [f"{missing} of {len(records)} images not found under {base}"] if missing else []
    return Dataset(name=path.stem, path=path, format="mapbench", items=items, notes=notes)


READERS: dict[str, Reader] = {
    "im2gps3k": read_im2gps3k,
    "yfcc4k": read_yfcc4k,
    "osv5m": read_osv5m,
    "mapbench": read_mapbench,
}


def load_dataset(path: Path, *, format: str = "auto", images: Path | None = None) -> Dataset:
    """Read a dataset in any supported format; ``auto`` looks at the file's columns.

    ``images`` overrides where an adapter looks for the image files.
    """
    path = Path(path)
    if format not in FORMATS:
        raise BadInputError(f"unknown dataset format {format!r}; one of {', '.join(FORMATS)}")
    if format == "auto":
        format = detect_format(path)
    if format == "generic":
        if images is not None:
            raise BadInputError("--images is for the benchmark layouts; the generic format "
                                "gives image paths relative to the dataset file")
        return read_generic(path)
    return READERS[format](path, images)
