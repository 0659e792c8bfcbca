"""A witness (the clues read from one photo's text) is trusted as far as the clues that
support its joint view: a strong clue pointing elsewhere does not vouch for it."""

from __future__ import annotations

import numpy as np

from geosleuth.fusion import fuse
from geosleuth.fusion.groups import Group, supported
from geosleuth.model import CountryConstraint, Evidence, PointConstraint

JOS = (9.8965, 8.8583)  # a town in Nigeria that a misread word can name


def countries(lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    return np.where(lon < -30.0, "BR", np.where((lon > 2.7) & (lon < 14.7) & (lat > 4.2)
                                               & (lat < 13.9), "NG", "XX"))


def read(eid: str, constraint: object) -> Evidence:
    return Evidence(id=eid, tool="text_clues", tool_version="1", summary=eid, basis="read",
                    constraint=constraint)  # type: ignore[arg-type]


def test_the_strength_comes_from_the_members_that_hold_the_joint_view() -> None:
    plate = CountryConstraint(weights={"BR": 1.0}, default=0.05, strength=0.8)
    town = PointConstraint(lat=JOS[0], lon=JOS[1], radius_km=20, strength=0.47)
    g = Group((plate, town), 0.8)
    apart = [[1.0, 0.0], [0.0, 1.0]]  # Jos lies outside Brazil
    within = [[1.0, 0.0], [1.0, 1.0]]  # a town inside the plate's country
    assert supported(g, [0.9, 0.8], apart) == 0.8  # agreeing members do not add up
    # the plate does not vouch for Jos, and it counts against it: of "the town's reading
    # is right", "the plate is" and "neither", weighed by their strengths
    lead_town = 0.47 * 0.2 / (0.47 * 0.2 + 0.53 * 0.8 + 0.53 * 0.2)
    assert abs(supported(g, [0.3, 0.7], apart) - lead_town) < 1e-6
    lead_plate = 0.8 * 0.53 / (0.8 * 0.53 + 0.2 * 0.47 + 0.2 * 0.53)
    assert abs(supported(g, [0.7, 0.3], apart) - lead_plate) < 1e-6
    # a member that narrows the leader down is no rival, however little of the view it holds
    assert supported(g, [0.7, 0.3], within) == 0.8
    # no member holds most of the view: the one that holds the most leads
    assert abs(supported(g, [0.45, 0.3], apart) - lead_plate) < 1e-6
    assert abs(supported(g, [0.3, 0.45], apart) - lead_town) < 1e-6


def test_members_naming_other_countries_leave_little_to_the_one_the_view_settled_on(
        ) -> None:
    # three readings of one photo, each naming a town in another country
    towns = [PointConstraint(lat=0.0, lon=float(lon), radius_km=20, strength=s)
             for lon, s in ((10, 0.44), (50, 0.41), (90, 0.44))]
    g = Group(tuple(towns), 0.44)
    apart = [[1.0 if i == j else 0.0 for j in range(3)] for i in range(3)]
    assert supported(g, [0.98, 0.01, 0.01], apart) < 0.25


def test_a_town_that_outvotes_the_plate_in_one_reading_is_not_trusted_as_the_plate() -> None:
    # a plate format as text_clues gives it: its countries, every other at 0.2
    plate = read("E1", CountryConstraint(weights={"BR": 1.0}, default=0.2, strength=0.8))
    town = read("E2", PointConstraint(lat=JOS[0], lon=JOS[1], radius_km=20, strength=0.47))
    post = fuse([plate, town], countries=countries).posterior
    codes = countries(post.cells.lat, post.cells.lon)
    in_ng = float(post.mass[codes == "NG"].sum())
    # The joint view of the two readings lies mostly at Jos, where the plate does not
    # point: the witness is trusted as the town's reading (0.47), not as the plate (0.8),
    # which would put 0.38 in Nigeria
    alone = fuse([town], countries=countries).posterior
    assert in_ng < 0.3
    assert in_ng < float(alone.mass[countries(alone.cells.lat, alone.cells.lon) == "NG"].sum())


def observed(eid: str, constraint: object) -> Evidence:
    return Evidence(id=eid, tool="exif_metadata", tool_version="1", summary=eid,
                    basis="observed", constraint=constraint)  # type: ignore[arg-type]


def test_a_contrary_member_of_a_witness_has_no_more_force_than_alone() -> None:
    # A camera's GPS fix in Brazil and its UTC offset pointing at the Nigeria of this toy
    # map (a clock set to another zone): one witness. Normalised against the view so far,
    # the offset would take its whole strength (0.6) of the view where the fix left almost
    # nothing, and the fix would come out at about 0.25.
    fix = observed("E1", PointConstraint(lat=-15.0, lon=-47.0, radius_km=0.05, strength=0.97))
    offset = observed("E2", CountryConstraint(weights={"NG": 1.0}, default=0.0, strength=0.6))
    post = fuse([fix, offset], countries=countries).posterior
    codes = countries(post.cells.lat, post.cells.lon)
    in_br = float(post.mass[codes == "BR"].sum())
    assert in_br > 0.85
    # as independent clues they would give the same: being one witness does not amplify
    both = fuse([fix, offset.model_copy(update={"basis": "computed"})],
                countries=countries).posterior
    in_br_apart = float(both.mass[countries(both.cells.lat, both.cells.lon) == "BR"].sum())
    assert in_br >= in_br_apart - 0.05
