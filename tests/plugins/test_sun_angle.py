"""The sun_angle and timezone_check tools: inputs from arguments, clues and EXIF evidence."""

from __future__ import annotations

import math
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from geosleuth_plugins.sun_angle import SunAngleTool, TimezoneCheckTool

from geosleuth.errors import ToolError
from geosleuth.geo.sun_locus import sun_at
from geosleuth.model import Case, Evidence, ImageInfo, RasterConstraint
from geosleuth.settings import Settings
from geosleuth.tools.context import ToolContext
from geosleuth.tools.registry import load_registry

PARIS = (48.8566, 2.3522)
LONDON = (51.5074, -0.1278)
CEST = timezone(timedelta(hours=2))
TAKEN = datetime(2024, 6, 21, 10, 0)  # as the camera clock shows it


def _image() -> ImageInfo:
    return ImageInfo(path="photo.jpg", sha256="ab" * 32, width=800, height=600,
                     format="JPEG", size_bytes=1000)


def _exif(taken: datetime | None = TAKEN, offset: str | None = "+02:00") -> Evidence:
    # The data as the exif_metadata tool writes it: local ISO time (aware when the
    # offset is known) and the offset on its own.
    stamp = None
    if taken is not None:
        stamp = (taken.replace(tzinfo=timezone(_offset(offset))) if offset else taken).isoformat()
    return Evidence(id="E1", tool="exif_metadata", tool_version="1.0.0", summary="EXIF",
                    data={"taken": stamp, "utc_offset": offset})


def _offset(text: str | None) -> timedelta:
    assert text is not None
    sign = -1 if text.startswith("-") else 1
    hours, minutes = text.lstrip("+-").split(":")
    return sign * timedelta(hours=int(hours), minutes=int(minutes))


def _ctx(tmp_path: Path, clues: tuple[str, ...] = (), evidence: tuple[Evidence, ...] = (),
         ignore_metadata: bool = False) -> ToolContext:
    case = Case(image=_image(), clues=clues, ignore_metadata=ignore_metadata)
    return ToolContext(case=case, settings=Settings(cache_dir=tmp_path), evidence=evidence)


def _paris_sun() -> tuple[float, float]:
    return sun_at(*PARIS, TAKEN.replace(tzinfo=CEST))


def _value(constraint: Any, lat: float, lon: float) -> float:
    assert isinstance(constraint, RasterConstraint)
    arr = constraint.array()
    row = int((constraint.north - lat) / (constraint.north - constraint.south) * constraint.rows)
    col = int((lon - constraint.west) / (constraint.east - constraint.west) * constraint.cols)
    if not (0 <= row < constraint.rows and 0 <= col < constraint.cols):
        return 0.0
    return float(arr[row, col])


def test_registered_through_the_entry_point() -> None:
    registry = load_registry()
    assert isinstance(registry.get("sun_angle"), SunAngleTool)
    assert isinstance(registry.get("timezone_check"), TimezoneCheckTool)
    spec = registry.tools["sun_angle"].spec()
    assert {"time", "date", "elevation_deg", "object_height_m", "shadow_length_m",
            "shadow_bearing_deg", "tolerance_deg"} <= set(spec["parameters"]["properties"])


def test_clue_and_exif_time_give_a_locus_holding_the_place(tmp_path: Path) -> None:
    el, _ = _paris_sun()
    clue = f"sun: elevation={el:.2f}±1"
    finding = SunAngleTool().run(_ctx(tmp_path, (clue,), (_exif(),)), {})
    assert isinstance(finding.constraint, RasterConstraint)
    assert finding.constraint.strength == pytest.approx(0.85)
    assert _value(finding.constraint, *PARIS) == 1.0
    assert _value(finding.constraint, -60.0, 2.35) == 0.0
    data = finding.data
    assert data["measurement_source"] == f"clue {clue!r}" and data["time_source"] == "EXIF"
    assert data["time"]["start_utc"] == "2024-06-21T08:00:00+00:00"
    assert 0.0 < data["area_fraction"] < 0.05
    assert data["geojson"]["type"] == "FeatureCollection" and data["geojson"]["features"]
    assert clue in finding.summary


def test_shadow_bearing_narrows_to_a_patch(tmp_path: Path) -> None:
    el, az = _paris_sun()
    height = 1.0
    length = height / math.tan(math.radians(el))
    clue = f"shadow: height={height}m length={length:.4f}m bearing={(az + 180) % 360:.2f}"
    finding = SunAngleTool().run(_ctx(tmp_path, (clue,), (_exif(),)), {})
    assert _value(finding.constraint, *PARIS) == 1.0
    south, north = finding.data["lat_range"]
    # The sun due east-ish: ±5° of bearing at 52° from the subsolar point spreads the
    # patch north-south by about ±4.5°, plus the elevation tolerance and a cell.
    assert south < PARIS[0] < north and north - south < 16
    assert finding.data["area_fraction"] < 0.002


def test_arguments_override_clues_and_exif(tmp_path: Path) -> None:
    ctx = _ctx(tmp_path, ("sun: elevation=10",), (_exif(),))
    finding = SunAngleTool().run(ctx, {"elevation_deg": 60.0, "time": "2024-03-20T12:00Z"})
    assert finding.data["measurement"]["elevation_deg"] == 60.0
    assert finding.data["measurement_source"] == "arguments"
    assert finding.data["time"]["start_utc"] == "2024-03-20T12:00:00+00:00"
    # Near the equinox the 60° ring is centred on the subsolar point near (0°, 0°).
    assert _value(finding.constraint, 30.0, 0.0) == 1.0


def test_missing_offset_widens_the_window(tmp_path: Path) -> None:
    el, _ = _paris_sun()
    ctx = _ctx(tmp_path, (f"sun: elevation={el:.2f}±1",), (_exif(offset=None),))
    finding = SunAngleTool().run(ctx, {})
    assert finding.data["time"]["offset_known"] is False
    assert finding.data["time"]["hours"] == 26.0
    assert _value(finding.constraint, *PARIS) == 1.0


def test_date_and_hour_window(tmp_path: Path) -> None:
    el, _ = _paris_sun()
    ctx = _ctx(tmp_path, (f"sun: elevation={el:.2f}±1", "date: 2024-06-21 hours=9-11"))
    finding = SunAngleTool().run(ctx, {})
    assert finding.data["time_source"] == "clue 'date: 2024-06-21 hours=9-11'"
    assert finding.data["time"]["offset_known"] is False  # no offset anywhere: widened
    assert finding.data["time"]["hours"] == 2 + 26
    assert _value(finding.constraint, *PARIS) == 1.0
    # The EXIF offset (a zone, not a time) fills in the clue's missing offset.
    with_exif = SunAngleTool().run(_ctx(tmp_path, ctx.case.clues, (_exif(),)), {})
    assert with_exif.data["time"]["offset_known"] is True
    assert with_exif.data["time"]["hours"] == 2.0
    assert with_exif.data["time_source"].endswith("UTC offset from EXIF")
    assert _value(with_exif.constraint, *PARIS) == 1.0
    assert with_exif.data["area_fraction"] < finding.data["area_fraction"]
    own = SunAngleTool().run(ctx, {"date": "2024-06-21", "hour_window": [9, 11],
                                   "utc_offset": "+02:00", "elevation_deg": round(el, 2)})
    assert own.data["time"]["hours"] == 2.0
    assert _value(own.constraint, *PARIS) == 1.0


def test_ignore_metadata_hides_the_time(tmp_path: Path) -> None:
    ctx = _ctx(tmp_path, ("sun: elevation=38",), (_exif(),), ignore_metadata=True)
    finding = SunAngleTool().run(ctx, {})
    assert finding.constraint is None and "capture time is unknown" in finding.summary


def test_no_measurement_is_a_finding_without_constraint(tmp_path: Path) -> None:
    finding = SunAngleTool().run(_ctx(tmp_path, ("country: FR",), (_exif(),)), {})
    assert finding.constraint is None and finding.data == {"measured": False}


@pytest.mark.parametrize(
    "args",
    [
        {"object_height_m": 1.8},
        {"elevation_deg": 95, "time": "2024-06-21T10:00Z"},
        {"elevation_deg": 30, "time": "10:00"},
        {"elevation_deg": 30, "time": "2024-06-21T10:00", "utc_offset": "+99:00"},
    ],
)
def test_bad_arguments_are_tool_errors(tmp_path: Path, args: dict[str, Any]) -> None:
    with pytest.raises(ToolError):
        SunAngleTool().run(_ctx(tmp_path, evidence=(_exif(),)), args)


def test_candidate_check_spots_a_wrong_clock(tmp_path: Path) -> None:
    el, _ = _paris_sun()
    # The camera says 12:00, but the shadow was measured at 10:00.
    ctx = _ctx(tmp_path, (f"sun: elevation={el:.2f}±1",),
               (_exif(taken=datetime(2024, 6, 21, 12, 0)),))
    finding = SunAngleTool().run(ctx, {"lat": PARIS[0], "lon": PARIS[1]})
    cand = finding.data["candidate"]
    assert cand["zone"] == "Europe/Paris" and cand["in_locus"] is False
    assert cand["time_check"]["consistent"] is False
    assert cand["time_check"]["clock_shift_min"] == pytest.approx(-120, abs=6)
    assert any(t["start"] <= "2024-06-21T10:00+02:00" <= t["end"]
               for t in cand["matching_local_times"])
    assert "inconsistent" in finding.summary


def test_cache_key_covers_clues_and_evidence(tmp_path: Path) -> None:
    tool = SunAngleTool()
    a = tool.cache_key(_ctx(tmp_path, ("sun: elevation=30",), (_exif(),)), {})
    b = tool.cache_key(_ctx(tmp_path, ("sun: elevation=31",), (_exif(),)), {})
    c = tool.cache_key(_ctx(tmp_path, ("sun: elevation=30",),
                            (_exif(taken=datetime(2024, 6, 21, 11, 0)),)), {})
    assert a is not None and len({a, b, c}) == 3
    assert tool.cache_key(_ctx(tmp_path, evidence=(_exif(),)), {"object_height_m": 1}) is None


def test_timezone_check_supports_and_contradicts(tmp_path: Path) -> None:
    tool = TimezoneCheckTool(resolution_deg=1.0)
    ctx = _ctx(tmp_path, evidence=(_exif(),))
    paris = tool.run(ctx, {"lat": PARIS[0], "lon": PARIS[1]})
    assert paris.data["consistent"] is True
    assert paris.data["zone"] == "Europe/Paris" and paris.data["zone_offset"] == "+02:00"
    assert "supports" in paris.summary
    london = tool.run(ctx, {"lat": LONDON[0], "lon": LONDON[1]})
    assert london.data["consistent"] is False and london.data["zone_offset"] == "+01:00"
    assert "contradicts" in london.summary
    constraint = paris.constraint
    assert isinstance(constraint, RasterConstraint) and constraint.strength == pytest.approx(0.6)
    assert _value(constraint, 52.52, 13.40) == 1.0  # Berlin: +02:00 in June
    assert _value(constraint, 40.71, -74.0) == 0.0  # New York: -04:00
    # The zone grid is cached on disk under the cache directory.
    assert list((tmp_path / "timezones").glob("zones-1deg-*.npz"))


def test_timezone_check_winter_and_given_offset(tmp_path: Path) -> None:
    tool = TimezoneCheckTool(resolution_deg=1.0)
    ctx = _ctx(tmp_path)
    winter = tool.run(ctx, {"lat": PARIS[0], "lon": PARIS[1], "offset": "+01:00",
                            "when": "2024-01-15T12:00"})
    assert winter.data["consistent"] is True and winter.data["offset_source"] == "arguments"
    kathmandu = tool.run(ctx, {"lat": 27.7, "lon": 85.3, "offset": "+05:45"})
    assert kathmandu.data["consistent"] is True
    assert kathmandu.data["date_source"].startswith("date unknown")
    assert kathmandu.data["zones_with_offset"] == 1


def test_timezone_check_without_offset(tmp_path: Path) -> None:
    finding = TimezoneCheckTool(resolution_deg=1.0).run(
        _ctx(tmp_path, evidence=(_exif(offset=None),)), {"lat": 1.0, "lon": 2.0})
    assert finding.constraint is None and finding.data["consistent"] is None


def test_a_shadow_direction_in_the_frame_uses_the_camera_heading(tmp_path: Path) -> None:
    el, az = _paris_sun()
    height = 1.0
    length = height / math.tan(math.radians(el))
    shadow = (az + 180) % 360
    heading = (shadow - 40.0) % 360  # the shadow points 40° right of the line of sight
    clue = f"shadow: height={height}m length={length:.4f}m frame=40"
    with_heading = _exif().model_copy(update={"data": {
        **_exif().data, "heading_deg": heading, "heading_north": "true"}})
    finding = SunAngleTool().run(_ctx(tmp_path, (clue,), (with_heading,)), {})
    assert _value(finding.constraint, *PARIS) == 1.0
    assert "camera heading" in finding.summary or "camera heading" in str(finding.data)
    narrow = finding.data["area_fraction"]
    # without a heading the frame direction cannot be used: the elevation ring only
    ring = SunAngleTool().run(_ctx(tmp_path, (clue,), (_exif(),)), {})
    assert "no camera heading" in str(ring.data) + ring.summary
    assert ring.data["area_fraction"] > 5 * narrow


def test_frame_and_bearing_together_are_refused() -> None:
    from geosleuth.agent.clues import parse_clue
    from geosleuth.errors import BadInputError

    with pytest.raises(BadInputError, match="bearing= or frame="):
        parse_clue("shadow: height=1m length=1m bearing=10 frame=20")
    clue = parse_clue("shadow: height=1m length=1m frame=270")
    assert clue.frame_deg == -90.0  # type: ignore[union-attr]
    assert clue.with_heading(100.0, 15.0).shadow_bearing_deg == 10.0  # type: ignore[union-attr]
