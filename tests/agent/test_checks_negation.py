"""A rejected hypothesis says where the photo is not: it is no anchor for the verdict."""

from __future__ import annotations

from pathlib import Path

from PIL import Image

from geosleuth.agent import investigator
from geosleuth.agent.checks import HARD_STRENGTH, check_submission
from geosleuth.agent.state import CaseState, Submission
from geosleuth.images import load_case
from geosleuth.model import Evidence, Hypothesis, PointConstraint

MADRID = Hypothesis(id="H2", lat=40.4168, lon=-3.7038, radius_km=10, score=0.3, place="Madrid")
LISBON = Submission(38.72, -9.14, 10.0, ("E1",))


def state(tmp_path: Path, *evidence: Evidence) -> CaseState:
    photo = tmp_path / "p.png"
    Image.new("RGB", (40, 30)).save(photo)
    return CaseState(case=load_case(photo), evidence=list(evidence))


def test_a_verdict_far_from_a_rejected_place_is_accepted(tmp_path: Path) -> None:
    rejected = investigator.reject("E1", MADRID)
    assert rejected.constraint.strength >= HARD_STRENGTH  # as strong as a GPS fix
    assert check_submission(LISBON, state(tmp_path, rejected)) is None


def test_a_verdict_far_from_a_hard_point_is_still_refused(tmp_path: Path) -> None:
    gps = Evidence(id="E1", tool="exif_metadata", tool_version="1", summary="GPS",
                   reveals=("camera_metadata",),
                   constraint=PointConstraint(lat=MADRID.lat, lon=MADRID.lon, radius_km=0.05,
                                              strength=0.97))
    problem = check_submission(LISBON, state(tmp_path, gps))
    assert problem is not None and "hard evidence" in problem
