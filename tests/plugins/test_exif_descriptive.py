"""IPTC-IIM and XMP fields and the camera heading: read, weighed as a person's claim, hidden
by --ignore-metadata. Photos are rendered here with the blocks written by the tests."""

from __future__ import annotations

from pathlib import Path

import pytest
from geosleuth_plugins.exif_metadata import ExifMetadataTool, read_metadata
from geosleuth_plugins.exif_metadata.claims import CAPTION_WEIGHT, LOCATION_STRENGTH, SOURCE

from geosleuth.geo.gazetteer import Gazetteer
from geosleuth.images import load_case
from geosleuth.model import CountryConstraint, Finding, PointConstraint
from geosleuth.settings import load_settings
from geosleuth.testing import render_photo
from geosleuth.testing.metadata import xmp_packet
from geosleuth.tools.context import ToolContext

SMALL = (160, 120)
PORTO = (41.1496, -8.6110)


def run_tool(path: Path, *, ignore_metadata: bool = False) -> list[Finding]:
    case = load_case(path, ignore_metadata=ignore_metadata)
    return ExifMetadataTool().run(ToolContext(case=case, settings=load_settings()[0]), {})


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    return Gazetteer.open(load_settings()[0].cache_dir)


def test_iptc_fields_are_read(tmp_path: Path) -> None:
    path = render_photo(tmp_path / "a.jpg", size=SMALL, iptc={
        "city": "Porto", "sublocation": "Ribeira", "state": "Porto", "country": "Portugal",
        "country_code": "PRT", "caption": "Boats on the Douro at dusk", "headline": "Dusk",
        "keywords": ["river", "boats"], "byline": "A. Photographer", "credit": "Agency X",
    })
    desc = read_metadata(path)["descriptive"]
    assert desc["city"] == "Porto" and desc["sublocation"] == "Ribeira"
    assert desc["country_code"] == "PRT" and desc["country"] == "Portugal"
    assert desc["keywords"] == ["river", "boats"] and desc["byline"] == ["A. Photographer"]
    assert desc["caption"].startswith("Boats") and desc["credit"] == "Agency X"
    assert set(desc["from"].values()) == {"IPTC"}


def test_xmp_fields_are_read_and_win_over_iptc(tmp_path: Path) -> None:
    path = render_photo(tmp_path / "b.jpg", size=SMALL, iptc={"city": "Lisboa"}, xmp={
        "city": "Porto", "country_code": "PT", "caption": "Ponte Luís I", "keywords": ["a", "b"],
    })
    desc = read_metadata(path)["descriptive"]
    assert desc["city"] == "Porto" and desc["from"]["city"] == "XMP"
    assert desc["caption"] == "Ponte Luís I" and desc["keywords"] == ["a", "b"]


def test_xmp_in_png(tmp_path: Path) -> None:
    path = render_photo(tmp_path / "c.png", size=SMALL, xmp={"city": "Łódź"})
    assert read_metadata(path)["descriptive"]["city"] == "Łódź"


def test_hostile_xmp_is_refused_not_expanded(tmp_path: Path) -> None:
    bomb = (b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">'
            b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
            b'<x:xmpmeta xmlns:x="adobe:ns:meta/">&b;</x:xmpmeta>')
    path = tmp_path / "d.jpg"
    from PIL import Image

    Image.new("RGB", SMALL).save(path, xmp=bomb)
    data = read_metadata(path)
    assert data["descriptive"] == {}
    assert any("XMP packet unreadable" in w for w in data["warnings"])
    broken = tmp_path / "e.jpg"
    Image.new("RGB", SMALL).save(broken, xmp=xmp_packet({"city": "X"})[:-40])
    assert any("XMP" in w for w in read_metadata(broken)["warnings"])


def test_heading_is_read_and_reported(tmp_path: Path) -> None:
    path = render_photo(tmp_path / "h.jpg", size=SMALL, gps=PORTO, heading=271.5)
    data = read_metadata(path)
    assert data["heading_deg"] == pytest.approx(271.5)
    assert data["heading_north"] == "true" and data["heading_tag"] == "GPSImgDirection"
    heading = [f for f in run_tool(path) if "heading_deg" in f.data and f.constraint is None
               and f.data.get("heading_deg") is not None and "camera pointed" in f.summary]
    assert heading and "272° from true north" in heading[0].summary


def test_ignore_metadata_hides_heading_and_every_written_field(tmp_path: Path) -> None:
    path = render_photo(tmp_path / "i.jpg", size=SMALL, gps=PORTO, heading=90.0,
                        iptc={"city": "Porto", "caption": "Porto harbour"},
                        xmp={"country_code": "PT"})
    data = read_metadata(path, hide_position_and_time=True)
    assert data["descriptive"] == {} and data["heading_deg"] is None
    findings = run_tool(path, ignore_metadata=True)
    assert all(f.constraint is None for f in findings)
    text = " ".join(f.summary for f in findings)
    assert "Porto" not in text and "IPTC/XMP fields hidden" in text


def test_location_fields_become_one_weaker_witness(tmp_path: Path, gazetteer: Gazetteer
                                                    ) -> None:
    path = render_photo(tmp_path / "l.jpg", size=SMALL, iptc={
        "city": "Porto", "country_code": "PRT", "caption": "Evening in Vila Nova de Gaia",
    })
    findings = run_tool(path)
    location = [f for f in findings if "location fields say" in f.summary]
    assert len(location) == 1
    point = location[0].constraint
    assert isinstance(point, PointConstraint)
    assert abs(point.lat - PORTO[0]) < 0.2 and abs(point.lon - PORTO[1]) < 0.2
    assert point.strength <= LOCATION_STRENGTH
    assert location[0].basis == "read" and location[0].source == SOURCE
    captions = [f for f in findings if f.summary.startswith("caption/keywords")]
    assert captions, "the caption's place name is a clue"
    for finding in captions:
        assert finding.source == SOURCE  # same person: one witness with the location fields
        if finding.constraint is not None:
            assert finding.constraint.strength <= 0.9 * CAPTION_WEIGHT + 1e-9


def test_country_only_fields_give_a_country(tmp_path: Path, gazetteer: Gazetteer) -> None:
    path = render_photo(tmp_path / "k.jpg", size=SMALL, xmp={"country": "Portugal"})
    location = [f for f in run_tool(path) if "location fields say" in f.summary]
    assert isinstance(location[0].constraint, CountryConstraint)
    assert location[0].constraint.weights == {"PT": 1.0}


def test_location_fields_lead_the_verdict_without_gps(tmp_path: Path, gazetteer: Gazetteer
                                                       ) -> None:
    from geosleuth.cases.runner import investigate_photo

    path = render_photo(tmp_path / "v.jpg", size=SMALL,
                        iptc={"city": "Porto", "country": "Portugal"})
    settings = load_settings()[0].model_copy(update={"cache": False})
    verdict = investigate_photo(path, settings).record["verdict"]
    assert verdict["country_code"] == "PT"
    # a person's claim alone is not as sure as a camera's fix
    assert verdict["confidence"] < 0.9
