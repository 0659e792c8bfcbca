"""Metrics against hand-computed values, including the antimeridian and the poles.

Hand values: along the equator the WGS84 geodesic is the equatorial arc, a·Δλ with
a = 6378.137 km, so 1° is 111.319491 km. Through a pole it is the meridian arc, whose
radius of curvature there is a²/b = 6399.593626 km (b = 6356.752314 km), so 1° is
111.693921 km. GeoScore(d) = 5000·exp(−d/1492.7): 5000 at 0, 5000/e = 1839.397 at 1492.7.
"""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from geosleuth.eval.datasets import DatasetItem
from geosleuth.eval.metrics import (
    compute_metrics,
    geoscore,
    reliability_table,
    score_photo,
)

EQUATOR_KM_PER_DEG = 6378.137 * math.pi / 180.0  # 111.319491
POLE_KM_PER_DEG = 6378.137**2 / 6356.752314245 * math.pi / 180.0  # 111.693921


def _item(lat: float | None, lon: float | None, country: str | None = None,
          name: str = "x") -> DatasetItem:
    return DatasetItem(id=name, image=Path(name), lat=lat, lon=lon, country=country)


def _row(lat: float | None, lon: float | None, radius: float = 1.0, conf: float = 0.5,
         country: str | None = None, status: str | None = None) -> dict:
    return {"status": status or ("answered" if lat is not None else "no_answer"),
            "lat": lat, "lon": lon, "radius_km": radius if lat is not None else None,
            "confidence": conf if lat is not None else 0.0, "country_code": country,
            "elapsed_ms": 2000.0, "cost_usd": 0.01}


def test_geoscore_matches_the_osv5m_formula() -> None:
    assert geoscore(0.0) == 5000.0
    assert geoscore(1492.7) == pytest.approx(5000 / math.e)  # 1839.397
    assert geoscore(None) == 0.0


def test_error_across_the_antimeridian_is_short() -> None:
    s = score_photo(_item(0.0, 179.9), _row(0.0, -179.9, radius=25.0))
    assert s.error_km == pytest.approx(0.2 * EQUATOR_KM_PER_DEG, abs=1e-6)  # 22.264 km
    assert s.within_radius is True
    one_degree = score_photo(_item(0.0, 179.5), _row(0.0, -179.5))
    assert one_degree.error_km == pytest.approx(EQUATOR_KM_PER_DEG, abs=1e-6)


def test_error_at_and_across_the_poles() -> None:
    # Every longitude is the same point at the pole.
    assert score_photo(_item(90.0, 0.0), _row(90.0, 120.0)).error_km == pytest.approx(0, abs=1e-6)
    # 89.9°N on opposite meridians: 0.2° of meridian arc through the pole.
    across = score_photo(_item(89.9, 0.0), _row(89.9, 180.0, radius=20.0))
    assert across.error_km == pytest.approx(0.2 * POLE_KM_PER_DEG, abs=1e-4)  # 22.339 km
    assert across.within_radius is False
    south = score_photo(_item(-89.5, 45.0), _row(-89.5, -135.0))
    assert south.error_km == pytest.approx(POLE_KM_PER_DEG, abs=1e-3)


def test_run_metrics_by_hand() -> None:
    # Errors along the equator of 0.3, 1.5, 20, 300 and 3000 km, and one photo unanswered.
    errors = [0.3, 1.5, 20.0, 300.0, 3000.0]
    items = [_item(0.0, 0.0, name=f"p{i}") for i in range(6)]
    rows = [_row(0.0, e / EQUATOR_KM_PER_DEG, radius=e * 2 if i % 2 else e / 2, conf=0.9)
            for i, e in enumerate(errors)] + [_row(None, None)]
    m = compute_metrics([score_photo(i, r) for i, r in zip(items, rows, strict=True)])
    assert m["n"] == 6 and m["n_answered"] == 5
    assert m["answered_share"] == pytest.approx(5 / 6)
    expected = {"0.5": 1, "1": 1, "2": 2, "10": 2, "25": 3, "200": 3, "750": 4, "2500": 4}
    for key, hits in expected.items():
        assert m["accuracy_km"][key] == pytest.approx(hits / 6), key
    assert m["median_error_km"] == pytest.approx(20.0, abs=1e-6)
    assert m["mean_error_km"] == pytest.approx(sum(errors) / 5, abs=1e-6)
    assert m["geoscore"] == pytest.approx(
        sum(5000 * math.exp(-e / 1492.7) for e in errors) / 6, rel=1e-9)
    # Truth within the stated radius for the odd ones (radius 2e): 2 of 5.
    assert m["within_stated_radius"] == pytest.approx(2 / 5)
    assert m["time_s"]["mean"] == pytest.approx(2.0)
    assert m["cost_usd"]["total"] == pytest.approx(0.06)


def test_country_accuracy_counts_missing_and_failed_answers_as_misses() -> None:
    scores = [
        score_photo(_item(None, None, "FR"), _row(48.0, 2.0, country="FR")),
        score_photo(_item(None, None, "US"), _row(None, None)),
        score_photo(_item(None, None, "JP"), _row(31.0, 121.0, country="CN")),
        score_photo(_item(None, None, "DE"), {"status": "error", "error": "bad image"}),
    ]
    m = compute_metrics(scores)
    assert m["country_accuracy"] == pytest.approx(1 / 4)
    assert m["n_with_point"] == 0 and m["accuracy_km"]["25"] is None
    assert m["n_errors"] == 1


def test_reliability_table_and_ece_by_hand() -> None:
    table, ece, brier = reliability_table([0.95, 0.95, 0.15, 0.15, 1.0],
                                          [True, False, False, False, True])
    top = table[9]
    assert top["n"] == 3  # 1.0 falls in the last bin
    assert top["mean_confidence"] == pytest.approx((0.95 + 0.95 + 1.0) / 3)
    assert top["observed"] == pytest.approx(2 / 3)
    low = table[1]
    assert low["n"] == 2 and low["observed"] == 0.0 and low["mean_confidence"] == 0.15
    # ECE = 3/5·|2/3 − 0.9667| + 2/5·|0 − 0.15| = 0.18 + 0.06 = 0.24
    assert ece == pytest.approx(3 / 5 * abs(2 / 3 - 2.9 / 3) + 2 / 5 * 0.15)
    assert ece == pytest.approx(0.24)
    assert brier == pytest.approx((0.05**2 + 0.95**2 + 0.15**2 + 0.15**2 + 0.0) / 5)
    assert reliability_table([], []) [1:] == (None, None)


def test_calibration_uses_the_answered_photos_only() -> None:
    items = [_item(0.0, 0.0, name=f"p{i}") for i in range(3)]
    rows = [_row(0.0, 0.0, radius=1.0, conf=0.8), _row(0.0, 1.0, radius=1.0, conf=0.8),
            _row(None, None)]
    m = compute_metrics([score_photo(i, r) for i, r in zip(items, rows, strict=True)])
    cal = m["calibration"]
    assert cal["n"] == 2
    assert cal["ece"] == pytest.approx(abs(0.5 - 0.8))
