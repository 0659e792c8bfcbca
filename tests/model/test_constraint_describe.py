"""Every constraint describes itself in one line, a negation always as a negation."""

from __future__ import annotations

import numpy as np
import pytest
from pydantic import TypeAdapter

from geosleuth.agent.investigator import COUNTRY_STRENGTH, ClueInput, read_input
from geosleuth.model import (
    BandConstraint,
    BoxConstraint,
    CountryConstraint,
    GeoConstraint,
    PointConstraint,
    PolygonConstraint,
    RasterConstraint,
)

POINT = {"lat": 38.7223, "lon": -9.1393, "radius_km": 5.0}
SQUARE = {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]]]}


def test_a_point_and_its_negation() -> None:
    near = PointConstraint(**POINT, strength=0.9)
    assert near.describe() == "near 38.72230, -9.13930 (±5 km; strength 0.90)"
    assert near.describe(scores=False) == "near 38.72230, -9.13930 (±5 km)"
    away = PointConstraint(**POINT, strength=0.98, negate=True)
    assert away.describe() == "not within 5 km of 38.72230, -9.13930 (strength 0.98)"
    assert away.describe(scores=False) == "not within 5 km of 38.72230, -9.13930"
    assert "near" not in away.describe()


def _country(text: str) -> CountryConstraint:
    item: ClueInput = read_input(text)
    return item.clue.constraint(COUNTRY_STRENGTH)  # type: ignore[union-attr]


@pytest.mark.parametrize("constraint", [
    CountryConstraint(weights={"PT": 0.0}, default=1.0, strength=0.9),  # the clue's encoding
    CountryConstraint(weights={"PT": 1.0}, negate=True, strength=0.9),  # negate=True
    _country("not-country: PT"),
])
def test_not_in_a_country_reads_as_a_negation_however_it_is_encoded(
        constraint: CountryConstraint) -> None:
    assert constraint.describe() == "not in PT (strength 0.90)"
    assert constraint.describe(scores=False) == "not in PT"


def test_countries_in_and_out() -> None:
    assert _country("country: PT").describe() == "in PT (strength 0.90)"
    several = CountryConstraint(weights={"PT": 1.0, "BR": 0.6, "AO": 0.3}, default=0.1,
                                strength=0.5)
    assert several.describe() == ("in PT, BR or AO (PT 1.00, BR 0.60, AO 0.30, elsewhere 0.10;"
                                  " strength 0.50)")
    assert several.describe(scores=False) == "in PT, BR or AO"
    # "in X" negated is "not in X"; "not in X" negated is "in X"
    assert CountryConstraint(weights={"PT": 1.0}, negate=True).describe(
        scores=False) == "not in PT"
    assert CountryConstraint(weights={"PT": 0.0}, default=1.0, negate=True).describe(
        scores=False) == "in PT"
    two = CountryConstraint(weights={"ES": 0.2, "FR": 0.0}, default=1.0)
    assert two.describe() == "not in FR or ES (FR 0.00, ES 0.20, elsewhere 1.00; strength 0.80)"
    many = CountryConstraint(weights={c: 1.0 for c in ("PT", "BR", "AO", "MZ", "GW", "CV")})
    assert many.describe(scores=False) == "in AO, BR, CV, GW, MZ or 1 more"
    assert CountryConstraint(weights={"ES": 1.0}, default=0.8).describe(
        scores=False) == "more likely in ES"


def test_areas_and_their_negations() -> None:
    box = {"south": 1, "west": 10, "north": 2, "east": 12}
    assert BoxConstraint(**box).describe(scores=False) == "inside the box S1 W10 N2 E12"
    assert BoxConstraint(**box, negate=True).describe() == (
        "outside the box S1 W10 N2 E12 (strength 0.80)")
    wraps = BoxConstraint(south=1, west=170, north=2, east=-170)
    assert wraps.describe(scores=False).endswith("(across the antimeridian)")
    assert BandConstraint(axis="lat", low=30, high=40).describe() == (
        "latitude between 30 and 40 (strength 0.80)")
    assert BandConstraint(axis="lon", low=-10, high=5, negate=True).describe(
        scores=False) == "longitude outside -10..5"
    assert PolygonConstraint(geometry=SQUARE).describe(scores=False) == "inside a polygon"
    multi = {"type": "MultiPolygon", "coordinates": [SQUARE["coordinates"]] * 2}
    assert PolygonConstraint(geometry=multi, negate=True).describe(
        scores=False) == "outside a multipolygon of 2 parts"
    grid = RasterConstraint.from_array(np.ones((3, 4)), south=0, west=0, north=1, east=2)
    assert grid.describe(scores=False) == "in the likely cells of a 3×4 raster over S0 W0 N1 E2"
    negated = grid.model_copy(update={"negate": True})
    assert negated.describe(scores=False).startswith("outside the likely cells")


def test_a_case_record_constraint_describes_itself_the_same() -> None:
    adapter = TypeAdapter(GeoConstraint)
    for c in (PointConstraint(**POINT, negate=True), _country("not-country: ES")):
        again = adapter.validate_python(c.model_dump(mode="json"))
        assert again.describe() == c.describe()


def test_a_constraint_refuses_infinite_and_nan_numbers() -> None:
    import math

    import pytest
    from pydantic import ValidationError

    from geosleuth.model import CountryConstraint, PointConstraint

    for bad in (math.inf, math.nan):
        with pytest.raises(ValidationError):
            PointConstraint(lat=1.0, lon=2.0, radius_km=bad)
        with pytest.raises(ValidationError):
            CountryConstraint(weights={"FR": bad})
