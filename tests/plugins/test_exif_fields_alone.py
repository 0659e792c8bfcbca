"""Every EXIF field on its own: a bad tag, or an absurd number, costs that field alone.

The photos carry EXIF blocks written tag by tag (``geosleuth.testing.raw_exif``), with the
malformed values real files hold and Pillow will not write: an Orientation stored as
text, a SubSecTime of "²", a GPSHPositioningError stored as a DOUBLE of 1e200.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pytest
from geosleuth_plugins.exif_metadata import ExifMetadataTool, metadata

from geosleuth.images import load_case
from geosleuth.model import Finding, PointConstraint
from geosleuth.settings import Settings
from geosleuth.testing import render_photo
from geosleuth.testing.raw_exif import (
    ASCII,
    DOUBLE,
    RATIONAL,
    Entry,
    dms,
    exif_block,
    with_exif,
)
from geosleuth.tools.context import ToolContext

VADUZ = (47.141, 9.5209)
PHONE_RADIUS_KM = metadata.DEFAULT_PRECISION_PHONE_M / 1000
GOOD_GPS: dict[int, Entry] = {
    1: (ASCII, "N"), 2: (RATIONAL, dms(VADUZ[0])), 3: (ASCII, "E"), 4: (RATIONAL, dms(VADUZ[1])),
}
PHONE: dict[int, Entry] = {0x010F: (ASCII, "Apple"), 0x0110: (ASCII, "iPhone 12")}
TAKEN, OFFSET, SUBSEC = 0x9003, 0x9011, 0x9291


def photo(tmp_path: Path, *, ifd0: dict[int, Entry] | None = None,
          exif: dict[int, Entry] | None = None, gps: dict[int, Entry] | None = None) -> Path:
    """A phone JPEG with a sound GPS fix at Vaduz and the extra entries given."""
    path = render_photo(tmp_path / "photo.jpg", size=(160, 120))
    block = exif_block({**PHONE, **(ifd0 or {})}, exif, {**GOOD_GPS, **(gps or {})})
    return with_exif(path, block)


def run_tool(path: Path) -> list[Finding]:
    ctx = ToolContext(case=load_case(path), settings=Settings())
    findings = ExifMetadataTool().run(ctx, {})
    for finding in findings:  # strict JSON: no NaN or Infinity anywhere
        json.dumps(finding.model_dump(mode="json"), allow_nan=False)
    return findings


def the_point(findings: list[Finding]) -> PointConstraint:
    [point] = [f.constraint for f in findings if isinstance(f.constraint, PointConstraint)]
    return point


@pytest.mark.parametrize(
    ("entries", "field", "words"),
    [
        (dict(exif={TAKEN: (ASCII, "2024:07:14 16:05:09"), SUBSEC: (ASCII, "²")}),
         "taken", "SubSecTimeOriginal is not digits"),
        (dict(ifd0={0x0112: (ASCII, "²")}), "orientation", "Orientation is not a number"),
        (dict(exif={TAKEN: (ASCII, "9999:12:31 23:00:00"), OFFSET: (ASCII, "-12:00")}),
         "taken", "DateTimeOriginal '9999:12:31 23:00:00' at OffsetTimeOriginal -12:00 falls"
                  " outside the years 1..9999 in UTC"),
        (dict(exif={TAKEN: (ASCII, "0001:01:01 00:30:00"), OFFSET: (ASCII, "+14:00")}),
         "taken", "DateTimeOriginal '0001:01:01 00:30:00' at OffsetTimeOriginal +14:00 falls"
                  " outside the years 1..9999 in UTC"),
    ],
    ids=["subsec", "orientation", "year-9999", "year-0001"],
)
def test_one_bad_tag_loses_only_that_tag(tmp_path: Path, entries: dict[str, Any], field: str,
                                        words: str) -> None:
    findings = run_tool(photo(tmp_path, **entries))
    data = findings[0].data
    point = the_point(findings)
    assert (point.lat, point.lon) == pytest.approx(VADUZ, abs=1e-6)
    assert point.radius_km == pytest.approx(PHONE_RADIUS_KM)
    assert data["camera"] == "Apple iPhone 12"
    assert any(words in w for w in data["warnings"]), data["warnings"]
    assert words in findings[0].summary  # the one warning is in the evidence's line
    if field == "taken" and "SubSec" in words:
        assert data["taken"] == "2024-07-14T16:05:09"  # the time stays, without a fraction
    else:
        assert data[field] is None


def test_a_reader_that_raises_costs_only_its_field(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Whatever a field's reader did not foresee becomes a warning naming the tag."""

    def broken(*args: object) -> None:
        raise RuntimeError("unforeseen value")

    monkeypatch.setattr(metadata.f, "read_heading", broken)
    monkeypatch.setattr(metadata.f, "read_capture_time", broken)
    findings = run_tool(photo(tmp_path, exif={TAKEN: (ASCII, "2024:07:14 16:05:09")}))
    data = findings[0].data
    assert the_point(findings).radius_km == pytest.approx(PHONE_RADIUS_KM)
    assert data["heading_deg"] is None and data["taken"] is None
    assert "GPSImgDirection could not be read (RuntimeError: unforeseen value); ignored" in (
        data["warnings"])
    assert any(w.startswith("DateTimeOriginal/OffsetTime could not be read (RuntimeError")
               for w in data["warnings"])


GPS_H_ERROR, GPS_DOP, GPS_ALT = 31, 11, 6


@pytest.mark.parametrize(
    ("gps", "field", "words"),
    [
        ({GPS_H_ERROR: (DOUBLE, [1e200])}, "h_error_m",
         "GPSHPositioningError 1e+200 m is over 1,000 km: not the precision of a GPS fix"),
        ({GPS_H_ERROR: (ASCII, "1e200")}, "h_error_m", "GPSHPositioningError 1e+200 m is over"),
        ({GPS_H_ERROR: (RATIONAL, [(4294967295, 1)])}, "h_error_m",
         "GPSHPositioningError 4.29497e+09 m is over 1,000 km"),
        ({GPS_H_ERROR: (DOUBLE, [math.inf])}, "h_error_m",
         "GPSHPositioningError is not a finite number (inf); ignored"),
        ({GPS_H_ERROR: (ASCII, "Infinity")}, "h_error_m",
         "GPSHPositioningError is not a finite number (inf); ignored"),
        ({GPS_DOP: (DOUBLE, [math.nan])}, "gps_dop", "GPSDOP is not a finite number (nan)"),
        ({GPS_DOP: (RATIONAL, [(4294967295, 1)])}, "gps_dop", "GPSDOP 4.29497e+09 is over"),
        ({GPS_ALT: (DOUBLE, [-math.inf])}, "altitude_m", "GPSAltitude is not a finite number"),
        ({GPS_ALT: (RATIONAL, [(4294967295, 1)])}, "altitude_m",
         "GPSAltitude 4.29497e+09 m is over ±100 km"),
    ],
    ids=["h-error-double-1e200", "h-error-text-1e200", "h-error-uint32-max", "h-error-inf",
         "h-error-text-infinity", "dop-nan", "dop-uint32-max", "altitude-inf",
         "altitude-uint32-max"],
)
def test_absurd_numbers_are_dropped_with_a_warning(tmp_path: Path, gps: dict[int, Entry],
                                                  field: str, words: str) -> None:
    findings = run_tool(photo(tmp_path, gps=gps))
    data = findings[0].data
    assert data[field] is None
    assert any(words in w for w in data["warnings"]), data["warnings"]
    point = the_point(findings)  # the fix is kept, at the phone's default precision
    assert (point.lat, point.lon) == pytest.approx(VADUZ, abs=1e-6)
    assert point.radius_km == pytest.approx(PHONE_RADIUS_KM)
    assert data["precision_source"] == "default for phones"


def test_a_sane_double_precision_is_read(tmp_path: Path) -> None:
    """A GPSHPositioningError stored as a DOUBLE (as some writers do) is a precision."""
    findings = run_tool(photo(tmp_path, gps={GPS_H_ERROR: (DOUBLE, [65.0])}))
    assert findings[0].data["h_error_m"] == 65.0 and findings[0].data["warnings"] == []
    assert the_point(findings).radius_km == pytest.approx(0.065)


def test_an_orientation_stored_as_digit_text_is_kept(tmp_path: Path) -> None:
    findings = run_tool(photo(tmp_path, ifd0={0x0112: (ASCII, "6")}))
    assert findings[0].data["orientation"] == 6 and findings[0].data["warnings"] == []
