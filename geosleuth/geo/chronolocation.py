"""Chronolocation: the times of day at which a place sees the sun as measured.

The inverse of the locus: a place and a measurement give the local times of day that
match (:func:`matching_times`), and say whether a claimed capture time (EXIF) agrees
with the measured shadow (:func:`check_time`). Also the sun at one place and instant
(:func:`sun_at`) and its highest elevation on a date (:func:`max_elevation_on`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, timezone
from typing import Any

import numpy as np

from geosleuth.errors import BadInputError
from geosleuth.geo.runs import true_runs
from geosleuth.geo.sun import refraction_deg, solar_position, sun_ephemeris, unix_seconds
from geosleuth.geo.sun_measurement import SunMeasurement


@dataclass(frozen=True)
class TimeInterval:
    """A stretch of local time (in the offset given) during which the sun matches."""

    start: datetime
    end: datetime

    def as_dict(self) -> dict[str, str]:
        return {"start": self.start.isoformat(timespec="minutes"),
                "end": self.end.isoformat(timespec="minutes")}


def _day_samples(day: date, offset: timedelta, step_s: float) -> tuple[np.ndarray, datetime]:
    start_local = datetime.combine(day, time(0), tzinfo=timezone(offset))
    t0 = start_local.timestamp()
    return t0 + np.arange(0.0, 86400.0 + step_s, step_s), start_local


def matching_times(
    lat: float, lon: float, day: date, offset: timedelta, measurement: SunMeasurement,
    *, step_s: float = 20.0,
) -> list[TimeInterval]:
    """Local times on ``day`` (at UTC ``offset``) when the sun at (lat, lon) matches."""
    _check_place(lat, lon)
    seconds, start_local = _day_samples(day, offset, step_s)
    ok = _matches(lat, lon, seconds, measurement)
    out: list[TimeInterval] = []
    for a, b in true_runs(ok):
        t_a = start_local + timedelta(seconds=float(seconds[a] - seconds[0]))
        t_b = start_local + timedelta(seconds=float(seconds[b - 1] - seconds[0]))
        out.append(TimeInterval(t_a, t_b))
    return out


def _matches(lat: float, lon: float, seconds: np.ndarray, meas: SunMeasurement) -> np.ndarray:
    pos = solar_position(lat, lon, seconds)
    ok = np.abs(pos.elevation_deg - meas.elevation_deg) <= meas.tolerance_deg
    if meas.azimuth_deg is not None:
        diff = np.abs(np.mod(pos.azimuth_deg - meas.azimuth_deg + 180.0, 360.0) - 180.0)
        ok &= diff <= meas.azimuth_tolerance_deg
    return ok


@dataclass(frozen=True)
class TimeCheck:
    """Does a claimed capture time agree with the measured sun at a place?"""

    consistent: bool
    when: datetime
    elevation_deg: float
    azimuth_deg: float
    elevation_error_deg: float
    nearest_match: datetime | None
    clock_shift_min: float | None

    def as_dict(self) -> dict[str, Any]:
        return {
            "consistent": self.consistent,
            "when": self.when.isoformat(timespec="seconds"),
            "sun_elevation_deg": round(self.elevation_deg, 3),
            "sun_azimuth_deg": round(self.azimuth_deg, 3),
            "elevation_error_deg": round(self.elevation_error_deg, 3),
            "nearest_match": None if self.nearest_match is None
            else self.nearest_match.isoformat(timespec="minutes"),
            "clock_shift_min": None if self.clock_shift_min is None
            else round(self.clock_shift_min, 1),
        }

    def describe(self) -> str:
        head = (f"at {self.when.isoformat(timespec='minutes')} the sun stood at "
                f"{self.elevation_deg:.1f}° (azimuth {self.azimuth_deg:.0f}°)")
        if self.consistent:
            return head + ": consistent with the measurement"
        if self.nearest_match is None:
            return head + ": the measured sun never occurs there within a day of that time"
        return (head + f": inconsistent; the nearest matching time is "
                f"{self.nearest_match.isoformat(timespec='minutes')} "
                f"({self.clock_shift_min:+.0f} min): a wrong clock, zone or place?")


def check_time(
    lat: float, lon: float, when: datetime, measurement: SunMeasurement,
    *, step_s: float = 20.0,
) -> TimeCheck:
    """Whether the sun at (lat, lon) at ``when`` (aware) matches the measurement.

    If not, the nearest time within a day either way that matches, and the clock shift
    that it implies (a hint of a wrong camera clock, a wrong zone, or an edited file).
    """
    _check_place(lat, lon)
    if when.tzinfo is None:
        raise BadInputError(f"{when.isoformat()} has no UTC offset; give one (e.g. +02:00)")
    t = float(unix_seconds(when))
    pos = solar_position(lat, lon, t)
    el, az = float(pos.elevation_deg), float(pos.azimuth_deg)
    error = el - measurement.elevation_deg
    consistent = bool(_matches(lat, lon, np.array([t]), measurement)[0])
    nearest: datetime | None = None
    shift: float | None = None
    if not consistent:
        seconds = t + np.arange(-86400.0, 86400.0 + step_s, step_s)
        ok = _matches(lat, lon, seconds, measurement)
        if ok.any():
            idx = np.flatnonzero(ok)
            best = idx[np.argmin(np.abs(seconds[idx] - t))]
            shift = float(seconds[best] - t) / 60.0
            nearest = when + timedelta(minutes=shift)
    return TimeCheck(consistent, when, el, az, error, nearest, shift)


def sun_at(lat: float, lon: float, when: datetime) -> tuple[float, float]:
    """Apparent elevation and azimuth (degrees) of the sun at one place and aware instant."""
    _check_place(lat, lon)
    if when.tzinfo is None:
        raise BadInputError(f"{when.isoformat()} has no UTC offset; give one (e.g. +02:00)")
    pos = solar_position(lat, lon, when)
    return float(pos.elevation_deg), float(pos.azimuth_deg)


def _check_place(lat: float, lon: float) -> None:
    if not (-90.0 <= lat <= 90.0 and -180.0 <= lon <= 180.0):
        raise BadInputError(f"({lat}, {lon}) is not a place: latitude -90..90, longitude -180..180")


def max_elevation_on(lat: float, day: date) -> float:
    """The sun's highest apparent elevation at a latitude on a date (at solar noon)."""
    dec = float(sun_ephemeris(datetime.combine(day, time(12), tzinfo=UTC)).declination_deg)
    geo = 90.0 - abs(lat - dec)
    return float(geo + refraction_deg(geo))
