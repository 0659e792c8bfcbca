"""Solar position: the NOAA algorithm, vectorised with numpy over latitude, longitude and time.

The formulas are those of NOAA's Solar Calculator spreadsheet ("General Solar Position
Calculations", after Jean Meeus, *Astronomical Algorithms*, 2nd ed., chapters 25 and
28), written once here and checked against published reference values in
``tests/geo/test_sun.py``. They are accurate to about 0.01 degree for years 1800-2100,
which is far finer than any shadow measurement. A library was not used because pysolar
evaluates one instant and place at a time (too slow for a 6.5-million-cell global grid)
and suncalc omits atmospheric refraction, which matters for low sun.

Conventions: latitudes north positive, longitudes east positive, times as UTC instants;
elevation is the apparent elevation (with NOAA's refraction correction) unless stated;
azimuth in degrees clockwise from north.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import numpy as np

_UNIX_EPOCH_JD = 2440587.5
_J2000_JD = 2451545.0

ArrayLike = Any  # a float, a sequence or a numpy array; numpy broadcasting rules apply


@dataclass(frozen=True)
class SunEphemeris:
    """The time-only part of the sun's position: declination and equation of time."""

    declination_deg: np.ndarray
    equation_of_time_min: np.ndarray
    greenwich_hour_angle_deg: np.ndarray  # hour angle at longitude 0, in [-180, 180)


@dataclass(frozen=True)
class SolarPosition:
    """Where the sun stands for an observer: elevation (apparent), azimuth, and the geometry."""

    elevation_deg: np.ndarray
    azimuth_deg: np.ndarray
    geometric_elevation_deg: np.ndarray
    hour_angle_deg: np.ndarray
    declination_deg: np.ndarray

    @property
    def zenith_deg(self) -> np.ndarray:
        return 90.0 - self.elevation_deg


def unix_seconds(when: ArrayLike) -> np.ndarray:
    """UTC instants as float seconds since 1970. Naive datetimes are refused: say the zone."""
    if isinstance(when, datetime):
        if when.tzinfo is None:
            raise ValueError("a naive datetime is ambiguous: give its UTC offset")
        return np.asarray(when.timestamp(), dtype=float)
    arr = np.asarray(when)
    if arr.dtype.kind == "M":
        return arr.astype("datetime64[ms]").astype(np.int64) / 1000.0
    if arr.dtype == object:
        return np.vectorize(lambda d: unix_seconds(d).item(), otypes=[float])(arr)
    return arr.astype(float)


def from_unix_seconds(seconds: float) -> datetime:
    return datetime.fromtimestamp(float(seconds), tz=UTC)


def sun_ephemeris(when: ArrayLike) -> SunEphemeris:
    """Declination, equation of time and Greenwich hour angle at UTC instants (NOAA)."""
    t = unix_seconds(when)
    jd = t / 86400.0 + _UNIX_EPOCH_JD
    jc = (jd - _J2000_JD) / 36525.0  # Julian centuries since J2000.0
    l0 = np.mod(280.46646 + jc * (36000.76983 + jc * 0.0003032), 360.0)
    m = 357.52911 + jc * (35999.05029 - 0.0001537 * jc)
    e = 0.016708634 - jc * (0.000042037 + 0.0000001267 * jc)
    m_rad = np.radians(m)
    centre = (
        np.sin(m_rad) * (1.914602 - jc * (0.004817 + 0.000014 * jc))
        + np.sin(2 * m_rad) * (0.019993 - 0.000101 * jc)
        + np.sin(3 * m_rad) * 0.000289
    )
    omega = np.radians(125.04 - 1934.136 * jc)
    apparent_long = np.radians(l0 + centre - 0.00569 - 0.00478 * np.sin(omega))
    arcsec = 21.448 - jc * (46.815 + jc * (0.00059 - jc * 0.001813))
    mean_obliq = 23.0 + (26.0 + arcsec / 60.0) / 60.0
    obliq = np.radians(mean_obliq + 0.00256 * np.cos(omega))
    declination = np.degrees(np.arcsin(np.sin(obliq) * np.sin(apparent_long)))
    y = np.tan(obliq / 2.0) ** 2
    l0_rad = np.radians(l0)
    eot = 4.0 * np.degrees(
        y * np.sin(2 * l0_rad)
        - 2 * e * np.sin(m_rad)
        + 4 * e * y * np.sin(m_rad) * np.cos(2 * l0_rad)
        - 0.5 * y * y * np.sin(4 * l0_rad)
        - 1.25 * e * e * np.sin(2 * m_rad)
    )
    minutes = np.mod(t, 86400.0) / 60.0
    gha = np.mod((minutes + eot) / 4.0, 360.0) - 180.0
    return SunEphemeris(declination, eot, gha)


def refraction_deg(geometric_elevation_deg: ArrayLike) -> np.ndarray:
    """NOAA's atmospheric refraction correction (degrees) for a geometric elevation."""
    el = np.asarray(geometric_elevation_deg, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        te = np.tan(np.radians(el))
        high = 58.1 / te - 0.07 / te**3 + 0.000086 / te**5
        low = 1735.0 + el * (-518.2 + el * (103.4 + el * (-12.79 + el * 0.711)))
        below = -20.772 / te
    arcsec = np.where(el > 85.0, 0.0, np.where(el > 5.0, high, np.where(el > -0.575, low, below)))
    return arcsec / 3600.0


def geometric_from_apparent(apparent_elevation_deg: ArrayLike) -> np.ndarray:
    """The geometric elevation whose refracted (apparent) elevation is the one given.

    Solved by fixed-point iteration; the refraction changes by far less than one degree
    per degree of elevation, so it converges in a few steps.
    """
    app = np.asarray(apparent_elevation_deg, dtype=float)
    geo = app - refraction_deg(app)
    for _ in range(30):
        geo = app - refraction_deg(geo)
    return geo


def solar_position(
    lat: ArrayLike, lon: ArrayLike, when: ArrayLike, *, refraction: bool = True
) -> SolarPosition:
    """Sun elevation and azimuth for observers at (lat, lon) at UTC instants ``when``.

    The three arguments broadcast against each other like numpy arrays.
    """
    eph = sun_ephemeris(when)
    lat_a = np.asarray(lat, dtype=float)
    lon_a = np.asarray(lon, dtype=float)
    hour_angle = np.mod(eph.greenwich_hour_angle_deg + lon_a + 180.0, 360.0) - 180.0
    geo, az = elevation_azimuth(lat_a, hour_angle, eph.declination_deg)
    app = geo + refraction_deg(geo) if refraction else geo
    dec = np.broadcast_to(eph.declination_deg, np.broadcast(lat_a, hour_angle).shape)
    return SolarPosition(app, az, geo, hour_angle, dec)


def elevation_azimuth(
    lat: ArrayLike, hour_angle_deg: ArrayLike, declination_deg: ArrayLike
) -> tuple[np.ndarray, np.ndarray]:
    """Geometric elevation and azimuth from latitude, local hour angle and declination."""
    phi = np.radians(lat)
    h = np.radians(hour_angle_deg)
    dec = np.radians(declination_deg)
    sin_el = np.sin(phi) * np.sin(dec) + np.cos(phi) * np.cos(dec) * np.cos(h)
    el = np.degrees(np.arcsin(np.clip(sin_el, -1.0, 1.0)))
    az = np.degrees(np.arctan2(np.sin(h), np.cos(h) * np.sin(phi) - np.tan(dec) * np.cos(phi)))
    return el, np.mod(az + 180.0, 360.0)


def elevation_from_shadow(object_height: float, shadow_length: float) -> float:
    """Sun elevation (degrees) from an upright object's height and its shadow's length.

    Both lengths in the same unit, on level ground.
    """
    if not object_height > 0 or not shadow_length > 0:
        raise ValueError("object height and shadow length must both be positive")
    return float(np.degrees(np.arctan2(object_height, shadow_length)))


def sun_azimuth_from_shadow_bearing(shadow_bearing_deg: float) -> float:
    """A shadow points away from the sun: the sun's azimuth is the bearing plus 180."""
    return float((shadow_bearing_deg + 180.0) % 360.0)
