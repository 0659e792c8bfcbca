"""The offline reasoner submits the circle the fusion's verdict stands on."""

from __future__ import annotations

from geosleuth.agent.reasoner import View
from geosleuth.agent.state import CaseState
from geosleuth.backends.offline import OfflineReasoner
from geosleuth.model import Case, Hypothesis, ImageInfo, Verdict

INFO = ImageInfo(path="plate.jpg", sha256="0" * 64, width=1, height=1, format="JPEG",
                 size_bytes=0)
BRAZIL = Hypothesis(id="H1", lat=-14.7, lon=-48.8, radius_km=2500.0, score=0.42,
                    place="Brazil", supported_by=["E5"])
TOWN = Hypothesis(id="H2", lat=-12.69, lon=-38.35, radius_km=25.0, score=0.37,
                  place="Camaçari, Bahia, Brazil", supported_by=["E5", "E6"])


def _submitted(verdict: Verdict) -> tuple[float, float, float, str]:
    state = CaseState(case=Case(image=INFO), hypotheses=[BRAZIL, TOWN], verdict=verdict)
    action = OfflineReasoner().decide(View(state=state, step=3, budget=12, tools=[],
                                           summary=""))
    sub = action.submit
    assert sub is not None
    return sub.lat, sub.lon, sub.radius_km, sub.rationale


def test_a_verdict_inside_a_wide_weak_circle_is_submitted_as_it_is() -> None:
    why = "H1: the best circle ... too wide and too weak to be an answer on its own"
    nested = Verdict(lat=TOWN.lat, lon=TOWN.lon, radius_km=TOWN.radius_km, confidence=0.37,
                     level="city", rationale=why)
    lat, lon, radius, rationale = _submitted(nested)
    assert (lat, lon, radius) == (TOWN.lat, TOWN.lon, TOWN.radius_km)
    assert rationale == why  # not "H2 holds the most posterior probability"


def test_otherwise_the_first_hypothesis_is_submitted() -> None:
    first = Verdict(lat=BRAZIL.lat, lon=BRAZIL.lon, radius_km=BRAZIL.radius_km,
                    confidence=0.9, level="country", rationale="posterior probability 0.9")
    lat, lon, radius, rationale = _submitted(first)
    assert (lat, lon, radius) == (BRAZIL.lat, BRAZIL.lon, BRAZIL.radius_km)
    assert rationale.startswith("H1 holds the most posterior probability")
