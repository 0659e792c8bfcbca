"""``geosleuth locate`` end to end on photos the tests render."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

from geosleuth.geo.distance import geodesic_km
from geosleuth.testing.cli import run_cli as geosleuth
from geosleuth.testing.photos import render_photo

VADUZ = (47.14103, 9.52093)



def test_gps_photo_names_the_place_within_50_m(tmp_path: Path) -> None:
    photo = render_photo(
        tmp_path / "gps.jpg",
        size=(640, 480),
        gps=VADUZ,
        make="Apple",
        model="iPhone 14 Pro",
        taken=datetime(2024, 7, 18, 14, 32, 10),
        offset="+02:00",
    )
    result = geosleuth(
        "locate", str(photo), "--out", str(tmp_path / "cases"), "--json", cwd=tmp_path
    )
    assert result.returncode == 0, result.stderr
    record = json.loads(result.stdout)  # stdout holds the JSON and nothing else
    v = record["verdict"]
    assert geodesic_km(v["lat"], v["lon"], *VADUZ) < 0.05
    assert v["confidence"] >= 0.8 and v["country_code"] == "LI" and "Vaduz" in v["place"]
    folder = tmp_path / "cases" / f"gps-{record['image']['sha256'][:8]}"
    assert json.loads((folder / "case.json").read_text())["verdict"] == v
    report = (folder / "report.md").read_text()
    assert "Vaduz" in report and "exif" in report


def test_photo_without_clues_gives_an_honest_report(tmp_path: Path) -> None:
    photo = render_photo(tmp_path / "plain.jpg", size=(640, 480))
    result = geosleuth("locate", str(photo), "--out", str(tmp_path / "cases"), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "Verdict" in result.stdout
    [folder] = (tmp_path / "cases").iterdir()
    record = json.loads((folder / "case.json").read_text())
    v = record["verdict"]
    assert v["level"] == "unknown" or v["confidence"] < 0.5
    assert "## Evidence" in (folder / "report.md").read_text()


def test_ignore_metadata_hides_the_position(tmp_path: Path) -> None:
    photo = render_photo(tmp_path / "gps.jpg", size=(640, 480), gps=VADUZ)
    result = geosleuth(
        "locate",
        str(photo),
        "--json",
        "--ignore-metadata",
        "--out",
        str(tmp_path / "c"),
        cwd=tmp_path,
    )
    record = json.loads(result.stdout)
    assert record["ignore_metadata"] is True
    v = record["verdict"]
    assert v["lat"] is None or geodesic_km(v["lat"], v["lon"], *VADUZ) > 1 or v["confidence"] < 0.5
    assert "47.14103" not in json.dumps(record["evidence"])


def test_tools_and_config_commands(tmp_path: Path) -> None:
    tools = geosleuth("tools", "--json", cwd=tmp_path)
    rows = {r["name"]: r for r in json.loads(tools.stdout)}
    assert rows["exif_metadata"]["available"]
    config = geosleuth("config", "--json", cwd=tmp_path)
    values = json.loads(config.stdout)
    assert values["backend"] == {"value": "offline", "source": "default"}
    assert values["cache_dir"]["source"] == "env"
