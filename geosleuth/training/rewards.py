"""Rewards for training a model on geosleuth's loop: pure functions of a distance or a reply.

Distances are geodesic (WGS84, ``geo.distance.geodesic_km``), exact across the
antimeridian and at the poles. Every function is pure: the same input gives the same
number, nothing is read or written.

Terms and their sources:

- ``twm_step_reward``: the step reward of *Thinking with Map* (AMAP-ML,
  github.com/AMAP-ML/Thinking-with-Map): 1.0 within 0.5 km, 0.8 within 2 km, 0.6 within
  10 km, 0.4 within 25 km, 0.2 within 200 km, 0.1 within 750 km, else 0; the first JSON
  answer with lat/lon is scored, and there is no format or tool term.
- ``geoscore_reward``: GeoScore as GeoGuessr scores a round and OSV-5M reports it
  (Astruc et al. 2024, "OpenStreetView-5M", section 4): 5000 · exp(−d / 1492.7 km),
  divided by 5000 so that it lies in [0, 1]; the same constants as
  ``eval.metrics.geoscore``.
- ``reverse_accuracy``, ``format_reward``, ``tool_use_reward`` and ``reverse_reward``:
  the composite reward of REVERSE (Li, Jia et al. 2026, "REVERSE: Reinforcing Evidence
  Verification and Search for Agentic Image geo-localization", arXiv:2605.26861):
  0.6 · accuracy + 0.1 · format + 0.3 · tool use, the accuracy piecewise-linear in the
  distance from 1 km (full) to 2,500 km (none). The breakpoints between those two ends
  are our reading, not checked against the paper's code: the field's thresholds
  (1, 25, 200, 750, 2,500 km) at 1, 0.75, 0.5, 0.25 and 0. REVERSE's process terms
  (visual grounding, query utility, evidence discrimination) need annotations geosleuth
  does not have and are not here.

``reward``, ``geoscore``, and ``reverse`` are trainer callbacks with TRL's signature,
``f(completions, ground_truth, **kwargs) -> list[float]``: ``completions`` are strings or
conversations (lists of ``{"role", "content"}`` messages, the last one scored);
``ground_truth`` is one truth per completion, a ``{"lat", "lon"}`` mapping, a
``[lat, lon]`` pair, or the JSON text of either.
"""

from __future__ import annotations

import itertools
import json
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from geosleuth.geo.distance import geodesic_km

# (upper bound in km, inclusive; reward) — Thinking with Map's step reward.
TWM_STEPS: tuple[tuple[float, float], ...] = (
    (0.5, 1.0), (2.0, 0.8), (10.0, 0.6), (25.0, 0.4), (200.0, 0.2), (750.0, 0.1))
GEOSCORE_MAX = 5000.0
GEOSCORE_SCALE_KM = 1492.7
# (km, accuracy) breakpoints of the REVERSE-style accuracy, linear in between.
REVERSE_POINTS: tuple[tuple[float, float], ...] = (
    (1.0, 1.0), (25.0, 0.75), (200.0, 0.5), (750.0, 0.25), (2500.0, 0.0))
REVERSE_WEIGHTS = {"accuracy": 0.6, "format": 0.1, "tool_use": 0.3}


# -- distance --------------------------------------------------------------------------


def distance_km(pred: tuple[float, float] | None, truth: tuple[float, float] | None
                ) -> float | None:
    """The geodesic distance between a predicted and a true (lat, lon); None if either is
    missing or not a valid position."""
    if pred is None or truth is None or not (_valid(*pred) and _valid(*truth)):
        return None
    return geodesic_km(pred[0], pred[1], truth[0], truth[1])


def _valid(lat: Any, lon: Any) -> bool:
    return (isinstance(lat, int | float) and isinstance(lon, int | float)
            and not isinstance(lat, bool) and not isinstance(lon, bool)
            and math.isfinite(lat) and math.isfinite(lon)
            and -90.0 <= lat <= 90.0 and -180.0 <= lon <= 180.0)


# -- distance terms --------------------------------------------------------------------


def twm_step_reward(distance: float | None) -> float:
    """Thinking with Map's step reward (AMAP-ML/Thinking-with-Map): 1.0 at ≤0.5 km, 0.8 at
    ≤2 km, 0.6 at ≤10 km, 0.4 at ≤25 km, 0.2 at ≤200 km, 0.1 at ≤750 km, else 0 (and 0
    without an answer). Each bound is inclusive."""
    if distance is None or not math.isfinite(distance):
        return 0.0
    for bound, value in TWM_STEPS:
        if distance <= bound:
            return value
    return 0.0


def geoscore_reward(distance: float | None) -> float:
    """GeoScore normalised to [0, 1]: exp(−d / 1492.7 km), GeoGuessr's round score
    5000 · exp(−d / 1492.7) over 5000 (OSV-5M, Astruc et al. 2024, section 4); 0 without
    an answer."""
    if distance is None or not math.isfinite(distance):
        return 0.0
    return math.exp(-max(distance, 0.0) / GEOSCORE_SCALE_KM)


def reverse_accuracy(distance: float | None) -> float:
    """REVERSE's accuracy term (arXiv:2605.26861), piecewise-linear in the distance: 1 at
    ≤1 km, 0 at ≥2,500 km, through 0.75 at 25 km, 0.5 at 200 km and 0.25 at 750 km (the
    middle breakpoints are our reading; see the module docstring); 0 without an answer."""
    if distance is None or not math.isfinite(distance):
        return 0.0
    if distance <= REVERSE_POINTS[0][0]:
        return REVERSE_POINTS[0][1]
    for (d0, r0), (d1, r1) in itertools.pairwise(REVERSE_POINTS):
        if distance <= d1:
            return r0 + (r1 - r0) * (distance - d0) / (d1 - d0)
    return 0.0


# -- reply terms -----------------------------------------------------------------------

_DECODER = json.JSONDecoder()


def json_objects(text: str) -> Iterable[Any]:
    """Every JSON object in a text, in order (a reply may wrap its JSON in prose, fences
    or tags such as ``<tool_call>``)."""
    i = text.find("{")
    while i != -1:
        try:
            value, end = _DECODER.raw_decode(text, i)
        except json.JSONDecodeError:
            i = text.find("{", i + 1)
            continue
        yield value
        i = text.find("{", end)


def _point_in(value: Any) -> tuple[float, float] | None:
    """The first lat/lon pair in a JSON value, depth first (a submit_verdict call holds it
    in ``arguments``)."""
    if isinstance(value, Mapping):
        lat, lon = value.get("lat", value.get("latitude")), value.get("lon", value.get(
            "longitude", value.get("lng")))
        if lat is not None and lon is not None:
            try:
                return float(lat), float(lon)
            except (TypeError, ValueError):
                return None
        for key in ("arguments", "function", "answer", "calls", "tool_calls"):
            if key in value:
                found = _point_in(value[key])
                if found is not None:
                    return found
        if isinstance(value.get("arguments"), str):
            return answer_point(value["arguments"])
        return None
    if isinstance(value, list):
        for item in value:
            found = _point_in(item)
            if found is not None:
                return found
    return None


def answer_point(text: str) -> tuple[float, float] | None:
    """The first JSON answer with lat/lon in a reply (Thinking with Map scores that one),
    or None. A ``submit_verdict`` call, a protocol reply ``{"calls": [...]}`` and a bare
    ``{"lat": …, "lon": …}`` all count."""
    for value in json_objects(text):
        point = _point_in(value)
        if point is not None:
            return point
    return None


def format_reward(text: str) -> float:
    """REVERSE's format term (arXiv:2605.26861), for geosleuth's answer: 1.0 when the reply
    holds a JSON answer with a valid latitude (−90..90) and longitude (−180..180), else 0."""
    point = answer_point(text)
    return 1.0 if point is not None and _valid(*point) else 0.0


def tool_use_reward(calls: int, errors: int) -> float:
    """REVERSE's tool-use term (arXiv:2605.26861), for geosleuth's tools: the share of the
    clue-tool calls that ran without an error; 0 when no tool was called."""
    if calls <= 0:
        return 0.0
    return max(0.0, min(1.0, (calls - errors) / calls))


def reverse_reward(distance: float | None, fmt: float, tool_use: float) -> float:
    """REVERSE's composite (arXiv:2605.26861): 0.6 · accuracy + 0.1 · format + 0.3 · tool
    use, each term in [0, 1]."""
    w = REVERSE_WEIGHTS
    return (w["accuracy"] * reverse_accuracy(distance) + w["format"] * fmt
            + w["tool_use"] * tool_use)


# -- trainer callbacks (TRL: reward(completions, ground_truth, **kwargs)) ------------------


def truth_point(truth: Any) -> tuple[float, float] | None:
    """A ground truth as (lat, lon): a mapping with lat/lon, a pair, or JSON text of one."""
    if isinstance(truth, str):
        try:
            truth = json.loads(truth)
        except json.JSONDecodeError:
            return None
    if isinstance(truth, Mapping):
        lat, lon = truth.get("lat"), truth.get("lon")
    elif isinstance(truth, Sequence) and len(truth) == 2:
        lat, lon = truth
    else:
        return None
    if lat is None or lon is None:
        return None
    try:
        point = float(lat), float(lon)
    except (TypeError, ValueError):
        return None
    return point if _valid(*point) else None


def completion_text(completion: Any) -> str:
    """The text of a completion: a string, a message, or a conversation's last message
    (its content, with any tool calls written as JSON)."""
    if isinstance(completion, str):
        return completion
    if isinstance(completion, Mapping):
        content = completion.get("content") or ""
        if isinstance(content, list):
            content = "\n".join(p.get("text", "") for p in content
                                if isinstance(p, Mapping) and p.get("type") == "text")
        calls = completion.get("tool_calls") or []
        return "\n".join([str(content), *(json.dumps(c, default=str) for c in calls)])
    if isinstance(completion, Sequence) and completion:
        return completion_text(completion[-1])
    return ""


def _distances(completions: Sequence[Any], ground_truth: Sequence[Any]) -> list[float | None]:
    if len(completions) != len(ground_truth):
        raise ValueError(f"{len(completions)} completions but {len(ground_truth)} ground truths")
    return [distance_km(answer_point(completion_text(c)), truth_point(t))
            for c, t in zip(completions, ground_truth, strict=True)]


def reward(completions: Sequence[Any], ground_truth: Sequence[Any], **kwargs: Any
           ) -> list[float]:
    """Thinking with Map's step reward of each completion's first JSON answer."""
    return [twm_step_reward(d) for d in _distances(completions, ground_truth)]


def geoscore(completions: Sequence[Any], ground_truth: Sequence[Any], **kwargs: Any
             ) -> list[float]:
    """The normalised GeoScore of each completion's first JSON answer."""
    return [geoscore_reward(d) for d in _distances(completions, ground_truth)]


_CALL = re.compile(r'"name"\s*:\s*"([^"]+)"')


def reverse(completions: Sequence[Any], ground_truth: Sequence[Any], *,
            tools: Sequence[str] | None = None, **kwargs: Any) -> list[float]:
    """REVERSE's composite of each completion. Tool use counts the calls the completion
    names (``"name": "…"`` in its JSON); with ``tools`` given, a call of a tool not in it
    is an error. The final answer (submit_verdict) is not a clue-tool call."""
    out = []
    for c, d in zip(completions, _distances(completions, ground_truth), strict=True):
        text = completion_text(c)
        names = [n for n in _CALL.findall(text) if n not in ("submit_verdict", "conclude")]
        errors = sum(1 for n in names if tools is not None and n not in tools)
        out.append(reverse_reward(d, format_reward(text), tool_use_reward(len(names), errors)))
    return out


__all__ = [
    "answer_point", "completion_text", "distance_km", "format_reward", "geoscore",
    "geoscore_reward", "reverse", "reverse_accuracy", "reverse_reward", "reward",
    "tool_use_reward", "truth_point", "twm_step_reward",
]
