"""The NOAA solar-position routine against published reference values, and its vectorisation."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import numpy as np
import pytest

from geosleuth.geo.sun import (
    elevation_from_shadow,
    geometric_from_apparent,
    refraction_deg,
    solar_position,
    sun_azimuth_from_shadow_bearing,
    sun_ephemeris,
    unix_seconds,
)

TOLERANCE_DEG = 0.05
MST = timezone(timedelta(hours=-7))
GOLDEN = (39.742476, -105.1786)  # NREL, Golden, Colorado: the SPA paper's test site

# Apparent zenith and azimuth, NREL SPA. 2003-10-17 12:30:30 -7 h: Reda & Andreas, "Solar
# Position Algorithm for Solar Radiation Applications", NREL/TP-560-34302 (2004),
# Table A5.1: zenith 50.11162°, azimuth 194.34024°. 2003-10-18: the NREL SPA values
# pvlib's test suite checks against (pvlib/tests/test_solarposition.py,
# expected_solpos_multi): apparent zenith 50.478260°, azimuth 194.311132°. (SPA's
# refraction is for 820 mbar and 11 °C, NOAA's for a standard atmosphere: ~0.003°.)
SPA_POSITIONS = [
    (datetime(2003, 10, 17, 12, 30, 30, tzinfo=MST), 50.111622, 194.340241),
    (datetime(2003, 10, 18, 12, 30, 30, tzinfo=MST), 50.478260, 194.311132),
]

# Sun transit (hour angle 0) from the NREL SPA web calculator, as listed in pvlib's
# tests (expected_rise_set_spa and test_sun_rise_set_transit_spa).
SPA_TRANSITS = [
    (GOLDEN, datetime(2015, 1, 2, 12, 4, 45, tzinfo=MST)),
    (GOLDEN, datetime(2015, 8, 2, 12, 6, 58, tzinfo=MST)),
    ((-35.0, 0.0), datetime(1996, 7, 5, 12, 4, 36, tzinfo=UTC)),
    ((-35.0, 0.0), datetime(2004, 12, 4, 11, 50, 22, tzinfo=UTC)),
]

# Sunrise and sunset from the same source: the sun's centre is then at a geometric
# elevation of -0.8333° (0.5667° refraction + 0.2667° semi-diameter, SPA's convention).
# (Golden's sunset on 2015-08-02, 19:13:58 there, is left out: the USNO gives 19:13 to
# the minute, see USNO_SUNSETS, and SPA's rise/set routine is a minute later.)
SPA_HORIZON = [
    (GOLDEN, datetime(2015, 1, 2, 7, 21, 55, tzinfo=MST)),
    (GOLDEN, datetime(2015, 1, 2, 16, 47, 43, tzinfo=MST)),
    (GOLDEN, datetime(2015, 8, 2, 5, 0, 27, tzinfo=MST)),
    ((-35.0, 0.0), datetime(1996, 7, 5, 7, 8, 15, tzinfo=UTC)),
    ((-35.0, 0.0), datetime(1996, 7, 5, 17, 1, 4, tzinfo=UTC)),
    ((-35.0, 0.0), datetime(2004, 12, 4, 4, 38, 57, tzinfo=UTC)),
    ((-35.0, 0.0), datetime(2004, 12, 4, 19, 2, 3, tzinfo=UTC)),
]

# Sunsets at Golden to the minute from the USNO, as listed in pvlib's tests
# (expected_rise_set_ephem): upper limb at -0°34', i.e. centre at -0.8333°.
USNO_SUNSETS = [
    datetime(2015, 1, 1, 16, 47, tzinfo=MST),
    datetime(2015, 1, 2, 16, 48, tzinfo=MST),
    datetime(2015, 1, 3, 16, 49, tzinfo=MST),
    datetime(2015, 8, 2, 19, 13, tzinfo=MST),
]

# Meeus, Astronomical Algorithms (2nd ed.), 1992 October 13.0 TD (TD - UT ~ 59 s then):
# Example 25.a, the Sun's apparent declination -7°47'06" = -7.78507°;
# Example 28.a, the equation of time +13m42.6s = 3.427351° of hour angle.
MEEUS_WHEN = datetime(1992, 10, 13, tzinfo=UTC) - timedelta(seconds=59)
MEEUS_DECLINATION = -7.78507
MEEUS_EQUATION_OF_TIME_DEG = 3.427351


@pytest.mark.parametrize(("when", "zenith", "azimuth"), SPA_POSITIONS)
def test_position_matches_nrel_spa(when: datetime, zenith: float, azimuth: float) -> None:
    pos = solar_position(*GOLDEN, when)
    assert abs(float(pos.zenith_deg) - zenith) < TOLERANCE_DEG
    assert abs(float(pos.azimuth_deg) - azimuth) < TOLERANCE_DEG


@pytest.mark.parametrize(("place", "when"), SPA_TRANSITS)
def test_transit_has_zero_hour_angle(place: tuple[float, float], when: datetime) -> None:
    pos = solar_position(*place, when)
    assert abs(float(pos.hour_angle_deg)) < TOLERANCE_DEG
    # South of the sun in the north at transit, north of it in the south.
    assert abs(float(pos.azimuth_deg) - (180.0 if place[0] > 0 else 0.0)) % 360 < 0.2


@pytest.mark.parametrize(("place", "when"), SPA_HORIZON)
def test_sunrise_and_sunset_elevation(place: tuple[float, float], when: datetime) -> None:
    pos = solar_position(*place, when)
    assert abs(float(pos.geometric_elevation_deg) - (-0.8333)) < TOLERANCE_DEG


@pytest.mark.parametrize("minute", USNO_SUNSETS)
def test_sunset_to_the_minute(minute: datetime) -> None:
    start = minute.timestamp() - 600
    seconds = start + np.arange(0.0, 1200.0, 1.0)
    pos = solar_position(*GOLDEN, seconds)
    crossing = seconds[np.argmin(np.abs(pos.geometric_elevation_deg + 0.8333))]
    assert abs(crossing - minute.timestamp()) <= 30 + 10  # USNO rounds to the minute


def test_declination_and_equation_of_time_match_meeus() -> None:
    eph = sun_ephemeris(MEEUS_WHEN)
    assert abs(float(eph.declination_deg) - MEEUS_DECLINATION) < 0.01
    assert abs(float(eph.equation_of_time_min) / 4.0 - MEEUS_EQUATION_OF_TIME_DEG) < 0.01


def test_solstice_sun_is_overhead_at_the_tropic() -> None:
    # Northern solstice 2024-06-20 20:51 UTC: the subsolar point is at +23.44°.
    eph = sun_ephemeris(datetime(2024, 6, 20, 20, 51, tzinfo=UTC))
    assert abs(float(eph.declination_deg) - 23.44) < 0.01


def test_vectorised_equals_one_at_a_time() -> None:
    rng = np.random.default_rng(7)
    lats = rng.uniform(-89, 89, 50)
    lons = rng.uniform(-180, 180, 50)
    base = datetime(2021, 3, 1, tzinfo=UTC).timestamp()
    times = base + rng.uniform(0, 365 * 86400, 50)
    grid = solar_position(lats, lons, times)
    for i in range(50):
        one = solar_position(float(lats[i]), float(lons[i]), float(times[i]))
        assert float(one.elevation_deg) == pytest.approx(float(grid.elevation_deg[i]), abs=1e-9)
        assert float(one.azimuth_deg) == pytest.approx(float(grid.azimuth_deg[i]), abs=1e-9)


def test_broadcasts_a_grid_against_times() -> None:
    lat = np.linspace(-80, 80, 9)[:, None, None]
    lon = np.linspace(-170, 170, 7)[None, :, None]
    times = np.array(["2024-06-21T12:00", "2024-12-21T12:00"], dtype="datetime64[s]")
    pos = solar_position(lat, lon, times[None, None, :])
    assert pos.elevation_deg.shape == (9, 7, 2)
    assert np.all(np.abs(pos.elevation_deg) <= 90.0)


def test_datetime64_and_aware_datetimes_agree() -> None:
    aware = datetime(2024, 6, 21, 14, 0, tzinfo=timezone(timedelta(hours=2)))
    assert float(unix_seconds(np.datetime64("2024-06-21T12:00"))) == aware.timestamp()


def test_naive_datetime_is_refused() -> None:
    with pytest.raises(ValueError, match="offset"):
        unix_seconds(datetime(2024, 6, 21, 12, 0))


def test_refraction_inverse_round_trips() -> None:
    apparent = np.array([-1.0, 0.0, 0.5, 3.0, 10.0, 45.0, 89.0])
    geometric = geometric_from_apparent(apparent)
    assert np.allclose(geometric + refraction_deg(geometric), apparent, atol=1e-6)
    assert refraction_deg(0.0) == pytest.approx(0.48, abs=0.03)  # about half a degree


def test_shadow_geometry() -> None:
    assert elevation_from_shadow(1.0, 1.0) == pytest.approx(45.0)
    assert elevation_from_shadow(1.8, 2.4) == pytest.approx(36.8699, abs=1e-4)
    assert sun_azimuth_from_shadow_bearing(45.0) == 225.0
    assert sun_azimuth_from_shadow_bearing(270.0) == 90.0
    with pytest.raises(ValueError):
        elevation_from_shadow(1.0, 0.0)
