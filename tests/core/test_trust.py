"""Verdicts that can be trusted: strengths that mean probabilities, dependent clues counted
once, a camera fix not outvoted by many weak readings, the investigator's word holding,
and labels that say what a circle covers."""

from __future__ import annotations

import numpy as np
import pytest

from geosleuth.fusion import fuse
from geosleuth.fusion.groups import CAPS, groups
from geosleuth.fusion.posterior import posterior
from geosleuth.fusion.verdicts import mass_within
from geosleuth.geo.distance import haversine_km
from geosleuth.model import Basis, CountryConstraint, Evidence, Place, PointConstraint

PARIS = (48.8566, 2.3522)
LIBYAN_DESERT = (24.5, 17.5)
WASHINGTON = (38.8893, -77.0502)  # Lincoln Memorial
MANHATTAN = (40.7411, -73.9897)
LISBON = (38.7223, -9.1393)


def ev(eid: str, constraint, basis: Basis = "computed", **kw) -> Evidence:
    return Evidence(id=eid, tool="test", tool_version="1", summary=eid, constraint=constraint,
                    basis=basis, **kw)


def _iberia(lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    """A toy country lookup: Portugal and Spain as boxes, everything else sea."""
    out = np.full(len(lat), "", dtype="<U2")
    out[(lat > 36.9) & (lat < 42.2) & (lon > -9.6) & (lon < -7.0)] = "PT"
    out[(lat > 36.0) & (lat < 43.8) & (lon >= -7.0) & (lon < 3.3)] = "ES"
    return out


@pytest.mark.parametrize("where", [PARIS, LIBYAN_DESERT], ids=["dense", "sparse"])
def test_a_point_strength_is_the_probability_it_gives_its_circle(where) -> None:
    """0.5 means one half, in Paris as in the desert: the prior does not scale it."""
    lat, lon = where
    clue = PointConstraint(lat=lat, lon=lon, radius_km=10.0, strength=0.5)
    post = posterior([ev("E1", clue)], None)
    assert 0.45 <= mass_within(post, lat, lon, 10.0) <= 0.6


@pytest.mark.parametrize("floor", [0.0, 0.05, 0.2])
def test_a_country_strength_is_the_probability_it_gives_its_countries(floor: float) -> None:
    """The weight a country clue gives the countries it does not name says nothing about
    the place: a plate format of strength 0.8 puts 0.8 (and the prior's share of the
    rest) in its country, whatever that weight (with 0.2 it used to put 0.69 there)."""
    from geosleuth.fusion.verdicts import country_mass

    plate = CountryConstraint(weights={"PT": 1.0}, default=floor, strength=0.8)
    post = posterior([ev("E1", plate)], _iberia)
    pt = country_mass(post, "PT", _iberia)
    assert pt is not None and 0.8 <= pt <= 0.82


def test_clues_of_one_witness_are_trusted_once() -> None:
    """Four readings of one sign agreeing on a town are one witness, not four."""
    town = (41.15, -8.61)
    readings = [ev(f"E{i}", PointConstraint(lat=town[0], lon=town[1], radius_km=8.0,
                                            strength=0.5), "read") for i in range(1, 5)]
    as_one = mass_within(posterior(readings, None), *town, 8.0)
    alone = mass_within(posterior(readings[:1], None), *town, 8.0)
    assert as_one == pytest.approx(alone, abs=0.05)
    assert as_one < 0.6
    independent = [e.model_copy(update={"basis": "computed"}) for e in readings]
    assert mass_within(posterior(independent, None), *town, 8.0) > 0.9


def test_a_basis_caps_what_a_tool_may_claim() -> None:
    overclaim = ev("E1", PointConstraint(lat=1.0, lon=2.0, radius_km=1.0, strength=1.0), "read")
    (group,) = groups([overclaim])
    assert group.strength == CAPS["read"] and group.members[0].strength == CAPS["read"]


def test_a_gps_fix_is_not_outvoted_by_many_weak_matches() -> None:
    """Fifteen caption words matched to Manhattan shops do not move a Washington fix."""
    fix = ev("E1", PointConstraint(lat=WASHINGTON[0], lon=WASHINGTON[1], radius_km=0.05,
                                   strength=0.97), "observed")
    shops = [
        ev(f"E{i}", PointConstraint(lat=MANHATTAN[0] + 0.002 * i, lon=MANHATTAN[1],
                                    radius_km=0.025, strength=0.5), "read")
        for i in range(2, 17)
    ]
    result = fuse([fix, *shops])
    v = result.verdict
    assert (v.lat, v.lon) == WASHINGTON  # the verdict point is the fix itself
    assert v.radius_km <= 0.1 and v.confidence >= 0.8


def test_a_gps_fix_with_a_wide_accuracy_is_not_dragged_by_the_prior() -> None:
    fix = ev("E1", PointConstraint(lat=48.90, lon=2.25, radius_km=2.0, strength=0.97),
             "observed")
    v = fuse([fix]).verdict
    assert float(haversine_km(v.lat, v.lon, 48.90, 2.25)) < 0.01


def _strong_lisbon() -> list[Evidence]:
    return [
        ev("E1", PointConstraint(lat=LISBON[0], lon=LISBON[1], radius_km=0.05,
                                 strength=0.97), "observed"),
        ev("E2", PointConstraint(lat=LISBON[0], lon=LISBON[1], radius_km=20.0,
                                 strength=0.6), "read"),
        ev("E3", CountryConstraint(weights={"PT": 1.0}, strength=0.7), "read"),
    ]


def test_not_country_leaves_at_most_two_percent_there() -> None:
    not_pt = ev("E9", CountryConstraint(weights={"PT": 0.0}, default=1.0, strength=0.9),
                author="investigator")
    assert not_pt.basis == "investigator"
    post = posterior([*_strong_lisbon(), not_pt], _iberia)
    codes = _iberia(post.cells.lat, post.cells.lon)
    assert float(post.mass[codes == "PT"].sum()) <= 0.02 + 1e-9
    result = fuse([*_strong_lisbon(), not_pt], countries=_iberia)
    assert result.verdict.confidence < 0.5 or result.verdict.country_code != "PT"


def test_a_rejected_circle_keeps_at_most_five_percent() -> None:
    reject = ev("E9", PointConstraint(lat=LISBON[0], lon=LISBON[1], radius_km=25.0,
                                      strength=0.98, negate=True), author="investigator")
    post = posterior([*_strong_lisbon(), reject], _iberia)
    assert mass_within(post, LISBON[0], LISBON[1], 25.0) <= 0.05 + 1e-9
    v = fuse([*_strong_lisbon(), reject], countries=_iberia).verdict
    if v.lat is not None:
        assert float(haversine_km(v.lat, v.lon, *LISBON)) > 25.0


def test_pinning_raises_the_pinned_place() -> None:
    porto = (41.1579, -8.6291)
    evidence = [ev("E1", CountryConstraint(weights={"PT": 1.0}, strength=0.7), "read")]
    before = mass_within(posterior(evidence, _iberia), *porto, 10.0)
    pin = ev("E2", PointConstraint(lat=porto[0], lon=porto[1], radius_km=10.0,
                                   strength=0.95), author="investigator")
    after = mass_within(posterior([*evidence, pin], _iberia), *porto, 10.0)
    assert after > 0.9 > before


def test_hypotheses_come_by_probability_and_wide_ones_by_country() -> None:
    names = {"PT": "Portugal", "ES": "Spain"}

    def describe(lat: float, lon: float) -> Place:
        code = str(_iberia(np.array([lat]), np.array([lon]))[0]) or "PT"
        return Place(country_code=code, country=names[code], region="Lisboa", city="Méru")

    evidence = [ev("E1", CountryConstraint(weights={"PT": 1.0, "ES": 0.5}, strength=0.8),
                   "read")]
    result = fuse(evidence, countries=_iberia, describe=describe)
    scores = [h.score for h in result.hypotheses]
    assert scores == sorted(scores, reverse=True)
    assert [h.id for h in result.hypotheses] == [f"H{i}" for i in range(1, len(scores) + 1)]
    post = result.posterior
    assert post is not None
    for h in result.hypotheses:
        if h.radius_km > 200:  # named by its countries, the most probable first: no village
            inside = haversine_km(post.cells.lat, post.cells.lon, h.lat, h.lon) <= h.radius_km
            codes = _iberia(post.cells.lat[inside], post.cells.lon[inside])
            mass = post.mass[inside]
            most = max(("PT", "ES"), key=lambda c: float(mass[codes == c].sum()))
            assert h.country_code == most and h.place is not None
            assert h.place.split(", ")[0] == names[most] and "Méru" not in h.place


def test_a_wide_circle_is_named_by_the_countries_that_hold_it() -> None:
    """A Bengali sign read in Tripura: the circle's centre lies in Bangladesh, most of its
    probability in India. It is "India, Bangladesh" and its country India."""
    from geosleuth.fusion.hypotheses import by_mass

    lat = np.array([23.7, 23.8, 22.5, 26.0])
    lon = np.array([90.4, 91.3, 88.3, 85.0])
    mass = np.array([0.15, 0.0, 0.4, 0.45])

    def south_asia(la: np.ndarray, lo: np.ndarray) -> np.ndarray:
        return np.where(lo > 89.0, "BD", "IN")

    def describe(la: float, lo: float) -> Place:
        code = str(south_asia(np.array([la]), np.array([lo]))[0])
        return Place(country_code=code, country={"BD": "Bangladesh", "IN": "India"}[code])

    centre = Place(country_code="BD", country="Bangladesh")
    named = by_mass(centre, (lat, lon, mass), south_asia, describe)
    assert named.country_code == "IN" and named.label() == "India, Bangladesh"
    # the centre's country holding the most: the names stay
    mass = np.array([0.6, 0.0, 0.2, 0.2])
    assert by_mass(centre, (lat, lon, mass), south_asia, describe) == centre


def test_exclusions_alone_list_no_hypotheses() -> None:
    """"Not in PT" says where the photo is not; the prior's peaks are not hypotheses."""
    not_pt = ev("E1", CountryConstraint(weights={"PT": 0.0}, default=1.0, strength=0.9),
                author="investigator")
    result = fuse([not_pt], countries=_iberia)
    assert result.hypotheses == []
    assert result.verdict.level == "unknown"


def test_place_names_at_the_scale_of_a_circle() -> None:
    place = Place(country_code="FR", country="France", region="Hauts-de-France", city="Méru",
                  street="Rue X")
    assert place.at_scale(1.0).label() == "Rue X, Méru, Hauts-de-France, France"
    assert place.at_scale(100.0).label() == "Hauts-de-France, France"
    assert place.at_scale(500.0).label() == "France"


def test_a_name_that_agrees_with_its_script_by_construction_keeps_its_strength() -> None:
    """A weak town name read in a script written only in one country lies in that country
    because of the script: the agreement is no extra evidence for the town."""
    town = (40.2, -8.4)
    script = ev("E1", CountryConstraint(weights={"PT": 1.0}, strength=0.64), "read")
    name = ev("E2", PointConstraint(lat=town[0], lon=town[1], radius_km=8.0, strength=0.3),
              "read")
    post = posterior([script, name], _iberia)
    assert mass_within(post, *town, 8.0) <= 0.64 * 0.3 + 0.05
    result = fuse([script, name], countries=_iberia)
    assert result.verdict.radius_km > 8.0  # the verdict is the country, not the town
