"""The summary files of a batch and the row each photo adds to them.

``results.jsonl`` is the journal and the source of truth: one JSON row per photo
(schema ``geosleuth.batch-row/1``), appended and fsynced as each result arrives.
``summary.csv`` gets the same row, flattened, the same way. ``all.geojson`` is a
FeatureCollection and so cannot be appended to; it is rewritten atomically from the
rows (at most every ``geojson_every_s`` seconds while the batch runs, and at the end),
so it may lag a killed run by a few seconds but is never corrupt; ``all.kml`` (each
answer's point and circle, for Google Earth) is written with it. Both grow with the batch
(all.kml by some milliseconds a row), so the rewrites are spaced to take about a tenth of
the batch's time at most, and the rows keep flowing in a batch of a hundred thousand
photos (the last rewrite, at the end, still takes its time). ``--resume`` repairs
the journal, rebuilds the others from it, and skips the photos it holds.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import io
import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from geosleuth.batch.journal import (
    AppendLog,
    read_jsonl,
    replace_atomically,
    replace_text_atomically,
)
from geosleuth.errors import BadInputError

ROW_SCHEMA = "geosleuth.batch-row/1"
RESULTS = "results.jsonl"
SUMMARY_CSV = "summary.csv"
ALL_GEOJSON = "all.geojson"
ALL_KML = "all.kml"
REWRITE_SPACING = 9.0  # the map files wait 9x their last rewrite's time: ~10 % of the time

CSV_COLUMNS = (
    "path", "sha256", "status", "lat", "lon", "radius_km", "confidence", "country_code",
    "level", "place", "elapsed_s", "cost_usd", "tokens_in", "tokens_out", "case_dir",
    "exit_code", "error", "error_kind",
)
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def text_cell(value: Any) -> str:
    """A text cell that spreadsheets show as text: one line, no formula.

    Place names and error messages can carry text read from the image; a leading
    ``=``, ``+``, ``-`` or ``@`` would make a spreadsheet evaluate it (CSV injection),
    so such cells get a leading apostrophe, the convention spreadsheets recognise.
    """
    if value is None:
        return ""
    text = " ".join(str(value).split())
    return "'" + text if text.startswith(_FORMULA_START) else text


def csv_line(row: dict[str, Any]) -> str:
    buf = io.StringIO()
    cells: list[Any] = []
    for col in CSV_COLUMNS:
        value = row.get(col)
        if col == "elapsed_s":
            value = None if row.get("elapsed_ms") is None else round(row["elapsed_ms"] / 1000.0, 3)
        if col in ("path", "place", "error", "case_dir", "level", "status", "country_code",
                   "error_kind"):
            cells.append(text_cell(value))
        else:
            cells.append("" if value is None else value)
    csv.writer(buf, lineterminator="").writerow(cells)
    return buf.getvalue()


def csv_header() -> str:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="").writerow(CSV_COLUMNS)
    return buf.getvalue()


# What went wrong with a photo, by exit code; "io" (exit 2) is the one kind not named by
# its code: its case could not be written (a full disk, a read-only folder), and
# --resume runs the photo again, as it does for no other error without --retry-errors.
ERROR_KINDS = {1: "bug", 2: "input", 3: "backend"}
IO_ERROR = "io"


def error_kind(error: str | None, exit_code: int, kind: str | None = None) -> str | None:
    if not error:
        return None
    return kind or ERROR_KINDS.get(exit_code, "bug")


def retried_on_resume(row: dict[str, Any], retry_errors: bool) -> bool:
    """Whether ``--resume`` runs this row's photo again: an I/O error always, any other
    error with ``--retry-errors``."""
    if row.get("status") != "error":
        return False
    return retry_errors or row.get("error_kind") == IO_ERROR


def row_from_record(
    record: dict[str, Any],
    *,
    path: str,
    size_bytes: int,
    mtime_ns: int,
    case_dir: str | None,
    error: str | None,
    exit_code: int,
    elapsed_ms: float,
    kind: str | None = None,
) -> dict[str, Any]:
    """The batch row of one investigated photo, from its case record."""
    v = record["verdict"]
    usage = record.get("usage") or {}
    answered = v.get("lat") is not None and v.get("lon") is not None
    status = "error" if error else ("answered" if answered else "no_answer")
    return {
        "schema": ROW_SCHEMA,
        "path": path,
        "sha256": record["image"]["sha256"],
        "size_bytes": size_bytes,
        "mtime_ns": mtime_ns,
        "status": status,
        "lat": v.get("lat"),
        "lon": v.get("lon"),
        "radius_km": v.get("radius_km"),
        "confidence": v.get("confidence"),
        # before any calibration map: what a new calibration is fitted on
        "confidence_raw": v.get("confidence_raw", v.get("confidence")),
        "country_code": v.get("country_code"),
        "country_confidence": v.get("country_confidence"),
        "place": v.get("place"),
        "level": v.get("level"),
        "forced": v.get("forced"),
        "steps": len(record.get("steps") or []),
        "evidence": len(record.get("evidence") or []),
        "tokens_in": usage.get("tokens_in", 0),
        "tokens_out": usage.get("tokens_out", 0),
        "cost_usd": usage.get("cost_usd", 0.0),
        "elapsed_ms": round(elapsed_ms, 1),
        "backend": (record.get("backend") or {}).get("name"),
        "model": (record.get("backend") or {}).get("model"),
        "ignore_metadata": record.get("ignore_metadata"),
        "case_dir": case_dir,
        "exit_code": exit_code,
        "error": error,
        "error_kind": error_kind(error, exit_code, kind),
        "finished": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }


def error_row(
    *, path: str, sha256: str, size_bytes: int, mtime_ns: int, error: str, exit_code: int,
    elapsed_ms: float, kind: str | None = None,
) -> dict[str, Any]:
    """The row of a photo that could not be investigated at all (bad input, a bug)."""
    return {
        "schema": ROW_SCHEMA, "path": path, "sha256": sha256, "size_bytes": size_bytes,
        "mtime_ns": mtime_ns, "status": "error", "lat": None, "lon": None,
        "radius_km": None, "confidence": None, "confidence_raw": None, "country_code": None,
        "country_confidence": None, "place": None,
        "level": None, "forced": None, "steps": 0, "evidence": 0, "tokens_in": 0,
        "tokens_out": 0, "cost_usd": 0.0, "elapsed_ms": round(elapsed_ms, 1),
        "backend": None, "model": None, "ignore_metadata": None, "case_dir": None,
        "exit_code": exit_code, "error": error, "error_kind": error_kind(error, exit_code, kind),
        "finished": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }


def row_key(row: dict[str, Any]) -> str | None:
    """What identifies a photo in the journal: its sha256, or its path for a file that
    could not be read (and so has no hash)."""
    if row.get("sha256"):
        return str(row["sha256"])
    return f"path:{row['path']}" if row.get("path") else None


_GEOJSON_PROPS = ("path", "sha256", "status", "radius_km", "confidence", "country_code",
                  "place", "level", "case_dir", "error")


def geojson_collection(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """One Feature per row: a Point at the verdict, or a null geometry without an answer,
    with simplestyle properties (the verdict's colour, a title and a description)."""
    from geosleuth.report.features import COLOURS
    from geosleuth.text.quoting import printable

    features = []
    for row in rows:
        geometry = None
        props = {k: row.get(k) for k in _GEOJSON_PROPS}
        if row.get("lat") is not None and row.get("lon") is not None:
            geometry = {"type": "Point", "coordinates": [row["lon"], row["lat"]]}
            place = row.get("place") or "unnamed place"
            props.update({
                "title": " ".join(printable(f"{row.get('path')}: {place}").split()),
                "description": " ".join(printable(
                    f"{place} ({row.get('country_code') or '??'}), within"
                    f" {row.get('radius_km') or 0:g} km with confidence"
                    f" {row.get('confidence') or 0:.2f}; case folder"
                    f" {row.get('case_dir') or 'none'}").split()),
                "marker-color": COLOURS["verdict"], "marker-size": "medium",
                "marker-symbol": "star"})
        features.append({"type": "Feature", "geometry": geometry, "properties": props})
    return {"type": "FeatureCollection", "features": features}


def _json(value: Any) -> str:
    """One line of strict JSON: a NaN or an infinity is a bug, and raises ValueError
    before anything is written."""
    return json.dumps(value, ensure_ascii=False, allow_nan=False)


@contextlib.contextmanager
def _writing(path: Path) -> Iterator[None]:
    """A summary file the OS refuses (a full disk) stops the batch with one line, exit 2."""
    try:
        yield
    except OSError as exc:
        raise BadInputError(f"{path}: cannot write the batch's summaries "
                            f"({exc.strerror or exc}); the batch stopped: make room, then "
                            "--resume finishes it") from None


def remove_leftovers(out: Path) -> list[Path]:
    """Remove the temporary files a killed run left while it rewrote a summary file
    (``.all.kml.k3x9_q2a``: ``replace_atomically`` writes beside the file, then renames);
    only those older than this process and held by no writer (``tempfiles.remove_stale``)."""
    from geosleuth.tempfiles import remove_stale

    removed: list[Path] = []
    for name in (RESULTS, SUMMARY_CSV, ALL_GEOJSON, ALL_KML):
        removed += remove_stale(out, f".{name}.", "")
    return removed


class Summaries:
    """The summary files of one batch folder, opened for appending.

    ``open`` repairs what a killed run may have left (a torn last line), drops rows
    whose key is in ``forget`` (errors being retried), rebuilds summary.csv and
    all.geojson from the journal, and returns the rows already done.
    """

    def __init__(self, out: Path, *, geojson_every_s: float = 2.0) -> None:
        self.out = out
        self.geojson_every_s = geojson_every_s
        self.rows: list[dict[str, Any]] = []
        self._jsonl: AppendLog | None = None
        self._csv: AppendLog | None = None
        self._geojson_written = 0.0
        self._geojson_interval = geojson_every_s  # grows with the time a rewrite takes
        self._geojson_dirty = False

    @property
    def results_path(self) -> Path:
        return self.out / RESULTS

    def existing(self) -> bool:
        return self.results_path.exists() and self.results_path.stat().st_size > 0

    def open(self, *, resume: bool, forget: set[str] | frozenset[str] = frozenset()) -> int:
        """Open the files; return the number of damaged journal lines that were dropped."""
        with _writing(self.out):
            return self._open(resume, forget)

    def _open(self, resume: bool, forget: set[str] | frozenset[str]) -> int:
        self.out.mkdir(parents=True, exist_ok=True)
        remove_leftovers(self.out)
        dropped = 0
        if resume:
            rows, dropped = read_jsonl(self.results_path)
            seen: set[str] = set()
            kept: list[dict[str, Any]] = []
            for row in rows:
                key = row_key(row)
                if key is None or key in seen:  # damaged, or a duplicate of a kept row
                    dropped += 1
                    continue
                if key in forget:
                    continue
                seen.add(key)
                kept.append(row)
            if dropped or len(kept) != len(rows):
                replace_atomically(self.results_path, (_json(r) for r in kept))
            self.rows = kept
        else:
            self.rows = []
            replace_atomically(self.results_path, [])
        replace_atomically(self.out / SUMMARY_CSV,
                           [csv_header(), *(csv_line(r) for r in self.rows)])
        self._write_geojson()
        self._jsonl = AppendLog(self.results_path)
        self._csv = AppendLog(self.out / SUMMARY_CSV)
        return dropped

    def add(self, row: dict[str, Any]) -> None:
        """Record one finished photo: journal first (the truth), then the CSV row."""
        if self._jsonl is None or self._csv is None:
            raise ValueError("Summaries.add before open")
        with _writing(self.results_path):
            self._jsonl.append(_json(row))
        with _writing(self.out / SUMMARY_CSV):
            self._csv.append(csv_line(row))
        self.rows.append(row)
        self._geojson_dirty = True
        if time.monotonic() - self._geojson_written >= self._geojson_interval:
            self._write_geojson()

    def _write_geojson(self) -> None:
        from geosleuth.report.kml import batch_kml

        started = time.monotonic()
        with _writing(self.out / ALL_GEOJSON):
            replace_text_atomically(self.out / ALL_GEOJSON, _json(geojson_collection(self.rows)))
        with _writing(self.out / ALL_KML):
            replace_text_atomically(self.out / ALL_KML, batch_kml(self.rows))
        self._geojson_written = time.monotonic()
        self._geojson_interval = max(self.geojson_every_s,
                                     REWRITE_SPACING * (self._geojson_written - started))
        self._geojson_dirty = False

    def close(self) -> None:
        try:
            if self._geojson_dirty:
                self._write_geojson()
        finally:
            for log in (self._jsonl, self._csv):
                if log is not None:
                    log.close()
            self._jsonl = self._csv = None
