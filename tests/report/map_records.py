"""Case records for the map tests: a verdict, hypotheses, located evidence and a sun locus."""

from __future__ import annotations

from typing import Any

from geosleuth.agent.state import CaseState
from geosleuth.cases.record import case_record
from geosleuth.model import Case, Evidence, Hypothesis, ImageInfo, PointConstraint, Verdict
from geosleuth.settings import Settings

HOSTILE = ('<![CDATA[<script>alert(1)</script>]]> <b>bold</b> & "quotes" '
           "**Paris** [x](http://e.vil) \x1b[31m")
LISBON = (38.7223, -9.1393)
MADRID = (40.4168, -3.7038)
SUN_LOCUS = {
    "type": "FeatureCollection",
    "features": [{
        "type": "Feature",
        "geometry": {"type": "Polygon", "coordinates": [[[-8.0, 37.5], [-6.5, 37.5],
                                                         [-6.5, 38.5], [-8.0, 38.5],
                                                         [-8.0, 37.5]]]},
        "properties": {"kind": "sun_locus", "measurement": "shadow 1.2x the height",
                       "window": "2024-07-18 10:00-11:00"},
    }],
}


def map_record(*, photo: str = "/photos/harbour.jpg", verdict: bool = True) -> dict[str, Any]:
    """Verdict at Lisbon ±25 km; H1 Lisbon, H2 Madrid; E1 (hostile OCR text) located at
    Lisbon, E2 at Madrid; E3 a sun locus in the Alentejo."""
    case = Case(image=ImageInfo(path=photo, sha256="cd" * 32, width=64, height=48,
                                format="JPEG", size_bytes=99))
    s = CaseState(case=case)
    s.evidence.append(Evidence(
        id="E1", tool="ocr_signage", tool_version="1", summary=f'1 line: "{HOSTILE}"',
        constraint=PointConstraint(lat=LISBON[0], lon=LISBON[1], radius_km=20.0,
                                   strength=0.6)))
    s.evidence.append(Evidence(
        id="E2", tool="text_clues", tool_version="1", summary="place name Madrid",
        constraint=PointConstraint(lat=MADRID[0], lon=MADRID[1], radius_km=30.0,
                                   strength=0.4)))
    s.evidence.append(Evidence(id="E3", tool="sun_angle", tool_version="1",
                               summary="shadow fits a band", data={"geojson": SUN_LOCUS}))
    s.hypotheses.append(Hypothesis(id="H1", lat=LISBON[0], lon=LISBON[1], radius_km=25.0,
                                   score=0.6, country_code="PT", place=f"Lisbon {HOSTILE}",
                                   supported_by=["E1"]))
    s.hypotheses.append(Hypothesis(id="H2", lat=MADRID[0], lon=MADRID[1], radius_km=40.0,
                                   score=0.3, country_code="ES", place="Madrid",
                                   supported_by=["E2"]))
    if verdict:
        s.verdict = Verdict(lat=LISBON[0], lon=LISBON[1], radius_km=25.0, confidence=0.6,
                            country_code="PT", place="Lisbon, Portugal", level="city",
                            evidence=["E1"])
    else:
        s.verdict = Verdict.unknown()
    return case_record(s, Settings(), backend="offline", model=None, total_ms=5.0)
