"""The entry point of the fusion: evidence in, hypotheses and a verdict out."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from geosleuth.fusion.hypotheses import RADII_KM, Describe, extract
from geosleuth.fusion.likelihood import CountryLookup
from geosleuth.fusion.posterior import Posterior, posterior
from geosleuth.fusion.verdicts import country_mass, mass_within, verdict_level
from geosleuth.geo.distance import haversine_km
from geosleuth.model import Evidence, Hypothesis, PointConstraint, Verdict


@dataclass(frozen=True)
class FusionResult:
    hypotheses: list[Hypothesis]
    verdict: Verdict
    cells: int = 0
    notes: list[str] = field(default_factory=list)
    posterior: Posterior | None = None  # None when no evidence constrained the place


# A verdict as wide as the widest radius must at least be more likely true than not.
MIN_WIDEST_CONFIDENCE = 0.5


def nested_answer(top: Hypothesis, others: Sequence[Hypothesis], held: float) -> Hypothesis | None:
    """The most probable hypothesis whose circle lies inside ``top``'s, when ``top``'s
    circle, counted in full (``held``: its own peak and the peaks taken inside it before
    it), holds at least ``MIN_WIDEST_CONFIDENCE``; None otherwise.

    A Brazilian plate's tarja: 0.37 within 25 km of the town it names (taken first, the
    densest), then 0.42 in the 2,500 km circle around Brazil without the town's circle.
    The wide circle comes first and alone is too weak to answer, but it holds 0.79 in all:
    the answer is in Brazil, and its most probable place is the town.
    """
    if held < MIN_WIDEST_CONFIDENCE:
        return None
    inside = [h for h in others if h is not top
              and haversine_km(h.lat, h.lon, top.lat, top.lon) + h.radius_km <= top.radius_km]
    return max(inside, key=lambda h: h.score, default=None)


def observed_fixes(evidence: Sequence[Evidence]) -> list[PointConstraint]:
    """Point readings the camera recorded (a GPS fix), most precise first."""
    fixes = [e.constraint for e in evidence
             if e.basis == "observed" and isinstance(e.constraint, PointConstraint)
             and not e.constraint.negate]
    return sorted(fixes, key=lambda c: c.radius_km)


def at_fix(h: Hypothesis, post: Posterior, fixes: Sequence[PointConstraint]) -> Hypothesis:
    """A hypothesis whose circle holds a camera fix no wider than itself is centred on it.

    Within a GPS fix's circle the posterior follows the prior's cells, whose edges would
    otherwise pull the centre off the fix; the fix itself is the better point. The
    score is the posterior mass within the same radius of the fix.
    """
    for fix in fixes:
        inside = haversine_km(h.lat, h.lon, fix.lat, fix.lon) <= h.radius_km
        if fix.radius_km <= h.radius_km and inside and not post.excluded(fix.lat, fix.lon, None):
            score = round(mass_within(post, fix.lat, fix.lon, h.radius_km), 4)
            return h.model_copy(update={"lat": fix.lat, "lon": fix.lon, "score": score})
    return h


def fuse(
    evidence: Sequence[Evidence],
    *,
    coverage: float = 0.8,
    countries: CountryLookup | None = None,
    describe: Describe | None = None,
    max_hypotheses: int = 5,
) -> FusionResult:
    """Fuse the constraints of ``evidence``; see the package docstring for the method."""
    constrained = [e for e in evidence if e.constraint is not None]
    if not constrained:
        return FusionResult([], Verdict.unknown("no evidence constrains the place"))
    post = posterior(constrained, countries)
    hyps = extract(
        post,
        coverage=coverage,
        countries=countries,
        describe=describe,
        max_hypotheses=max_hypotheses,
    )
    fixes = observed_fixes(constrained)
    hyps = [at_fix(h, post, fixes) for h in hyps]
    if not hyps:
        return FusionResult(
            [],
            Verdict.unknown("the evidence does not single out a place"),
            cells=len(post.cells),
            posterior=post,
        )
    top = hyps[0]
    prefix = ""
    if top.radius_km >= RADII_KM[-1] and top.score < MIN_WIDEST_CONFIDENCE:
        why = (
            f"the best circle, {top.radius_km:g} km around {top.place or 'its centre'}, holds only"
            f" p={top.score:.2f}: too wide and too weak to be an answer"
        )
        held = mass_within(post, top.lat, top.lon, top.radius_km)
        nested = nested_answer(top, hyps, held)
        if nested is None:
            return FusionResult(hyps, Verdict.unknown(why), cells=len(post.cells),
                                posterior=post)
        prefix = (f"{top.id}: {why} on its own, {held:.2f} with the circles inside it; of "
                  f"these {nested.id} is the most probable; ")
        top = nested
    rationale = prefix + (
        f"posterior probability {top.score:.2f} within {top.radius_km:g} km of "
        f"{top.lat:.5f}, {top.lon:.5f}"
    )
    if top.supported_by:
        rationale += f"; supported by {', '.join(top.supported_by)}"
    if top.contradicted_by:
        rationale += f"; contradicted by {', '.join(top.contradicted_by)}"
    level, why = verdict_level(post, top.lat, top.lon, top.radius_km, top.country_code, countries)
    rationale += why
    verdict = Verdict(
        lat=top.lat,
        lon=top.lon,
        radius_km=top.radius_km,
        confidence=top.score,
        country_code=top.country_code,
        country_confidence=country_mass(post, top.country_code, countries),
        place=top.place,
        level=level,
        rationale=rationale,
        evidence=top.supported_by,
    )
    notes = (
        [f"{len(top.contradicted_by)} piece(s) of evidence contradict the verdict"]
        if top.contradicted_by
        else []
    )
    return FusionResult(hyps, verdict, cells=len(post.cells), notes=notes, posterior=post)
