"""Checks a submitted verdict must pass before the loop accepts it."""

from __future__ import annotations

import math

from geosleuth.agent.state import CaseState, Submission
from geosleuth.geo.distance import haversine_km
from geosleuth.model import PointConstraint

HARD_STRENGTH = 0.95  # a point reading this strong (EXIF GPS) cannot be ignored silently


def check_submission(sub: Submission, state: CaseState) -> str | None:
    """None if the submission is acceptable, else the reason it is not (for the reasoner)."""
    if not (math.isfinite(sub.lat) and math.isfinite(sub.lon)):
        return "coordinates must be finite numbers"
    if not (-90.0 <= sub.lat <= 90.0 and -180.0 <= sub.lon <= 180.0):
        return f"coordinates out of range: {sub.lat}, {sub.lon}"
    if not (math.isfinite(sub.radius_km) and sub.radius_km > 0):
        return "radius_km must be a positive number"
    known = {e.id for e in state.evidence}
    missing = [eid for eid in sub.evidence if eid not in known]
    if missing:
        return f"cited evidence does not exist: {', '.join(missing)}"
    for e in state.evidence:
        c = e.constraint
        # A negated point (a rejected hypothesis: "not within r km of here") says nothing
        # about where the verdict must be: it is no anchor to stay near.
        if not isinstance(c, PointConstraint) or c.negate or c.strength < HARD_STRENGTH:
            continue
        d = float(haversine_km(sub.lat, sub.lon, c.lat, c.lon))
        if d > sub.radius_km + 3 * c.radius_km and e.id not in sub.overrides:
            return (
                f"the verdict is {d:.1f} km from {e.id} ({e.summary}), hard evidence; move the"
                f" verdict, or list {e.id} in overrides with a reason in the rationale"
            )
    return None
