"""The real-photo benchmark's figures (benchmarks/real_metrics.py) on rows built by hand."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from geosleuth.testing.benchmarks import load_benchmark

rm = load_benchmark("real_metrics")
PhotoRow = rm.PhotoRow


def point(file: str, error_km: float | None, *, radius: float = 10.0, conf: float = 0.8,
          tol: float = 0.0, country: str = "FR", pred_country: str | None = "FR") -> PhotoRow:
    answered = error_km is not None
    return PhotoRow(file=file, truth_lat=48.0, truth_lon=2.0, truth_country=country,
                    answered=answered, pred_lat=48.1 if answered else None,
                    pred_lon=2.1 if answered else None,
                    radius_km=radius if answered else None,
                    confidence=conf if answered else None,
                    pred_country=pred_country if answered else None, error_km=error_km,
                    tolerance_km=tol, status="answered" if answered else "no_answer")


def country_only(file: str, pred_country: str | None, *, conf: float = 0.9,
                 country: str = "JP") -> PhotoRow:
    answered = pred_country is not None
    return PhotoRow(file=file, truth_lat=None, truth_lon=None, truth_country=country,
                    answered=answered, pred_lat=35.0 if answered else None,
                    pred_lon=139.0 if answered else None, radius_km=300.0 if answered else None,
                    confidence=conf if answered else None, pred_country=pred_country,
                    status="answered" if answered else "no_answer")


def test_outcome_uses_radius_plus_tolerance() -> None:
    assert rm.outcome(point("a", 35.0, radius=10.0, tol=30.0)) is True
    assert rm.outcome(point("a", 40.0, radius=10.0, tol=30.0)) is True  # on the edge
    assert rm.outcome(point("a", 40.1, radius=10.0, tol=30.0)) is False
    assert rm.outcome(point("a", 9.0, radius=10.0)) is True
    assert rm.outcome(point("a", None)) is None


def test_country_only_label_is_judged_by_country() -> None:
    assert rm.outcome(country_only("a", "JP")) is True
    assert rm.outcome(country_only("a", "KR")) is False
    assert rm.confidently_wrong(country_only("a", "KR", conf=0.9))
    assert not rm.confidently_wrong(country_only("a", "JP", conf=0.9))
    assert not rm.confidently_wrong(country_only("a", None))  # no answer: never


def test_confidently_wrong_needs_confidence_at_least_one_half() -> None:
    assert rm.confidently_wrong(point("a", 500.0, conf=0.5))
    assert not rm.confidently_wrong(point("a", 500.0, conf=0.49))
    assert not rm.confidently_wrong(point("a", 5.0, conf=0.99))
    assert not rm.confidently_wrong(point("a", None))


def test_set_figures_by_hand() -> None:
    rows = [
        point("a", 5.0, conf=0.9),             # right, within 25 km
        point("b", 100.0, conf=0.8, radius=20.0, tol=30.0,
              pred_country="DE"),              # confidently wrong, wrong country
        point("c", 20.0, conf=0.3, radius=1.0),  # wrong, not confident; within 25 km
        point("d", None),                      # no answer
        country_only("e", "JP", conf=0.7),     # right country
        country_only("f", "CN", conf=0.6),     # confidently wrong
    ]
    f = rm.set_figures(rows)
    assert f["photos"] == 6
    assert f["answered"] == 5
    assert f["answered_share"] == pytest.approx(5 / 6)
    assert f["with_country"] == 6
    assert f["right_country"] == pytest.approx(3 / 6)  # a, c, e
    assert f["with_point"] == 4
    assert f["within_25km"] == pytest.approx(2 / 4)  # a, c; d unanswered counts as a miss
    assert f["median_error_km"] == pytest.approx(20.0)  # 5, 20, 100
    assert f["confidently_wrong"] == 2
    assert f["confidently_wrong_share"] == pytest.approx(2 / 6)
    # ECE, 10 bins: 0.3 -> [0.3,0.4) outcome 0; 0.6 -> 0; 0.7 -> 1; 0.8 -> 0; 0.9 -> 1.
    # Each bin holds one photo: |0-0.3| + |0-0.6| + |1-0.7| + |0-0.8| + |1-0.9| = 2.1, / 5.
    assert f["calibrated_n"] == 5
    assert f["ece"] == pytest.approx(2.1 / 5)


def test_calibration_bins_pool_photos() -> None:
    rows = [point("a", 1.0, conf=0.85), point("b", 1000.0, conf=0.85),
            point("c", 1.0, conf=0.82), point("d", None)]
    cal = rm.calibration(rows)
    assert cal["n"] == 3
    b = cal["bins"][8]
    assert b["n"] == 3
    assert b["mean_confidence"] == pytest.approx((0.85 + 0.85 + 0.82) / 3)
    assert b["observed"] == pytest.approx(2 / 3)
    assert cal["ece"] == pytest.approx(abs(2 / 3 - 0.84))


def test_empty_set() -> None:
    f = rm.set_figures([])
    assert f["photos"] == 0 and f["answered_share"] is None and f["ece"] is None


def test_wrong_list_most_confident_first() -> None:
    rows = [point("low", 500.0, conf=0.6), point("high", 900.0, conf=0.95, tol=30.0),
            country_only("jp", "KR", conf=0.7), point("fine", 1.0, conf=0.99)]
    wrong = rm.wrong_list(rows)
    assert [w["file"] for w in wrong] == ["high", "jp", "low"]
    assert wrong[0]["allowed_km"] == pytest.approx(40.0)
    assert "900 km off" in wrong[0]["what"]
    assert wrong[1]["what"] == "country KR, label JP"
    exact = rm.wrong_list([point("x", 3.0, radius=0.05, conf=0.99)])
    assert exact[0]["what"] == "3 km off (allowed 0.05 km = radius 0.05 + tolerance 0)"


def test_split_is_deterministic_and_covers_both() -> None:
    import hashlib

    names = [f"photo_{i}.jpg" for i in range(40)]
    splits = [rm.split_of(n) for n in names]
    assert set(splits) == {"tune", "holdout"}
    for n, s in zip(names, splits, strict=True):
        even = hashlib.sha1(n.encode()).digest()[0] % 2 == 0
        assert s == ("tune" if even else "holdout")
        assert rm.split_of("some/dir/" + n) == s  # the file name, not the folder
        assert rm.in_split(n, "all") and rm.in_split(n, s)


def test_median_figures() -> None:
    runs = [{"photos": 10, "ece": 0.2, "median_error_km": None},
            {"photos": 10, "ece": 0.4, "median_error_km": 5.0},
            {"photos": 10, "ece": 0.3, "median_error_km": 7.0}]
    m = rm.median_figures(runs)
    assert m == {"photos": 10, "ece": pytest.approx(0.3), "median_error_km": pytest.approx(6.0)}


def test_rows_from_eval_joins_batch_rows(tmp_path: Path) -> None:
    per_photo = [
        {"id": "a.jpg", "status": "answered", "truth_lat": 1.0, "truth_lon": 2.0,
         "truth_country": "SG", "pred_lat": 1.1, "pred_lon": 2.0, "radius_km": 5.0,
         "confidence": 0.7, "pred_country": "SG", "error_km": 11.1,
         "elapsed_s": 4.5, "labels": {"tolerance_km": "10", "place": "Somewhere"}},
        {"id": "b.jpg", "status": "no_answer", "truth_lat": None, "truth_lon": None,
         "truth_country": "JP", "pred_lat": None, "pred_lon": None, "radius_km": None,
         "confidence": None, "pred_country": None, "error_km": None,
         "labels": {"tolerance_km": "", "place": ""}},
    ]
    batch = [{"path": "a.jpg", "place": "Singapore", "level": "city", "confidence_raw": 0.75},
             {"path": "b.jpg", "place": None, "level": "unknown"}]
    (tmp_path / "per_photo.jsonl").write_text(
        "".join(json.dumps(r) + "\n" for r in per_photo), encoding="utf-8")
    (tmp_path / "results.jsonl").write_text(
        "".join(json.dumps(r) + "\n" for r in batch), encoding="utf-8")
    rows = rm.rows_from_eval(tmp_path, "signs", "none")
    a, b = rows
    assert a.answered and a.tolerance_km == 10.0 and a.place == "Singapore"
    assert a.confidence_raw == 0.75 and a.truth_place == "Somewhere"
    assert a.set_name == "signs" and a.condition == "none" and a.elapsed_s == 4.5
    assert rm.outcome(a) is True  # 11.1 <= 5 + 10
    assert not b.answered and b.tolerance_km == 0.0 and b.truth_place is None
    assert rm.outcome(b) is None


def test_a_country_label_is_judged_against_the_stated_probability_of_the_country() -> None:
    from dataclasses import replace

    # a 25 km circle at 0.3 whose country holds 0.8: the country label judges the 0.8
    wrong = replace(country_only("w", "NG", conf=0.3), country_confidence=0.8)
    right = replace(country_only("r", "JP", conf=0.3), country_confidence=0.9)
    assert rm.stated(wrong) == 0.8 and rm.confidently_wrong(wrong)
    assert not rm.confidently_wrong(country_only("w", "NG", conf=0.3))  # no country figure
    # a point label judges the circle's own confidence
    assert rm.stated(replace(point("p", 5.0, conf=0.4), country_confidence=0.95)) == 0.4
    table = rm.calibration([wrong, right])
    assert table["n"] == 2 and table["ece"] == pytest.approx((0.8 + 0.1) / 2)
