"""From K finished paths to one verdict: clusters, the verifier's choice, the confidence.

``conclude(case, settings, outcome, chat=..., countries=...)`` clusters the paths'
verdicts (``cluster.py``), lets the verifier choose a path (``verifier.py``: the model
verifier only when the answers fall into more than one cluster and a chat model is
given, since choosing among paths that agree needs no model call; the evidence scorer
otherwise), and computes the final confidence (``confidence.py``). ``path_entry`` is
one path as the case record shows it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from geosleuth.agent.state import CaseState
from geosleuth.backends.chat import ChatModel
from geosleuth.cases.paths import PathRun, PathsOutcome
from geosleuth.fusion.verdicts import mass_within
from geosleuth.model import Case, Verdict, level_for_radius
from geosleuth.paths.budgets import MeteredChat
from geosleuth.paths.cluster import Cluster, cluster_of, cluster_verdicts
from geosleuth.paths.confidence import (
    CalibrationMap,
    ConfidenceReport,
    final_confidence,
    observed_support,
)
from geosleuth.paths.verifier import (
    EvidenceVerifier,
    ModelVerifier,
    Verification,
    reading_key,
)
from geosleuth.settings import Settings
from geosleuth.tools.context import Egress


@dataclass
class Conclusion:
    verdict: Verdict
    chosen: CaseState | None
    clusters: list[Cluster]
    verification: Verification
    confidence: ConfidenceReport
    egress: list[Egress]


def conclude(
    case: Case,
    settings: Settings,
    outcome: PathsOutcome,
    *,
    chat: ChatModel | None = None,
    countries: Any = None,
    calibration: CalibrationMap | None = None,
) -> Conclusion:
    states = [r.state for r in outcome.finished if r.state is not None]
    clusters = cluster_verdicts([(s.path, s.verdict) for s in states], settings.agree_km,
                                total=len(states))
    scorer = EvidenceVerifier(settings.agree_km, countries)
    verifier: EvidenceVerifier | ModelVerifier = scorer
    egress: list[Egress] = []
    outcome.budget.release()  # the call held for the verifier, whether it is used or not
    if chat is not None and len(clusters) > 1:
        metered = MeteredChat(chat, outcome.budget, settings)
        verifier = ModelVerifier(metered, settings, scorer)
        egress = verifier.egress(states)
    if len(states) == 1:  # one path: nothing to verify or pool
        only = states[0]
        verification = Verification(
            "evidence", only.path if only.verdict.known else None,
            "the only path" if only.verdict.known else "the path found no answer",
            status="ok" if only.verdict.known else "no answer",
            evidence_choice=only.path if only.verdict.known else None)
    else:
        verification = verifier.verify(case, states, clusters)
    chosen = next((s for s in states if s.path == verification.choice), None)
    if chosen is None:
        base = Verdict.unknown("no path found an answer")
        report = final_confidence(base, evidence=0.0, verdicts=[s.verdict for s in states],
                                  calibration=calibration)
        return Conclusion(base, states[0] if states else None, clusters, verification,
                          report, egress)
    v = chosen.verdict
    if len(states) == 1 or verification.pooled is None:
        p_e = v.confidence
    else:
        p_e = mass_within(verification.pooled, v.lat, v.lon, v.radius_km)  # type: ignore[arg-type]
    chosen_cluster = cluster_of(clusters, chosen.path)
    scorer_cluster = (cluster_of(clusters, verification.evidence_choice)
                      if verification.evidence_choice is not None else chosen_cluster)
    report = final_confidence(v, evidence=p_e, verdicts=[s.verdict for s in states],
                              verifier_agrees=chosen_cluster is scorer_cluster,
                              calibration=calibration, groups=evidence_groups(states),
                              observed=observed_support(v.evidence, chosen.evidence))
    value = round(report.value, 4)
    how = (f"path {chosen.path} chosen by the {verification.method} verifier"
           if len(states) > 1 else f"path {chosen.path}")
    verdict = v.model_copy(update={
        "confidence": value,
        "level": v.level if value > 0 else "unknown",
        "rationale": f"{v.rationale}; {how}; confidence {report.explain()}",
    })
    if value > 0 and v.level == "unknown" and v.radius_km:
        verdict = verdict.model_copy(update={"level": level_for_radius(v.radius_km)})
    return Conclusion(verdict, chosen, clusters, verification, report, egress)


def evidence_groups(states: list[CaseState]) -> list[frozenset[str]]:
    """Each path's evidence as a set of readings: equal sets mark paths that saw the same."""
    return [frozenset(reading_key(e) for e in s.evidence) for s in states]


def path_entry(run: PathRun, clusters: list[Cluster], chosen: int | None) -> dict[str, Any]:
    """One path in the case record: status, verdict, evidence, steps, usage."""
    st = run.state
    entry: dict[str, Any] = {
        "path": run.path, "status": run.status, "error": run.error, "note": run.note,
        "elapsed_ms": round(run.elapsed_ms, 1), "chosen": run.path == chosen,
        "cluster": None, "verdict": None, "hypotheses": [], "evidence": [], "steps": [],
        "usage": None, "summary": "",
    }
    c = cluster_of(clusters, run.path)
    if c is not None:
        entry["cluster"] = c.id
    if st is None:
        return entry
    v = st.verdict
    entry.update({
        "verdict": {"lat": v.lat, "lon": v.lon, "radius_km": v.radius_km,
                    "confidence": v.confidence, "country_code": v.country_code,
                    "place": v.place, "level": v.level, "rationale": v.rationale,
                    "evidence": v.evidence, "forced": st.forced, "stopped": st.stopped},
        "hypotheses": [{"id": h.id, "lat": h.lat, "lon": h.lon, "radius_km": h.radius_km,
                        "score": h.score, "place": h.place} for h in st.hypotheses[:3]],
        "evidence": [e.model_dump(mode="json") for e in st.evidence],
        "steps": [s.as_dict() for s in st.steps],
        "usage": st.usage.as_dict(),
        "summary": st.summary,
    })
    return entry
