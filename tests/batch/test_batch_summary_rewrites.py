"""all.geojson and all.kml are rewritten whole: the rewrites are spaced by the time they take,
so that a large batch does not spend its time rewriting them."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from geosleuth.batch.summaries import Summaries


def _row(i: int) -> dict:
    return {"path": f"p{i}.jpg", "sha256": f"{i:064x}", "status": "answered", "lat": 48.0,
            "lon": 2.0, "radius_km": 1.0, "confidence": 0.5, "place": "Paris",
            "country_code": "FR", "level": "city", "case_dir": f"p{i}"}


def test_slow_rewrites_are_spaced_and_the_last_one_has_every_row(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from geosleuth.report import kml

    calls: list[int] = []
    real = kml.batch_kml

    def slow_kml(rows: list[dict]) -> str:
        calls.append(len(rows))
        time.sleep(0.05)  # as a batch of thousands of rows takes seconds
        return real(rows)

    monkeypatch.setattr(kml, "batch_kml", slow_kml)
    summaries = Summaries(tmp_path, geojson_every_s=0.0)
    summaries.open(resume=False)
    started = time.monotonic()
    for i in range(40):
        summaries.add(_row(i))
        time.sleep(0.005)
    elapsed = time.monotonic() - started
    summaries.close()
    # Every add would have rewritten the files (geojson_every_s=0); spaced by 9x the time a
    # rewrite takes, they take about a tenth of the time.
    assert len(calls) < 20 and sum(calls) < 40 * 20
    assert len(calls) * 0.05 < elapsed * 0.5
    assert calls[-1] == 40
    features = json.loads((tmp_path / "all.geojson").read_text())["features"]
    assert len(features) == 40  # the last rewrite, at close, holds every row
