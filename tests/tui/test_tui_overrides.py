"""The investigator's word holds in the TUI: a rejected hypothesis keeps at most 5 % of
the probability inside its circle, and no later hypothesis or verdict is centred there."""

from __future__ import annotations

from pathlib import Path

from tui_scripted import LISBON

from geosleuth.fusion.posterior import posterior
from geosleuth.fusion.verdicts import mass_within
from geosleuth.geo.distance import haversine_km


def test_rejecting_h1_moves_the_probability_out_of_its_circle(make_session, photo: Path
                                                              ) -> None:
    session = make_session(photo)
    session.run(lambda e, n: None, steps=2)
    h1 = session.state.hypotheses[0]
    assert float(haversine_km(h1.lat, h1.lon, *LISBON)) < 5
    before = mass_within(posterior(session.state.evidence, None), h1.lat, h1.lon, h1.radius_km)
    session.reject(h1.id)
    after = mass_within(posterior(session.state.evidence, None), h1.lat, h1.lon, h1.radius_km)
    assert before > 0.5 and after <= 0.05 + 1e-9
    for h in session.state.hypotheses:
        assert float(haversine_km(h.lat, h.lon, h1.lat, h1.lon)) > h1.radius_km
    session.run(lambda e, n: None)  # the reasoner goes on and submits
    v = session.state.verdict
    assert v.lat is None or float(haversine_km(v.lat, v.lon, h1.lat, h1.lon)) > h1.radius_km
    assert v.lat is None or v.confidence < 0.95


def test_pinning_raises_the_pinned_hypothesis(make_session, photo: Path) -> None:
    session = make_session(photo)
    session.run(lambda e, n: None, steps=2)
    h2 = session.state.hypotheses[1]
    before = mass_within(posterior(session.state.evidence, None), h2.lat, h2.lon, h2.radius_km)
    session.pin(h2.id)
    after = mass_within(posterior(session.state.evidence, None), h2.lat, h2.lon, h2.radius_km)
    assert after > before
