"""Figures of the real-photo benchmark (``eval_real.py``), from the per-photo rows of an eval.

The eval (``geosleuth.eval``) already scores each photo; this module adds what it does
not compute, for labels that carry a tolerance (the real sets say "the place the text
names, give or take ``tolerance_km``") or only a country:

- **outcome** of an answered photo: with a point label, the truth lies within the
  verdict's radius plus the label's tolerance; with a country-only label, the verdict's
  country is the label's country;
- **stated** probability of that outcome: the verdict's confidence (the probability that
  the truth lies within its radius); with a country-only label, the verdict's
  ``country_confidence`` (the probability of its country, whatever the radius) when the
  case gives one, since that is the outcome judged;
- **confidently wrong**: answered, stated probability >= 0.5, and the outcome is false
  (a photo without an answer is never confidently wrong);
- **ECE** over the answered photos, stated probability against the outcome, with the
  eval's own 10 equal-width bins (``geosleuth.eval.metrics.reliability_table``);
- the per-set figures (answered share, right country, within 25 km, median error,
  median seconds per photo)
  and the deterministic tune/holdout split by a hash of the file name.

Everything here works on ``PhotoRow`` values, which ``rows_from_eval`` reads from an
eval folder (``per_photo.jsonl`` joined to the batch's ``results.jsonl``) and which a
test can build by hand.
"""

from __future__ import annotations

import hashlib
import json
import statistics
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Literal

from geosleuth.eval.metrics import CALIBRATION_BINS, reliability_table

CONFIDENT = 0.5
WITHIN_KM = 25.0
Split = Literal["tune", "holdout", "all"]


@dataclass(frozen=True)
class PhotoRow:
    """One photo of one eval run: its label and the verdict it got."""

    file: str
    truth_lat: float | None
    truth_lon: float | None
    truth_country: str | None
    answered: bool
    pred_lat: float | None = None
    pred_lon: float | None = None
    radius_km: float | None = None
    confidence: float | None = None
    pred_country: str | None = None
    error_km: float | None = None  # geodesic, verdict to truth (point labels only)
    tolerance_km: float = 0.0
    status: str = ""  # answered, no_answer, error, missing
    place: str | None = None  # the verdict's place name
    level: str | None = None
    truth_place: str | None = None
    confidence_raw: float | None = None  # before any calibration map
    country_confidence: float | None = None  # the stated probability of pred_country
    elapsed_s: float | None = None  # the investigation's own time
    set_name: str = ""
    condition: str = ""

    @property
    def has_point(self) -> bool:
        return self.truth_lat is not None and self.truth_lon is not None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def split_of(file: str) -> Literal["tune", "holdout"]:
    """The split a file belongs to: first byte of sha1(file name) even -> tune."""
    name = Path(file).name
    return "tune" if hashlib.sha1(name.encode("utf-8")).digest()[0] % 2 == 0 else "holdout"


def in_split(file: str, split: Split) -> bool:
    return split == "all" or split_of(file) == split


def country_right(row: PhotoRow) -> bool:
    return (row.truth_country is not None and row.pred_country is not None
            and row.pred_country.upper() == row.truth_country.upper())


def allowed_km(row: PhotoRow) -> float:
    """How far the truth may lie from the verdict's point: radius plus tolerance."""
    return float(row.radius_km or 0.0) + float(row.tolerance_km or 0.0)


def outcome(row: PhotoRow) -> bool | None:
    """Was the answer right (None when there is no answer or nothing to judge it by)."""
    if not row.answered:
        return None
    if row.has_point:
        if row.error_km is None:
            return None
        return row.error_km <= allowed_km(row)
    if row.truth_country is not None:
        return country_right(row)
    return None


def stated(row: PhotoRow) -> float | None:
    """The probability the case stated for the outcome ``outcome`` judges."""
    if not row.has_point and row.truth_country is not None and row.country_confidence is not None:
        return row.country_confidence
    return row.confidence


def confidently_wrong(row: PhotoRow, threshold: float = CONFIDENT) -> bool:
    """Answered with a stated probability >= threshold, and the truth is outside what it
    claimed."""
    p = stated(row)
    if not row.answered or p is None or p < threshold:
        return False
    return outcome(row) is False


def _share(flags: list[bool]) -> float | None:
    return sum(flags) / len(flags) if flags else None


def calibration(rows: list[PhotoRow], bins: int = CALIBRATION_BINS) -> dict[str, Any]:
    """Reliability table and ECE of the stated confidence against ``outcome``."""
    judged = [(float(p), o) for r in rows
              if (p := stated(r)) is not None and (o := outcome(r)) is not None]
    table, ece, brier = reliability_table([c for c, _ in judged], [o for _, o in judged], bins)
    return {"n": len(judged), "ece": ece, "brier": brier, "bins": table}


def set_figures(rows: list[PhotoRow]) -> dict[str, Any]:
    """The row of the benchmark's table for one set under one condition."""
    with_point = [r for r in rows if r.has_point]
    with_country = [r for r in rows if r.truth_country is not None]
    answered = [r for r in rows if r.answered]
    errors = [r.error_km for r in answered if r.error_km is not None]
    wrong = [r for r in rows if confidently_wrong(r)]
    cal = calibration(answered)
    times = [r.elapsed_s for r in rows if r.elapsed_s is not None]
    return {
        "photos": len(rows),
        "answered": len(answered),
        "answered_share": _share([r.answered for r in rows]),
        "with_country": len(with_country),
        "right_country": _share([country_right(r) for r in with_country]),
        "with_point": len(with_point),
        "within_25km": _share([r.answered and r.error_km is not None
                               and r.error_km <= WITHIN_KM for r in with_point]),
        "median_error_km": statistics.median(errors) if errors else None,
        "confidently_wrong": len(wrong),
        "confidently_wrong_share": _share([confidently_wrong(r) for r in rows]),
        "ece": cal["ece"],
        "calibrated_n": cal["n"],
        "errors": sum(r.status == "error" for r in rows),
        "median_s": statistics.median(times) if times else None,
    }


def _km(value: float | None) -> str:
    """A distance for people: whole km from 10 up, two significant digits below."""
    value = float(value or 0.0)
    return f"{value:.0f}" if value >= 10 or value == 0 else f"{value:.2g}"


def wrong_list(rows: list[PhotoRow]) -> list[dict[str, Any]]:
    """The confidently wrong photos, most confident first, with what went wrong."""
    out = []
    for r in rows:
        if not confidently_wrong(r):
            continue
        if r.has_point:
            what = (f"{_km(r.error_km)} km off (allowed {_km(allowed_km(r))} km = radius "
                    f"{_km(r.radius_km)} + tolerance {_km(r.tolerance_km)})")
            if r.truth_country is not None and not country_right(r):
                what += f"; country {r.pred_country or '?'}, label {r.truth_country}"
        else:
            what = f"country {r.pred_country or '?'}, label {r.truth_country}"
        out.append({"set": r.set_name, "condition": r.condition, "file": r.file,
                    "place": r.place, "level": r.level, "confidence": r.confidence,
                    "error_km": r.error_km, "allowed_km": allowed_km(r) if r.has_point
                    else None, "pred_country": r.pred_country,
                    "truth_country": r.truth_country, "truth_place": r.truth_place,
                    "what": what})
    out.sort(key=lambda w: (-(w["confidence"] or 0.0), w["set"], w["file"]))
    return out


def median_figures(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """Each numeric figure's median over runs (None when no run has it)."""
    if not runs:
        return {}
    merged: dict[str, Any] = {}
    for key in runs[0]:
        values = [r.get(key) for r in runs]
        numbers = [v for v in values if isinstance(v, int | float) and not isinstance(v, bool)]
        merged[key] = statistics.median(numbers) if numbers else None
    return merged


def _float(value: Any) -> float | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def rows_from_eval(out: Path, set_name: str = "", condition: str = "") -> list[PhotoRow]:
    """The rows of an eval folder: ``per_photo.jsonl`` joined to ``results.jsonl`` by path."""
    out = Path(out)
    batch: dict[str, dict[str, Any]] = {}
    results = out / "results.jsonl"
    if results.is_file():
        for line in results.read_text(encoding="utf-8").splitlines():
            if line.strip():
                try:
                    row = json.loads(line)
                except json.JSONDecodeError:
                    continue
                batch[str(row.get("path"))] = row
    rows: list[PhotoRow] = []
    for line in (out / "per_photo.jsonl").read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        s = json.loads(line)
        labels = s.get("labels") or {}
        b = batch.get(str(s["id"]), {})
        rows.append(PhotoRow(
            file=str(s["id"]), truth_lat=s.get("truth_lat"), truth_lon=s.get("truth_lon"),
            truth_country=s.get("truth_country"),
            answered=s.get("pred_lat") is not None and s.get("pred_lon") is not None,
            pred_lat=s.get("pred_lat"), pred_lon=s.get("pred_lon"),
            radius_km=s.get("radius_km"), confidence=s.get("confidence"),
            pred_country=s.get("pred_country"), error_km=s.get("error_km"),
            tolerance_km=_float(labels.get("tolerance_km")) or 0.0,
            status=str(s.get("status") or ""), place=b.get("place"), level=b.get("level"),
            truth_place=labels.get("place") or None, confidence_raw=b.get("confidence_raw"),
            country_confidence=b.get("country_confidence"),
            elapsed_s=s.get("elapsed_s"),
            set_name=set_name, condition=condition,
        ))
    return rows
