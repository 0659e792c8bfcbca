"""case.kml and all.kml parse with a KML library and hold the expected features; the
GeoJSON carries simplestyle properties and a circle for every hypothesis."""

from __future__ import annotations

import html
import json
import warnings
from pathlib import Path
from typing import Any

import pytest
from map_records import HOSTILE, map_record

from geosleuth.report.geojson import case_geojson
from geosleuth.report.kml import batch_kml, case_kml

with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # fastkml warns that lxml is absent (pretty print only)
    from fastkml import kml as fastkml


def parse(text: str) -> Any:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return fastkml.KML.from_string(text.encode("utf-8"))


def folders(doc: Any) -> dict[str, list[Any]]:
    document = doc.features[0]
    return {f.name: list(f.features) for f in document.features}


def test_case_kml_holds_verdict_hypotheses_evidence_and_sun_locus() -> None:
    doc = parse(case_kml(map_record()))
    got = folders(doc)
    assert list(got) == ["Verdict", "Hypotheses", "Located evidence", "Evidence areas (sun loci)"]
    verdict = got["Verdict"]
    assert [type(p.kml_geometry).__name__ for p in verdict] == ["Point", "Polygon"]
    point = verdict[0].kml_geometry.geometry
    assert (point.y, point.x) == pytest.approx((38.7223, -9.1393))
    ring = verdict[1].kml_geometry.geometry.exterior.coords
    assert len(ring) == 97 and ring[0] == ring[-1]
    hyps = got["Hypotheses"]
    assert [p.name.split(":")[0] for p in hyps] == ["H1", "H1", "H2", "H2"]  # point, circle
    assert [type(p.kml_geometry).__name__ for p in hyps] == ["Point", "Polygon"] * 2
    assert [p.name for p in got["Located evidence"]] == ["E1 ocr_signage", "E2 text_clues"]
    (locus,) = got["Evidence areas (sun loci)"]
    assert type(locus.kml_geometry).__name__ == "MultiGeometry"
    assert "sun locus" in locus.name


def test_kml_text_from_the_photo_is_text_not_markup() -> None:
    text = case_kml(map_record())
    assert "<![CDATA[" not in text and "<script>" not in text and "\x1b" not in text
    doc = parse(text)
    e1 = folders(doc)["Located evidence"][0]
    # the description is HTML for the viewer: the photo's text is escaped in it, so the
    # viewer shows it as written
    assert "&lt;script&gt;" in e1.description and "<script>" not in e1.description
    assert "<script>alert(1)</script>" in html.unescape(e1.description)
    h1 = folders(doc)["Hypotheses"][0]
    assert "<b>bold</b>" in h1.name  # a name is plain text: XML-escaped once, shown as is


def test_kml_colours_follow_the_roles() -> None:
    text = case_kml(map_record())
    assert "<color>ff2827d6</color>" in text  # verdict red #d62728 as aabbggrr
    assert "<color>ffb4771f</color>" in text  # hypothesis blue #1f77b4


def test_batch_kml_has_a_folder_per_answered_photo() -> None:
    rows = [
        {"path": "a.jpg", "lat": 48.85, "lon": 2.35, "radius_km": 5.0, "confidence": 0.7,
         "place": "Paris <i>", "country_code": "FR", "level": "city", "case_dir": "a-1"},
        {"path": "b.jpg", "lat": None, "lon": None, "status": "no_answer"},
    ]
    doc = parse(batch_kml(rows))
    got = folders(doc)
    assert list(got) == ["a.jpg"]
    point, ring = got["a.jpg"]
    assert point.name == "Paris <i>"
    assert type(ring.kml_geometry).__name__ == "Polygon"


def test_geojson_has_simplestyle_and_every_hypothesis_its_circle() -> None:
    geo = case_geojson(map_record())
    json.dumps(geo, allow_nan=False)
    by_role: dict[str, list[dict]] = {}
    for f in geo["features"]:
        by_role.setdefault(f["properties"]["role"], []).append(f)
    assert [f["properties"]["id"] for f in by_role["hypothesis-circle"]] == ["H1", "H2"]
    for f in by_role["hypothesis-circle"] + by_role["verdict-circle"]:
        assert f["geometry"]["type"] == "Polygon"
        p = f["properties"]
        assert p["stroke"].startswith("#") and 0 < p["fill-opacity"] < 1 and p["title"]
    for f in by_role["verdict"] + by_role["hypothesis"] + by_role["evidence"]:
        p = f["properties"]
        assert f["geometry"]["type"] == "Point"
        assert p["marker-color"].startswith("#") and p["title"] and p["description"]
    assert by_role["verdict"][0]["properties"]["marker-color"] == "#d62728"
    area = by_role["evidence-area"][0]["properties"]
    assert area["kind"] == "sun_locus" and area["fill"] == "#ff7f0e"
    # plain text: no control character from the photo
    assert "\x1b" not in json.dumps(geo, ensure_ascii=False)
    assert HOSTILE.split("\x1b")[0].strip() in by_role["evidence"][0]["properties"]["description"]


def test_batch_writes_all_kml_beside_all_geojson(tmp_path: Path) -> None:
    from geosleuth.batch.summaries import ALL_KML, Summaries

    summaries = Summaries(tmp_path, geojson_every_s=0.0)
    summaries.open(resume=False)
    summaries.add({"path": "a.jpg", "sha256": "ab" * 32, "status": "answered", "lat": 35.0,
                   "lon": 139.0, "radius_km": 2.0, "confidence": 0.5, "place": "Tokyo",
                   "country_code": "JP", "level": "city", "case_dir": "a-abababab"})
    summaries.close()
    geo = json.loads((tmp_path / "all.geojson").read_text())
    props = geo["features"][0]["properties"]
    assert props["marker-color"] == "#d62728" and "Tokyo" in props["title"]
    doc = parse((tmp_path / ALL_KML).read_text())
    assert list(folders(doc)) == ["a.jpg"]


def test_a_circle_is_a_closed_geodesic_ring_and_a_drawn_one_cannot_change_the_next() -> None:
    """Rings are kept per process (a batch draws every photo's circle again at each
    rewrite of all.geojson): a caller changing the ring it got changes no later ring."""
    from geosleuth.geo.distance import geodesic_km
    from geosleuth.report.geojson import circle_ring

    ring = circle_ring(38.72, -9.14, 25.0, 16)
    assert len(ring) == 17 and ring[0] == ring[-1]
    for lon, lat in ring:
        assert geodesic_km(38.72, -9.14, lat, lon) == pytest.approx(25.0, rel=1e-6)
    ring[0][0] = 0.0
    ring.append([1.0, 2.0])
    again = circle_ring(38.72, -9.14, 25.0, 16)
    assert len(again) == 17 and again[0][0] == pytest.approx(-9.14)
