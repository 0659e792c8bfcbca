"""The case record: the ``geosleuth.case/1`` JSON document (case.json and ``--json``)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from geosleuth import __version__
from geosleuth.agent.state import CaseState
from geosleuth.settings import Settings

SCHEMA = "geosleuth.case/1"
_PRIVATE_SETTINGS = {"servers", "prices", "openai_api_key", "anthropic_api_key"}


def settings_snapshot(settings: Settings) -> dict[str, Any]:
    data = settings.model_dump(mode="json", exclude=_PRIVATE_SETTINGS)
    data["servers"] = sorted(settings.servers)
    return data


def _decoded(width: int | None, height: int | None, settings: Settings) -> dict[str, Any]:
    """``decoded``: the size a photo over the decode budget was read at (absent when it
    was read in full)."""
    if width is None or height is None:
        return {}
    return {"decoded": {"width": width, "height": height,
                        "decode_budget_mb": settings.decode_budget_mb}}


def case_record(
    state: CaseState,
    settings: Settings,
    *,
    backend: str,
    model: str | None,
    total_ms: float,
    error: str | None = None,
    paths: list[dict[str, Any]] | None = None,
    extra: dict[str, Any] | None = None,
) -> dict[str, Any]:
    case, verdict = state.case, state.verdict
    usage = state.usage
    record: dict[str, Any] = {
        "schema": SCHEMA,
        "image": {
            "path": case.image.path,
            "sha256": case.image.sha256,
            "width": case.image.width,
            "height": case.image.height,
            "format": case.image.format,
            "size_bytes": case.image.size_bytes,
            **_decoded(case.image.decoded_width, case.image.decoded_height, settings),
        },
        "verdict": {
            "lat": verdict.lat,
            "lon": verdict.lon,
            "radius_km": verdict.radius_km,
            "confidence": verdict.confidence,
            "country_code": verdict.country_code,
            "country_confidence": verdict.country_confidence,
            "place": verdict.place,
            "level": verdict.level,
            "rationale": verdict.rationale,
            "evidence": verdict.evidence,
            "forced": state.forced,
            "stopped": state.stopped,
        },
        "hypotheses": [
            {
                "id": h.id,
                "lat": h.lat,
                "lon": h.lon,
                "radius_km": h.radius_km,
                "score": h.score,
                "country_code": h.country_code,
                "place": h.place,
                "names": h.names.model_dump(),
                "supported_by": h.supported_by,
                "contradicted_by": h.contradicted_by,
            }
            for h in state.hypotheses
        ],
        "evidence": [e.model_dump(mode="json") for e in state.evidence],
        "paths": paths or [],
        "steps": [s.as_dict() for s in state.steps],
        "backend": {"name": backend, "model": model, **state.backend},
        "egress": [e.as_dict() for e in state.egress],
        "usage": usage.as_dict(),
        "timing": {"total_ms": round(total_ms, 1)},
        "clues": list(case.clues),
        "ignore_metadata": case.ignore_metadata,
        "settings": settings_snapshot(settings),
        "error": error,
        "created": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "geosleuth_version": __version__,
    }
    if extra:
        record.update(extra)
    return record
