"""The investigator's clue strings: parsed into typed clues, or refused with one clear line."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

from geosleuth.agent.clues import (
    CountryClue,
    ShadowClue,
    SunClue,
    TimeClue,
    parse_clue,
    parse_clues,
    sun_measurement_clue,
    time_clue,
)
from geosleuth.errors import BadInputError
from geosleuth.model import CountryConstraint


def test_shadow_clue() -> None:
    clue = parse_clue("shadow: height=1.8m length=2.4m")
    assert isinstance(clue, ShadowClue)
    assert (clue.object_height_m, clue.shadow_length_m) == (1.8, 2.4)
    assert clue.shadow_bearing_deg is None and clue.tolerance_deg == 1.5
    meas = clue.measurement()
    assert meas.elevation_deg == pytest.approx(36.8699, abs=1e-4)
    assert clue.text == "shadow: height=1.8m length=2.4m"


def test_shadow_units_bearing_and_tolerance() -> None:
    clue = parse_clue("Shadow: height=180cm, length=8ft bearing=405 tolerance=0.5")
    assert isinstance(clue, ShadowClue)
    assert clue.object_height_m == pytest.approx(1.8)
    assert clue.shadow_length_m == pytest.approx(8 * 0.3048)
    assert clue.shadow_bearing_deg == 45.0 and clue.tolerance_deg == 0.5
    assert clue.measurement().azimuth_deg == 225.0  # the sun is opposite the shadow


@pytest.mark.parametrize("text", ["sun: elevation=35±2", "sun: elevation=35+-2",
                                  "sun: elevation=35° tolerance=2", "sun: altitude=35+/-2"])
def test_sun_clue_tolerance_spellings(text: str) -> None:
    clue = parse_clue(text)
    assert isinstance(clue, SunClue)
    assert (clue.elevation_deg, clue.tolerance_deg) == (35.0, 2.0)


def test_sun_clue_with_azimuth() -> None:
    clue = parse_clue("sun: elevation=20 azimuth=-90±10")
    assert isinstance(clue, SunClue)
    assert clue.azimuth_deg == 270.0 and clue.azimuth_tolerance_deg == 10.0
    assert clue.measurement().azimuth_deg == 270.0


def test_time_clues() -> None:
    aware = parse_clue("time: 2024-06-01T14:30+02:00")
    assert isinstance(aware, TimeClue)
    assert aware.when == datetime(2024, 6, 1, 14, 30, tzinfo=timezone(timedelta(hours=2)))
    assert aware.window().hours == 0
    naive = parse_clue("time: 2024-06-01 14:30")
    assert isinstance(naive, TimeClue) and naive.when == datetime(2024, 6, 1, 14, 30)
    assert not naive.window().offset_known
    utc = parse_clue("time: 2024-06-01T14:30Z")
    assert isinstance(utc, TimeClue) and utc.when is not None
    assert utc.when.utcoffset() == timedelta(0)
    day = parse_clue("time: 2024-06-01")
    assert isinstance(day, TimeClue) and day.day == date(2024, 6, 1) and day.when is None
    windowed = parse_clue("date: 2024-06-01 hours=9:30-11 offset=-05:00")
    assert isinstance(windowed, TimeClue)
    assert windowed.hours == (9.5, 11.0) and windowed.offset == timedelta(hours=-5)
    assert windowed.window().hours == 1.5


def test_country_clues() -> None:
    inside = parse_clue("country: fr, BE")
    assert isinstance(inside, CountryClue) and inside.codes == ("FR", "BE") and not inside.negated
    outside = parse_clue("not-country: FR")
    assert isinstance(outside, CountryClue) and outside.negated
    constraint = outside.constraint()
    assert isinstance(constraint, CountryConstraint)
    assert constraint.weights == {"FR": 0.0} and constraint.default == 1.0


def test_finders() -> None:
    clues = parse_clues(["country: FR", "time: 2024-06-01", "sun: elevation=30",
                         "shadow: height=1 length=1"])
    assert isinstance(sun_measurement_clue(clues), SunClue)
    assert isinstance(time_clue(clues), TimeClue)
    assert sun_measurement_clue(parse_clues(["country: FR"])) is None


@pytest.mark.parametrize(
    ("text", "match"),
    [
        ("shadow: height=1.8m length=0m", "greater than zero"),
        ("shadow: height=-1 length=2", "greater than zero"),
        ("shadow: height=1.8m", "needs height"),
        ("shadow: height=1.8 parsecs length=2", "cannot read"),
        ("shadow: height=1.8m length=2m colour=red", "unknown key"),
        ("sun: elevation=95", "impossible"),
        ("sun: elevation=30±0", "positive"),
        ("sun: azimuth=200", "elevation="),
        ("sun: elevation=abc", "not an angle"),
        ("time: 14:30", "no date"),
        ("time: 14:30+02:00", "no date"),
        ("time: 2024-13-01", "calendar date"),
        ("time: yesterday", "ISO time"),
        ("time: 2024-06-01T14:30+02:00 offset=+01:00", "already carries"),
        ("date: 2024-06-01 hours=16-14", "forwards"),
        ("date: 2024-06-01 offset=+15:00", "does not exist"),
        ("country: XX", "alpha-2"),
        ("country: Narnia", "alpha-2"),
        ("weather: sunny", "not understood"),
        ("shadow 1.8 2.4", "not understood"),
        ("sun:", "empty"),
    ],
)
def test_nonsense_is_refused(text: str, match: str) -> None:
    with pytest.raises(BadInputError, match=match):
        parse_clue(text)
