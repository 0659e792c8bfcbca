"""The sun locus against brute force, time windows, polygons, and chronolocation."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import numpy as np
import pytest
import shapely
from shapely.geometry import shape

from geosleuth.errors import BadInputError
from geosleuth.geo.sun import solar_position
from geosleuth.geo.sun_locus import (
    SunMeasurement,
    TimeWindow,
    _sliding_max,
    check_time,
    matching_times,
    max_elevation_on,
    sun_at,
    sun_locus,
)
from geosleuth.model import RasterConstraint

CEST = timezone(timedelta(hours=2))
NOON_PARIS = datetime(2024, 6, 21, 12, 0, tzinfo=CEST)
PARIS = (48.8566, 2.3522)


def _random_places(n: int, seed: int = 1) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    # Uniform on the sphere, so that every latitude is tried in proportion to its area.
    lat = np.degrees(np.arcsin(rng.uniform(-1, 1, n)))
    return lat, rng.uniform(-180, 180, n)


def test_instant_locus_agrees_with_brute_force() -> None:
    meas = SunMeasurement.from_shadow(1.8, 2.4, tolerance_deg=1.0)
    window = TimeWindow.instant(NOON_PARIS)
    locus = sun_locus(meas, window, resolution=0.25)
    lat, lon = _random_places(60_000)
    el = solar_position(lat, lon, window.start).elevation_deg
    err = np.abs(el - meas.elevation_deg)
    values = np.array([locus.value_at(a, b) for a, b in zip(lat, lon, strict=True)])
    # Every place whose sun matches is in the locus; none outside it by more than a
    # cell's worth (a cell counts if some point in it matches: 2 x 0.25° of slack here).
    assert (err <= meas.tolerance_deg).sum() > 100
    assert np.all(values[err <= meas.tolerance_deg] >= 0.999)
    assert np.all(values[err > meas.tolerance_deg + 0.55] < 0.999)
    # Beyond two tolerances (plus a cell) the value is zero: the soft edge is bounded.
    assert np.all(values[err > 2 * meas.tolerance_deg + 0.55] == 0.0)


def test_window_locus_agrees_with_brute_force() -> None:
    meas = SunMeasurement(25.0, 1.0)
    window = TimeWindow.local(day=date(2024, 3, 10), hours=(9, 11), offset=timedelta(hours=1))
    assert window.hours == 2.0
    locus = sun_locus(meas, window, resolution=0.25)
    lat, lon = _random_places(8_000, seed=3)
    seconds = np.linspace(window.start.timestamp(), window.end.timestamp(), 241)
    el = solar_position(lat[:, None], lon[:, None], seconds[None, :]).elevation_deg
    err = np.abs(el - meas.elevation_deg).min(axis=1)
    values = np.array([locus.value_at(a, b) for a, b in zip(lat, lon, strict=True)])
    assert (err <= 1.0).sum() > 100
    assert np.all(values[err <= 1.0] >= 0.999)
    assert np.all(values[err > 1.55] < 0.999)


def test_refinement_changes_nothing() -> None:
    meas = SunMeasurement(40.0, 0.5, azimuth_deg=150.0, azimuth_tolerance_deg=4.0)
    for window in (TimeWindow.instant(NOON_PARIS),
                   TimeWindow.local(day=date(2024, 6, 21), hours=(10, 13))):
        fine = sun_locus(meas, window, resolution=0.25, refine=False)
        refined = sun_locus(meas, window, resolution=0.25, refine=True)
        assert np.array_equal(fine.values, refined.values)
        assert fine.area_fraction() > 0


def test_bearing_makes_a_patch_around_the_true_place() -> None:
    el, az = sun_at(*PARIS, NOON_PARIS)
    meas = SunMeasurement(el, 1.0, azimuth_deg=az, azimuth_tolerance_deg=3.0)
    locus = sun_locus(meas, TimeWindow.instant(NOON_PARIS))
    assert locus.contains(*PARIS)
    south, north = locus.lat_range()
    assert south < PARIS[0] < north and north - south < 8
    assert locus.area_fraction() < 0.001
    without = sun_locus(SunMeasurement(el, 1.0), TimeWindow.instant(NOON_PARIS))
    assert without.area_fraction() > 50 * locus.area_fraction()


def test_unknown_offset_still_contains_the_place() -> None:
    el, _ = sun_at(*PARIS, NOON_PARIS)
    window = TimeWindow.local(datetime(2024, 6, 21, 12, 0))  # no offset
    assert not window.offset_known and window.hours == 26.0
    locus = sun_locus(SunMeasurement(el, 1.0), window)
    assert locus.contains(*PARIS)
    known = sun_locus(SunMeasurement(el, 1.0), TimeWindow.instant(NOON_PARIS))
    assert locus.area_fraction() > known.area_fraction()


def test_time_windows() -> None:
    off = timedelta(hours=2)
    instant = TimeWindow.local(datetime(2024, 6, 21, 12, 0), offset=off)
    assert instant.start == instant.end == datetime(2024, 6, 21, 10, 0, tzinfo=UTC)
    day = TimeWindow.local(day=date(2024, 6, 21), offset=off)
    assert day.start == datetime(2024, 6, 20, 22, 0, tzinfo=UTC) and day.hours == 24
    open_day = TimeWindow.local(day=date(2024, 6, 21))
    assert open_day.hours == 24 + 26 and not open_day.offset_known
    with pytest.raises(BadInputError, match="unknown"):
        TimeWindow.local()
    with pytest.raises(BadInputError):
        TimeWindow.instant(datetime(2024, 6, 21, 12, 0))


@pytest.mark.parametrize(
    ("make", "match"),
    [
        (lambda: SunMeasurement(95.0), "impossible"),
        (lambda: SunMeasurement(-91.0), "impossible"),
        (lambda: SunMeasurement(30.0, tolerance_deg=0.0), "tolerance"),
        (lambda: SunMeasurement.from_shadow(1.8, 0.0), "shadow length"),
        (lambda: SunMeasurement.from_shadow(0.0, 2.0), "height"),
    ],
)
def test_bad_measurements_are_refused(make, match: str) -> None:
    with pytest.raises(BadInputError, match=match):
        make()


def test_geojson_outlines_the_locus() -> None:
    meas = SunMeasurement(30.0, 1.0)
    locus = sun_locus(meas, TimeWindow.instant(NOON_PARIS), resolution=0.25)
    collection = locus.geojson()
    assert collection["type"] == "FeatureCollection" and len(collection["features"]) == 1
    feature = collection["features"][0]
    geom = shape(feature["geometry"])
    assert geom.is_valid
    lat, lon = _random_places(20_000, seed=5)
    el = solar_position(lat, lon, NOON_PARIS).elevation_deg
    inside = np.abs(el - 30.0) <= 0.8
    far = np.abs(el - 30.0) > 3.0
    points = shapely.points(lon, lat)
    covered = shapely.contains(geom, points)
    assert covered[inside].mean() > 0.98
    assert covered[far].mean() < 0.01
    assert feature["properties"]["area_fraction"] == pytest.approx(locus.area_fraction(), abs=1e-6)


def test_constraint_round_trips() -> None:
    locus = sun_locus(SunMeasurement(30.0, 1.0), TimeWindow.instant(NOON_PARIS), resolution=0.5)
    constraint = locus.to_constraint(0.85)
    assert isinstance(constraint, RasterConstraint) and constraint.strength == 0.85
    # Cropped to the rows and columns that hold the locus, aligned on the same grid.
    assert constraint.cols < 720 and constraint.rows < 360
    r0 = round((90.0 - constraint.north) / 0.5)
    c0 = round((constraint.west + 180.0) / 0.5)
    r1, c1 = r0 + constraint.rows, c0 + constraint.cols
    assert constraint.south == pytest.approx(constraint.north - 0.5 * constraint.rows)
    assert constraint.east == pytest.approx(constraint.west + 0.5 * constraint.cols)
    outside = locus.values.copy()
    outside[r0:r1, c0:c1] = 0
    assert not outside.any()
    crop = locus.values[r0:r1, c0:c1]
    assert np.abs(constraint.array() - crop).max() < 1 / 255 + 1e-6


def test_bbox_locus_matches_the_global_one() -> None:
    meas = SunMeasurement(56.0, 1.0)
    window = TimeWindow.instant(NOON_PARIS)
    glob = sun_locus(meas, window, resolution=0.25)
    box = sun_locus(meas, window, resolution=0.25, bbox=(40.0, -5.0, 55.0, 10.0))
    assert box.values.shape == (60, 60)
    rows = slice(round((90 - 55) / 0.25), round((90 - 40) / 0.25))
    cols = slice(round((180 - 5) / 0.25), round((180 + 10) / 0.25))
    assert np.array_equal(box.values, glob.values[rows, cols])


def test_sliding_max_is_exact() -> None:
    rng = np.random.default_rng(0)
    table = rng.random((3, 50)).astype(np.float32)
    for width in (1, 2, 3, 7, 16, 33):
        expected = np.stack([table[:, j : j + width].max(axis=1)
                             for j in range(50 - width + 1)], axis=1)
        assert np.array_equal(_sliding_max(table, width), expected)


def test_matching_times_bracket_the_measured_sun() -> None:
    el, _ = sun_at(*PARIS, datetime(2024, 6, 21, 10, 30, tzinfo=CEST))
    meas = SunMeasurement(el, 0.5)
    intervals = matching_times(*PARIS, date(2024, 6, 21), timedelta(hours=2), meas)
    assert len(intervals) == 2  # once in the morning, once in the afternoon
    morning = intervals[0]
    assert morning.start <= datetime(2024, 6, 21, 10, 30, tzinfo=CEST) <= morning.end
    for interval in intervals:
        for t in (interval.start, interval.end):
            assert abs(sun_at(*PARIS, t)[0] - el) <= 0.5 + 0.01
    assert intervals[1].start.hour >= 15


def test_check_time_spots_a_wrong_clock() -> None:
    true_time = datetime(2024, 6, 21, 10, 0, tzinfo=CEST)
    el, _ = sun_at(*PARIS, true_time)
    meas = SunMeasurement(el, 1.0)
    ok = check_time(*PARIS, true_time, meas)
    assert ok.consistent and ok.nearest_match is None
    wrong = check_time(*PARIS, true_time + timedelta(hours=2), meas)
    assert not wrong.consistent
    assert wrong.clock_shift_min == pytest.approx(-120, abs=6)
    assert "inconsistent" in wrong.describe()
    with pytest.raises(BadInputError):
        check_time(*PARIS, datetime(2024, 6, 21, 10, 0), meas)


def test_max_elevation_at_the_tropic_on_the_solstice() -> None:
    assert max_elevation_on(23.44, date(2024, 6, 20)) == pytest.approx(90.0, abs=0.1)
    assert max_elevation_on(66.56, date(2024, 12, 21)) == pytest.approx(0.5, abs=0.2)


def test_value_at_the_grid_edges() -> None:
    # At the north pole on the June solstice the sun stands at its declination, 23.44°.
    locus = sun_locus(SunMeasurement(23.44, 0.5), TimeWindow.instant(NOON_PARIS), resolution=0.5)
    assert locus.value_at(90.0, 0.0) == 1.0 and locus.value_at(90.0, 180.0) == 1.0
    assert locus.value_at(-90.0, 0.0) == 0.0 and locus.value_at(91.0, 0.0) == 0.0
    assert locus.value_at(0.0, 180.0) == locus.value_at(0.0, -180.0)
