"""``geosleuth sun locus`` and ``geosleuth sun times``: answers both ways, one-line errors."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from geosleuth.cli.app import app
from geosleuth.cli.errors import run_guarded


def _run(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
         *argv: str) -> tuple[int, str, str]:
    monkeypatch.setattr(sys, "argv", ["geosleuth", *argv])
    code = run_guarded(app)
    out = capsys.readouterr()
    return code, out.out, out.err


def test_locus_summary_and_geojson(monkeypatch: pytest.MonkeyPatch,
                                   capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    target = tmp_path / "locus.geojson"
    code, out, err = _run(monkeypatch, capsys, "sun", "locus", "--time",
                          "2024-06-21T12:00+02:00", "--height", "1.8", "--length", "2.4",
                          "--tolerance", "1", "--geojson", str(target))
    assert code == 0, err
    assert "latitudes" in out and "% of the globe" in out and "e.g." in out
    collection = json.loads(target.read_text(encoding="utf-8"))
    assert collection["type"] == "FeatureCollection" and collection["features"]


def test_locus_json(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(monkeypatch, capsys, "sun", "locus", "--date", "2024-06-21",
                        "--hours", "9-11", "--offset", "+02:00", "--elevation", "35",
                        "--resolution", "0.5", "--json")
    assert code == 0
    summary = json.loads(out)
    assert summary["time"]["hours"] == 2.0 and summary["time"]["offset_known"]
    assert summary["lat_range"][0] < 48.85 < summary["lat_range"][1]
    assert summary["samples"]


def test_times_lists_and_checks(monkeypatch: pytest.MonkeyPatch,
                                capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(monkeypatch, capsys, "sun", "times", "--lat", "48.85", "--lon", "2.35",
                        "--date", "2024-06-21", "--elevation", "35", "--json")
    assert code == 0
    data = json.loads(out)
    assert data["zone"] == "Europe/Paris" and data["utc_offset"] == "+02:00"
    assert len(data["matching_local_times"]) == 2
    code, out, _ = _run(monkeypatch, capsys, "sun", "times", "--lat", "48.85", "--lon", "2.35",
                        "--time", "2024-06-21T15:00", "--height", "1.8", "--length", "2.4")
    assert code == 0
    assert "inconsistent" in out and "Europe/Paris" in out


@pytest.mark.parametrize(
    ("argv", "match"),
    [
        (("locus", "--time", "2024-06-21T12:00Z", "--elevation", "95"), "impossible"),
        (("locus", "--time", "2024-06-21T12:00Z", "--height", "2", "--length", "0"),
         "shadow length"),
        (("locus", "--time", "14:30", "--elevation", "30"), "no date"),
        (("locus", "--elevation", "30"), "no time"),
        (("locus", "--time", "2024-06-21T12:00Z"), "no measurement"),
        (("times", "--lat", "95", "--lon", "0", "--date", "2024-06-21", "--elevation", "3"),
         "not a place"),
        (("times", "--lat", "1", "--lon", "0", "--elevation", "30"), "--date"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(monkeypatch: pytest.MonkeyPatch,
                                          capsys: pytest.CaptureFixture[str],
                                          argv: tuple[str, ...], match: str) -> None:
    code, _, err = _run(monkeypatch, capsys, "sun", *argv)
    assert code == 2
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("geosleuth: ") and match in lines[0]
