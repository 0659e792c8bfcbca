"""The fusion on constructed evidence: where the mass goes and what the confidence says."""

import numpy as np
import pytest

from geosleuth.fusion import fuse
from geosleuth.fusion.likelihood import profile
from geosleuth.fusion.posterior import posterior
from geosleuth.fusion.verdicts import mass_within, verdict_level
from geosleuth.geo.distance import geodesic_km
from geosleuth.model import (
    BandConstraint,
    BoxConstraint,
    CountryConstraint,
    Evidence,
    PointConstraint,
    RasterConstraint,
)


def ev(eid: str, constraint) -> Evidence:
    return Evidence(id=eid, tool="test", tool_version="1", summary=eid, constraint=constraint)


def _iberia(lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    """A toy country lookup: a box around Portugal is PT, everything else sea."""
    return np.where((lat > 36) & (lat < 42.5) & (lon > -9.6) & (lon < -6), "PT", "").astype("<U2")


VADUZ = (47.1410, 9.5209)
LISBON = (38.7223, -9.1393)


def test_no_constraints_means_no_answer() -> None:
    result = fuse([Evidence(id="E1", tool="t", tool_version="1", summary="nothing")])
    assert result.verdict.level == "unknown"
    assert result.verdict.lat is None and result.verdict.confidence == 0.0
    assert result.hypotheses == []


def test_gps_fix_gives_exact_verdict_within_50_m() -> None:
    result = fuse(
        [ev("E1", PointConstraint(lat=VADUZ[0], lon=VADUZ[1], radius_km=0.03, strength=0.97))]
    )
    v = result.verdict
    assert geodesic_km(v.lat, v.lon, *VADUZ) < 0.05
    assert v.radius_km <= 0.05 and v.level == "exact"
    assert v.confidence > 0.75
    assert result.hypotheses[0].supported_by == ["E1"]


def test_conflict_lowers_confidence_and_is_linked() -> None:
    gps = ev("E1", PointConstraint(lat=VADUZ[0], lon=VADUZ[1], radius_km=0.03, strength=0.97))
    sign = ev("E2", PointConstraint(lat=LISBON[0], lon=LISBON[1], radius_km=10, strength=0.7))
    alone = mass_within(posterior([gps], None), *VADUZ, 0.05)
    assert mass_within(posterior([gps, sign], None), *VADUZ, 0.05) < alone
    both = fuse([gps, sign])
    assert geodesic_km(both.verdict.lat, both.verdict.lon, *VADUZ) < 0.05
    assert "E2" in both.hypotheses[0].contradicted_by
    second = both.hypotheses[1]
    assert geodesic_km(second.lat, second.lon, *LISBON) < 10
    assert second.supported_by == ["E2"]


def test_agreeing_clues_raise_confidence() -> None:
    name = ev("E1", PointConstraint(lat=LISBON[0], lon=LISBON[1], radius_km=15, strength=0.6))
    lang = ev("E2", CountryConstraint(weights={"PT": 1.0, "BR": 1.0}, strength=0.6))
    one = mass_within(posterior([name], None), *LISBON, 25)
    two = mass_within(posterior([name, lang], _iberia), *LISBON, 25)
    assert two > one


def test_confidence_is_mass_within_radius_not_more_than_one() -> None:
    pts = [
        ev(f"E{i}", PointConstraint(lat=LISBON[0], lon=LISBON[1], radius_km=5, strength=0.9))
        for i in range(5)
    ]
    v = fuse(pts).verdict
    assert 0.9 < v.confidence <= 1.0


def test_band_box_and_raster_profiles() -> None:
    lat = np.array([10.0, 50.0, 50.0])
    lon = np.array([179.5, -179.5, 0.0])
    r = np.array([1.0, 1.0, 1.0])
    wrap = BandConstraint(axis="lon", low=170.0, high=-170.0)
    assert profile(wrap, lat, lon, r, None).tolist() == [1.0, 1.0, 0.0]
    box = BoxConstraint(south=40, west=-10, north=60, east=10)
    assert profile(box, lat, lon, r, None).tolist() == [0.0, 0.0, 1.0]
    grid = np.zeros((18, 36))
    grid[4, 18] = 1.0  # 40..50 N, 0..10 E
    raster = RasterConstraint.from_array(grid, south=-90, west=-180, north=90, east=180)
    got = profile(raster, np.array([45.0, -45.0]), np.array([5.0, 5.0]), np.array([1.0, 1.0]), None)
    assert got.tolist() == [1.0, 0.0]


def test_negated_constraint_moves_mass_away() -> None:
    near = ev("E1", PointConstraint(lat=LISBON[0], lon=LISBON[1], radius_km=10, strength=0.7))
    not_there = ev(
        "E2",
        PointConstraint(lat=LISBON[0], lon=LISBON[1], radius_km=30, strength=0.95, negate=True),
    )
    before = mass_within(posterior([near], None), *LISBON, 25)
    assert mass_within(posterior([near, not_there], None), *LISBON, 25) < before / 2


def test_country_constraint_uses_lookup() -> None:
    result = fuse(
        [ev("E1", CountryConstraint(weights={"PT": 1.0}, strength=0.99))], countries=_iberia
    )
    h = result.hypotheses[0]
    assert 36 < h.lat < 42.5 and -9.6 < h.lon < -6
    assert h.supported_by == ["E1"]


@pytest.mark.parametrize("lat,lon", [(89.9, 0.0), (-89.9, 45.0), (0.0, 179.99), (10.0, -179.99)])
def test_extreme_places(lat: float, lon: float) -> None:
    v = fuse([ev("E1", PointConstraint(lat=lat, lon=lon, radius_km=1.0, strength=0.95))]).verdict
    assert geodesic_km(v.lat, v.lon, lat, lon) < 1.0


@pytest.mark.parametrize("strength", [0.5, 0.7, 0.9])
def test_area_clue_strength_is_the_probability_of_its_region(strength: float) -> None:
    """A country clue of strength s puts at least s of the probability in the country,
    however small its prior share of the world is."""
    clue = ev("E1", CountryConstraint(weights={"PT": 1.0}, strength=strength))
    post = posterior([clue], _iberia)
    in_pt = _iberia(post.cells.lat, post.cells.lon) == "PT"
    assert strength <= post.mass[in_pt].sum() < strength + 0.05


def test_wide_verdict_in_one_country_is_country_level() -> None:
    post = posterior([ev("E1", CountryConstraint(weights={"PT": 1.0}, strength=0.99))], _iberia)
    assert verdict_level(post, 39.5, -8.0, 1500, "PT", _iberia)[0] == "country"
    assert verdict_level(post, 39.5, -8.0, 1500, "ES", _iberia)[0] == "continent"
    assert verdict_level(post, 39.5, -8.0, 20, "PT", _iberia)[0] == "city"


def test_a_wide_weak_best_guess_is_no_answer_but_keeps_its_hypotheses() -> None:
    weak = ev("E1", BandConstraint(axis="lon", low=-30.0, high=60.0, strength=0.3))
    result = fuse([weak])
    assert result.verdict.level == "unknown" and result.verdict.lat is None
    assert "too wide and too weak" in result.verdict.rationale
    assert result.hypotheses and result.hypotheses[0].radius_km == 2500


def test_a_ring_thinner_than_a_grid_cell_still_counts() -> None:
    """One distance on a sign is a thin ring (here ~12 km around Gothenburg, 0.01° pixels):
    much smaller than a base cell, it must still pull the posterior onto itself."""
    rows, cols = 40, 80
    south, north, west, east = 57.5, 57.9, 11.6, 12.4
    lat = north - (np.arange(rows) + 0.5) * (north - south) / rows
    lon = west + (np.arange(cols) + 0.5) * (east - west) / cols
    d = np.array([[geodesic_km(a, o, 57.7089, 11.9746) for o in lon] for a in lat])
    ring = RasterConstraint.from_array(
        (np.abs(d - 12.0) < 2.0).astype(float),
        south=south,
        west=west,
        north=north,
        east=east,
        strength=0.8,
    )
    country = CountryConstraint(weights={"SE": 1.0}, default=0.05, strength=0.6)
    result = fuse([ev("E1", ring), ev("E2", country)])
    h = result.hypotheses[0]
    assert geodesic_km(h.lat, h.lon, 57.7089, 11.9746) < 25
    assert result.verdict.confidence > 0.5


def test_a_verdict_states_the_probability_of_its_country() -> None:
    from geosleuth.agent.state import Submission
    from geosleuth.fusion.verdicts import country_mass, verdict_from_submission
    from geosleuth.model import CountryConstraint, Evidence, Place, PointConstraint

    def countries(lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
        return np.where((lon < -6.2) & (lat < 42.2) & (lat > 36.9), "PT", "ES")

    def describe(lat: float, lon: float) -> Place:
        code = str(countries(np.array([lat]), np.array([lon]))[0])
        return Place(country_code=code, country={"PT": "Portugal", "ES": "Spain"}[code])

    def ev(eid: str, constraint: object) -> Evidence:
        return Evidence(id=eid, tool="t", tool_version="1", summary=eid,
                        constraint=constraint)  # type: ignore[arg-type]

    evidence = [ev("E1", CountryConstraint(weights={"PT": 1.0}, strength=0.9)),
                ev("E2", PointConstraint(lat=38.7223, lon=-9.1393, radius_km=5, strength=0.5))]
    result = fuse(evidence, countries=countries, describe=describe)
    post = result.posterior
    in_pt = float(post.mass[countries(post.cells.lat, post.cells.lon) == "PT"].sum())
    assert 0.9 <= in_pt <= 1.0
    v = result.verdict
    assert v.country_code == "PT" and v.country_confidence == pytest.approx(in_pt, abs=1e-3)
    assert v.country_confidence > v.confidence  # the country holds more than the circle
    # a submitted circle states it too; without a country lookup nothing is claimed
    sub = Submission(lat=38.72, lon=-9.14, radius_km=10)
    assert verdict_from_submission(sub, post, describe, countries).country_confidence == (
        pytest.approx(in_pt, abs=1e-3))
    assert country_mass(post, "PT", None) is None
    assert country_mass(post, "ES", countries) == pytest.approx(1 - in_pt, abs=1e-3)


def test_a_wide_weak_circle_that_holds_enough_in_full_answers_by_the_best_circle_inside() -> None:
    """A Brazilian plate: 0.37 within 25 km of the town its tarja names (taken first),
    0.42 in 2,500 km around Brazil without it. Counted in full the wide circle holds 0.79,
    so the answer is inside it, at its most probable circle: the town, not a fainter one,
    nor one abroad. Counted in full and still under one half, there is no answer."""
    from geosleuth.fusion.fuse import nested_answer
    from geosleuth.model import Hypothesis

    brazil = Hypothesis(id="H1", lat=-12.0, lon=-50.0, radius_km=2500.0, score=0.42)
    town = Hypothesis(id="H2", lat=-20.85, lon=-41.11, radius_km=25.0, score=0.37)
    abroad = Hypothesis(id="H3", lat=40.0, lon=-3.7, radius_km=25.0, score=0.4)
    faint = Hypothesis(id="H4", lat=-23.5, lon=-46.6, radius_km=25.0, score=0.05)
    assert nested_answer(brazil, [brazil, abroad, faint, town], held=0.84) == town
    assert nested_answer(brazil, [brazil, abroad, faint], held=0.52) == faint
    assert nested_answer(brazil, [brazil, abroad, faint, town], held=0.49) is None
    assert nested_answer(brazil, [brazil, abroad], held=0.6) is None
