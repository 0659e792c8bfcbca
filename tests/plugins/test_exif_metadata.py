"""The exif_metadata tool on photos rendered by the factory, in every format, sound and broken."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from geosleuth_plugins.exif_metadata import (
    ExifMetadataTool,
    offset_band,
    read_metadata,
    tools,
)
from PIL import Image
from PIL.TiffImagePlugin import IFDRational

from geosleuth.images import load_case
from geosleuth.model import BandConstraint, Finding, PointConstraint
from geosleuth.settings import Settings
from geosleuth.testing import render_photo
from geosleuth.testing.photos import utc
from geosleuth.tools.context import ToolContext
from geosleuth.tools.registry import load_registry

SMALL = (200, 150)
PHONE = dict(make="Apple", model="iPhone 12")


def run_tool(path: Path, *, ignore_metadata: bool = False) -> list[Finding]:
    case = load_case(path, ignore_metadata=ignore_metadata)
    ctx = ToolContext(case=case, settings=Settings())
    findings = ExifMetadataTool().run(ctx, {})
    for finding in findings:
        json.dumps(finding.model_dump(mode="json"))  # everything is JSON-safe
    return findings


def constraint_of(findings: list[Finding], kind: type) -> Any:
    found = [f.constraint for f in findings if isinstance(f.constraint, kind)]
    assert len(found) <= 1
    return found[0] if found else None


def write_with_gps_ifd(path: Path, gps: dict[int, Any], **extra: Any) -> Path:
    """A JPEG whose GPS IFD holds exactly ``gps`` (for values the factory will not write)."""
    render_photo(path, size=SMALL, **extra)
    with Image.open(path) as image:
        exif = image.getexif()
        pixels = image.copy()
    exif.get_ifd(0x8825).update(gps)
    pixels.save(path, exif=exif.tobytes(), quality=90)
    return path


# ---------------------------------------------------------------- formats and fields


@pytest.mark.parametrize("suffix", [".jpg", ".tiff", ".png", ".webp", ".heic"])
def test_every_format_gives_position_time_and_camera(tmp_path: Path, suffix: str) -> None:
    path = render_photo(
        tmp_path / f"photo{suffix}", size=(160, 120), gps=(47.141, 9.5209), altitude_m=455.0,
        taken=datetime(2024, 7, 14, 16, 5, 9), offset="+02:00", lens="back camera 4.2mm",
        orientation=1, **PHONE,
    )
    findings = run_tool(path)
    data = findings[0].data
    assert data["lat"] == pytest.approx(47.141, abs=1e-7)
    assert data["lon"] == pytest.approx(9.5209, abs=1e-7)
    assert data["altitude_m"] == pytest.approx(455.0)
    assert data["camera"] == "Apple iPhone 12" and data["phone"] is True
    assert data["lens"] == "back camera 4.2mm" and data["orientation"] == 1
    assert data["taken"] == "2024-07-14T16:05:09+02:00"
    assert data["taken_utc"] == "2024-07-14T14:05:09+00:00"
    assert (data["width"], data["height"]) == (160, 120)
    assert data["warnings"] == []
    assert findings[0].summary == (
        "Apple iPhone 12, taken 2024-07-14 16:05:09 +02:00, GPS 47.14100, 9.52090 ±30 m"
    )
    point = constraint_of(findings, PointConstraint)
    assert (point.lat, point.lon, point.radius_km, point.strength) == (
        pytest.approx(47.141), pytest.approx(9.5209), pytest.approx(0.030), 0.97)


@pytest.mark.parametrize(
    ("lat", "lon"),
    [(48.858370, 2.294481), (40.689247, -74.044502), (-33.856784, 151.215297),
     (-22.951916, -43.210487)],
    ids=["N-E", "N-W", "S-E", "S-W"],
)
def test_all_four_hemispheres(tmp_path: Path, lat: float, lon: float) -> None:
    data = read_metadata(render_photo(tmp_path / "p.jpg", size=SMALL, gps=(lat, lon)))
    assert data["lat"] == pytest.approx(lat, abs=1e-7)
    assert data["lon"] == pytest.approx(lon, abs=1e-7)
    assert data["gps_valid"] is True


def test_altitude_below_sea_level(tmp_path: Path) -> None:
    path = render_photo(tmp_path / "deadsea.jpg", size=SMALL, gps=(31.5590, 35.4732),
                        altitude_m=-430.5)
    findings = run_tool(path)
    assert findings[0].data["altitude_m"] == pytest.approx(-430.5)
    assert findings[1].data["altitude_m"] == pytest.approx(-430.5)


@pytest.mark.parametrize(
    ("extra", "radius_m", "source"),
    [
        (dict(gps_dop=4.0), 20.0, "GPSDOP 4 × 5 m"),
        (dict(gps_dop=1.0), 10.0, "GPSDOP 1 × 5 m"),  # clamped to the 10 m minimum
        (dict(gps_dop=4.0, h_error_m=65.0), 65.0, "GPSHPositioningError"),
        (dict(make="Apple", model="iPhone 12"), 30.0, "default for phones"),
        (dict(make="NIKON CORPORATION", model="NIKON D3100"), 50.0, "default for cameras"),
        (dict(), 50.0, "default for cameras"),
    ],
)
def test_radius_comes_from_the_stated_precision(
    tmp_path: Path, extra: dict[str, Any], radius_m: float, source: str
) -> None:
    findings = run_tool(render_photo(tmp_path / "p.jpg", size=SMALL, gps=(10.0, 20.0), **extra))
    assert findings[0].data["precision_m"] == pytest.approx(radius_m)
    assert findings[0].data["precision_source"] == source
    assert constraint_of(findings, PointConstraint).radius_km == pytest.approx(radius_m / 1000)


def test_gps_time_is_utc_and_yields_the_offset_when_no_offset_tag(tmp_path: Path) -> None:
    path = render_photo(tmp_path / "p.jpg", size=SMALL, gps=(35.6586, 139.7454),
                        gps_time=utc(2023, 3, 1, 2, 59, 50),
                        taken=datetime(2023, 3, 1, 12, 0, 3))  # Tokyo, +09:00, fix 13 s old
    data = read_metadata(path)
    assert data["gps_time_utc"] == "2023-03-01T02:59:50+00:00"
    assert data["utc_offset"] == "+09:00"
    assert data["offset_source"] == "GPS time vs local time"
    assert data["taken"] == "2023-03-01T12:00:03+09:00"


def test_gps_time_far_from_a_zone_gives_no_offset(tmp_path: Path) -> None:
    path = render_photo(tmp_path / "p.jpg", size=SMALL, gps=(1.0, 1.0),
                        gps_time=utc(2023, 3, 1, 2, 37, 0), taken=datetime(2023, 3, 1, 12, 0, 0))
    data = read_metadata(path)
    assert data["utc_offset"] is None and data["taken"] == "2023-03-01T12:00:00"


@pytest.mark.parametrize(
    ("offset", "west", "east"),
    [("+02:00", -7.5, 45.0), ("-05:00", -112.5, -60.0), ("+05:30", 45.0, 97.5),
     ("+12:00", 142.5, -165.0), ("-11:00", 157.5, -150.0), ("+00:00", -37.5, 15.0)],
)
def test_offset_band_wraps_at_the_antimeridian(offset: str, west: float, east: float) -> None:
    assert offset_band(offset) == (pytest.approx(west), pytest.approx(east))


def test_offset_gives_a_weak_longitude_band(tmp_path: Path) -> None:
    path = render_photo(tmp_path / "p.jpg", size=SMALL, taken=datetime(2024, 1, 5, 9, 30),
                        offset="+05:30", make="samsung", model="SM-S911B")
    findings = run_tool(path)
    band = constraint_of(findings, BandConstraint)
    assert (band.axis, band.low, band.high, band.strength) == ("lon", 45.0, 97.5, 0.3)
    assert "weak" in findings[-1].summary and "+05:30" in findings[-1].summary
    assert constraint_of(findings, PointConstraint) is None
    assert "no GPS position" in findings[0].summary


def test_subseconds_and_offset_time_fallback(tmp_path: Path) -> None:
    path = render_photo(tmp_path / "p.jpg", size=SMALL, make="Canon", model="Canon EOS 40D",
                        taken=datetime(2008, 5, 30, 15, 56, 1, 120_000), offset="-03:00")
    data = read_metadata(path)
    assert data["camera"] == "Canon EOS 40D" and data["phone"] is False
    assert data["taken"] == "2008-05-30T15:56:01.120000-03:00"
    assert data["taken_tag"] == "DateTimeOriginal" and data["offset_source"] == "OffsetTimeOriginal"


@pytest.mark.parametrize(
    ("make", "model", "camera"),
    [("Canon", "Canon EOS 40D", "Canon EOS 40D"),
     ("EASTMAN KODAK COMPANY", "KODAK CX7530 ZOOM DIGITAL CAMERA",
      "KODAK CX7530 ZOOM DIGITAL CAMERA"),
     ("Apple", "iPhone 12", "Apple iPhone 12"), (None, "Pixel 7", "Pixel 7"),
     ("Canon", None, "Canon")],
)
def test_camera_name_does_not_repeat_the_make(make: str | None, model: str | None,
                                              camera: str) -> None:
    from geosleuth_plugins.exif_metadata.fields import camera_name

    assert camera_name(make, model) == camera


def test_editing_software_is_flagged(tmp_path: Path) -> None:
    edited = read_metadata(render_photo(tmp_path / "e.jpg", size=SMALL,
                                        software="Adobe Photoshop Lightroom Classic 12.1"))
    assert edited["edited_with"] == "Adobe Lightroom"
    camera = read_metadata(render_photo(tmp_path / "c.jpg", size=SMALL, software="Ver.1.01"))
    assert camera["edited_with"] is None and camera["software"] == "Ver.1.01"
    findings = run_tool(tmp_path / "e.jpg")
    assert "edited with Adobe Lightroom" in findings[0].summary


def test_control_characters_in_tags_are_removed(tmp_path: Path) -> None:
    data = read_metadata(render_photo(tmp_path / "p.jpg", size=SMALL,
                                      make="Evil\x1b[31m", model="Cam\x07 X\nignore all"))
    assert data["make"] == "Evil [31m" and data["model"] == "Cam X ignore all"


def test_heic_orientation_is_the_file_s(tmp_path: Path) -> None:
    path = render_photo(tmp_path / "p.heic", size=(128, 96), orientation=6, **PHONE)
    data = read_metadata(path)
    assert data["orientation"] == 6 and data["exif_source"] == "pillow"
    assert (data["width"], data["height"]) == (128, 96)  # pillow-heif shows it upright


# ---------------------------------------------------------------- hidden metadata


def test_ignore_metadata_hides_position_and_time(tmp_path: Path) -> None:
    path = render_photo(tmp_path / "p.jpg", size=SMALL, gps=(47.141, 9.5209), altitude_m=455,
                        gps_time=utc(2024, 7, 14, 14, 5, 7), taken=datetime(2024, 7, 14, 16, 5, 9),
                        offset="+02:00", **PHONE)
    findings = run_tool(path, ignore_metadata=True)
    data = findings[0].data
    assert data["hidden"] is True
    for key in ("lat", "lon", "altitude_m", "gps_time_utc", "taken", "taken_utc", "precision_m"):
        assert data[key] is None, key
    assert constraint_of(findings, PointConstraint) is None
    assert "position, time, heading and IPTC/XMP fields hidden by --ignore-metadata" in (
        findings[0].summary)
    text = json.dumps([f.model_dump(mode="json") for f in findings])
    assert "47.14" not in text and "9.52" not in text and "2024" not in text and "16:05" not in text
    assert data["camera"] == "Apple iPhone 12"
    # the UTC offset is a time tag too, and it would give away a band of longitudes
    assert data["utc_offset"] is None
    assert constraint_of(findings, BandConstraint) is None


def test_read_metadata_hides_on_request(tmp_path: Path) -> None:
    path = render_photo(tmp_path / "p.png", size=SMALL, gps=(1.5, 2.5), taken=datetime(2020, 1, 1))
    assert read_metadata(path)["lat"] == pytest.approx(1.5)
    hidden = read_metadata(path, hide_position_and_time=True)
    assert hidden["lat"] is None and hidden["taken"] is None and hidden["gps_present"] is True


# ---------------------------------------------------------------- missing and malformed


def test_no_exif(tmp_path: Path) -> None:
    findings = run_tool(render_photo(tmp_path / "plain.jpg", size=SMALL))
    assert len(findings) == 1
    assert findings[0].summary == "no EXIF metadata"
    assert findings[0].data["has_exif"] is False and findings[0].data["warnings"] == []


@pytest.mark.parametrize(
    ("gps", "warning"),
    [
        ({1: "N", 2: (95.0, 0.0, 0.0), 3: "E", 4: (10.0, 0.0, 0.0)}, "outside ±90"),
        ({1: "N", 2: (0.0, 0.0, 0.0), 3: "E", 4: (0.0, 0.0, 0.0)}, "placeholder"),
        ({1: "N", 2: (IFDRational(0, 0), 0.0, 0.0), 3: "E", 4: (10.0, 0.0, 0.0)},
         "GPSLatitude degrees is 0/0"),
        ({1: "N", 2: (47.0, 0.0, 0.0)}, "only one coordinate"),
    ],
    ids=["lat-95", "null-island", "nan-degrees", "lat-only"],
)
def test_invalid_gps_warns_and_gives_no_point(
    tmp_path: Path, gps: dict[int, Any], warning: str
) -> None:
    findings = run_tool(write_with_gps_ifd(tmp_path / "p.jpg", gps, make="Canon"))
    data = findings[0].data
    assert data["gps_valid"] is False
    assert any(warning in w for w in data["warnings"]), data["warnings"]
    assert constraint_of(findings, PointConstraint) is None
    assert "GPS present but unusable" in findings[0].summary


def test_zero_denominators_in_minutes_seconds_and_altitude(tmp_path: Path) -> None:
    gps = {
        1: "S", 2: (IFDRational(33, 1), IFDRational(51, 1), IFDRational(0, 0)),
        3: "E", 4: (IFDRational(151, 1), IFDRational(0, 0), IFDRational(0, 0)),
        5: b"\x00", 6: IFDRational(7, 0), 11: IFDRational(0, 0),
    }
    data = read_metadata(write_with_gps_ifd(tmp_path / "p.jpg", gps))
    assert data["lat"] == pytest.approx(-(33 + 51 / 60))
    assert data["lon"] == pytest.approx(151.0)
    assert data["altitude_m"] is None and data["gps_dop"] is None
    joined = " | ".join(data["warnings"])
    assert "GPSLatitude seconds is 0/0 (zero denominator); read as 0" in joined
    assert "GPSLongitude minutes is 0/0" in joined
    assert "GPSAltitude is 7/0" in joined and "GPSDOP is 0/0" in joined
    assert data["gps_valid"] is True


def test_missing_reference_letter_is_a_warning(tmp_path: Path) -> None:
    data = read_metadata(write_with_gps_ifd(tmp_path / "p.jpg",
                                            {2: (10.0, 30.0, 0.0), 4: (20.0, 15.0, 0.0)}))
    assert (data["lat"], data["lon"]) == (pytest.approx(10.5), pytest.approx(20.25))
    assert "GPSLatitudeRef is missing; read as N" in data["warnings"]


def _damage(path: Path, how: str) -> None:
    """Damage the TIFF structure inside the JPEG's APP1 (EXIF) segment."""
    data = bytearray(path.read_bytes())
    tiff = data.find(b"Exif\x00\x00") + 6
    assert data[tiff:tiff + 4] == b"MM\x00*"
    if how == "byte-order":
        data[tiff:tiff + 2] = b"XX"
    elif how == "ifd-offset":
        data[tiff + 4:tiff + 8] = b"\x7f\xff\xff\xff"
    elif how == "entry-count":
        data[tiff + 8:tiff + 10] = b"\xff\xff"
    elif how == "gps-pointer":
        entry = data.find(b"\x88\x25", tiff)
        data[entry + 8:entry + 12] = b"\x00\xff\xff\x00"
    elif how == "garbage":
        data[tiff + 8:tiff + 200] = bytes((i * 37 + 11) % 256 for i in range(192))
    elif how == "segment-length":
        data[tiff - 10:tiff - 8] = b"\x00\x10"
    path.write_bytes(bytes(data))


@pytest.mark.filterwarnings("ignore::UserWarning")  # Pillow's, from load_case
@pytest.mark.parametrize(
    ("how", "warning"),
    [
        ("byte-order", "damaged TIFF header"),
        ("ifd-offset", "no tag could be read"),
        ("entry-count", "Corrupt EXIF data"),
        ("gps-pointer", "GPS IFD that could not be read"),
        ("garbage", "Corrupt EXIF data"),
        ("segment-length", "no reader found the EXIF block"),
    ],
)
def test_corrupt_exif_never_crashes_and_says_what_is_wrong(
    tmp_path: Path, how: str, warning: str
) -> None:
    path = render_photo(tmp_path / "p.jpg", size=SMALL, gps=(47.1, 9.5), offset="+02:00",
                        taken=datetime(2023, 7, 1, 12), **PHONE)
    _damage(path, how)
    findings = run_tool(path)
    data = findings[0].data
    assert any(warning in w for w in data["warnings"]), data["warnings"]
    assert "warning" in findings[0].summary


def test_truncated_file_never_crashes(tmp_path: Path) -> None:
    path = render_photo(tmp_path / "p.jpg", size=SMALL, gps=(47.1, 9.5), **PHONE)
    data = path.read_bytes()
    cut = tmp_path / "cut.jpg"
    cut.write_bytes(data[: data.find(b"Exif\x00\x00") + 60])
    result = read_metadata(cut)
    assert result["warnings"] and result["lat"] is None


def test_not_an_image_or_empty_never_crashes(tmp_path: Path) -> None:
    text = tmp_path / "notes.txt"
    text.write_text("Rua Augusta")
    assert "not an image" in read_metadata(text)["warnings"][0]
    empty = tmp_path / "empty.jpg"
    empty.write_bytes(b"")
    assert read_metadata(empty)["warnings"] == ["the file is empty (0 bytes)"]


# ---------------------------------------------------------------- registry


def test_tool_is_found_through_the_entry_point(tmp_path: Path) -> None:
    registry = load_registry()
    tool = registry.get("exif_metadata")
    assert isinstance(tool, ExifMetadataTool), registry.warnings
    assert tool.availability().available
    assert tool.spec()["parameters"]["properties"] == {}
    assert "exif_metadata" in registry.available()
    assert [type(t) for t in tools()] == [ExifMetadataTool]
    case = load_case(render_photo(tmp_path / "p.webp", size=SMALL, gps=(-1.0, -2.0)))
    findings = tool.run(ToolContext(case=case, settings=Settings()), {})
    assert constraint_of(findings, PointConstraint).lat == pytest.approx(-1.0)


@pytest.mark.filterwarnings("ignore::UserWarning")
@pytest.mark.parametrize("suffix", [".jpg", ".tiff", ".png", ".webp"])
def test_randomly_damaged_exif_never_crashes(tmp_path: Path, suffix: str) -> None:
    """80 seeded variants with 1-12 random bytes changed in the EXIF block."""
    import random

    original = render_photo(
        tmp_path / f"p{suffix}", size=(64, 48), gps=(47.1, -9.5), altitude_m=-3.0, gps_dop=2.0,
        h_error_m=5.0, gps_time=utc(2024, 1, 1, 1, 1, 1), taken=datetime(2024, 1, 1, 2, 1, 1),
        offset="+01:00", lens="L", software="GIMP 2.10", orientation=3, **PHONE,
    ).read_bytes()
    start = max(original.find(b"MM\x00*"), original.find(b"II*\x00"))
    assert start >= 0
    rng = random.Random(suffix)
    damaged = tmp_path / f"d{suffix}"
    with_warnings = 0
    for _ in range(80):
        data = bytearray(original)
        for _ in range(rng.randint(1, 12)):
            data[rng.randrange(start, min(start + 500, len(data)))] = rng.randrange(256)
        damaged.write_bytes(bytes(data))
        result = read_metadata(damaged)
        findings = tool_findings(result)
        assert findings[0].summary
        with_warnings += bool(result["warnings"])
    assert with_warnings > 0  # the damage is noticed, not only survived


def tool_findings(data: dict[str, Any]) -> list[Finding]:
    from geosleuth_plugins.exif_metadata import findings_for

    findings = findings_for(data)
    json.dumps([f.model_dump(mode="json") for f in findings])
    return findings
