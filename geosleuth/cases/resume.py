"""Resuming a case folder: the CaseState rebuilt from its case.json.

A case folder holds everything the loop needs to continue: the evidence (with ids and
provenance), the step records (tool calls, observations, submissions), the hypotheses
and the verdict. ``load_case_folder`` reads it back, checks that the photo beside it is
still the same file (by sha256), and returns the state; ``wiring.open_recorder`` wraps
it in a recorder whose evidence numbering continues after the last id. Reasoners that
decide from the state alone (the offline reasoner) then carry on where it stopped.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import ValidationError

from geosleuth.agent.state import CaseState, Observation, StepRecord, Submission, ToolCall, Usage
from geosleuth.cases.folder import find_photo, read_record
from geosleuth.errors import BadInputError
from geosleuth.images import DEFAULT_DECODE_BUDGET_MB, DEFAULT_MAX_PIXELS, load_case
from geosleuth.model import Case, Evidence, Hypothesis, Verdict
from geosleuth.tools.context import Egress


def _step(raw: dict[str, Any]) -> StepRecord:
    sub = raw.get("submission")
    usage = raw.get("usage") or {}
    return StepRecord(
        index=int(raw["index"]),
        thought=raw.get("thought", ""),
        calls=[ToolCall(c["id"], c["name"], dict(c.get("args") or {}))
               for c in raw.get("calls", [])],
        observations=[
            Observation(o["call_id"], o["tool"], tuple(o.get("evidence") or ()), o.get("error"))
            for o in raw.get("observations", [])
        ],
        submission=None if sub is None else Submission(
            lat=sub["lat"], lon=sub["lon"], radius_km=sub["radius_km"],
            evidence=tuple(sub.get("evidence") or ()), place=sub.get("place"),
            confidence=sub.get("confidence"), rationale=sub.get("rationale", ""),
            overrides=tuple(sub.get("overrides") or ()),
        ),
        rejection=raw.get("rejection"),
        usage=Usage(int(usage.get("tokens_in", 0)), int(usage.get("tokens_out", 0)),
                    float(usage.get("cost_usd", 0.0)), float(usage.get("latency_ms", 0.0))),
        elapsed_ms=float(raw.get("elapsed_ms", 0.0)),
        transcript=list(raw.get("transcript") or []),
    )


def _evidence(raw: dict[str, Any]) -> Evidence:
    """One piece of evidence; one written before tools declared what they reveal gets its
    installed tool's declaration (so a resumed case withholds its metadata as before)."""
    if "reveals" not in raw and raw.get("author", "tool") == "tool":
        from geosleuth.cases.wiring import registry

        tool = registry().get(str(raw.get("tool")))
        if tool is not None and tool.reveals:
            raw = {**raw, "reveals": sorted(tool.reveals)}
    return Evidence.model_validate(raw)


def _verdict(raw: dict[str, Any]) -> Verdict:
    fields = set(Verdict.model_fields)
    return Verdict.model_validate({k: v for k, v in raw.items() if k in fields})


def state_from_record(record: dict[str, Any], case: Case) -> CaseState:
    """The CaseState a case.json describes, for the given (already checked) case."""
    try:
        hypotheses = [
            Hypothesis.model_validate({k: v for k, v in h.items() if k in Hypothesis.model_fields})
            for h in record.get("hypotheses", [])
        ]
        state = CaseState(
            case=case,
            evidence=[_evidence(e) for e in record.get("evidence", [])],
            hypotheses=hypotheses,
            verdict=_verdict(record.get("verdict") or {}),
            steps=[_step(s) for s in record.get("steps", [])],
            egress=[Egress(e["host"], e["what"], e.get("tool")) for e in record.get("egress", [])],
            forced=bool((record.get("verdict") or {}).get("forced", False)),
            backend={k: v for k, v in (record.get("backend") or {}).items()
                     if k not in ("name", "model")},
            stopped=(record.get("verdict") or {}).get("stopped"),
        )
    except (ValidationError, KeyError, TypeError, ValueError) as exc:
        raise BadInputError(f"the case file does not describe a case geosleuth can resume ({exc})"
                            ) from None
    return state


def load_case_folder(
    folder: Path, *, max_pixels: int = DEFAULT_MAX_PIXELS,
    decode_budget_mb: int | None = DEFAULT_DECODE_BUDGET_MB,
) -> tuple[CaseState, dict[str, Any]]:
    """Read a case folder back: its state and the record it came from.

    Raises BadInputError when the folder has no readable case.json, the photo is gone,
    or the photo has changed since the case was written.
    """
    folder = folder if folder.is_dir() else folder.parent
    record = read_record(folder)
    photo = find_photo(record, folder)
    case = load_case(photo, max_pixels=max_pixels, decode_budget_mb=decode_budget_mb,
                     ignore_metadata=bool(record.get("ignore_metadata", False)),
                     clues=tuple(record.get("clues") or ()))
    if case.image.sha256 != record["image"]["sha256"]:
        raise BadInputError(
            f"{photo}: this is not the photo of the case in {folder} (its sha256 differs)"
        )
    return state_from_record(record, case), record
