"""Trajectories from case records: one per investigation path, whole, with its rewards.

A case record keeps every path whole: with ``--paths K`` each of the K paths is in
``record["paths"]`` (its verdict, evidence, steps and each step's model exchange), not
only the one the verifier chose; a one-path case is its top-level ``steps``,
``evidence`` and ``verdict``. ``case_trajectories`` turns a record into one
``geosleuth.trajectory/1`` dict per path that ran:

- ``image``: the photo (its file on this machine, its sha256 and size); ``group`` is
  the photo's sha256, so the K paths of one photo form one group (GRPO's);
- ``system_prompt`` and ``tools`` (the specs of the tools offered, by name): the
  installed ones; the case names its prompts by version and each tool's spec by a
  fingerprint, and ``system_prompt_source`` and ``tools_source`` say whether the
  installed ones are those the model saw (a case from before the fingerprints were
  recorded gets the installed specs, so marked);
- ``steps``: per step, the request as the model saw it (the user message's text parts,
  with the summary and the recent steps, and its images by label, hash and size; the
  tools offered, in order), the reply (text and tool calls), the observations (each
  call's evidence with its one-line summary, or its error), the submission and any
  rejection; a step of a reasoner without a model (offline) has no request or reply;
- ``answer`` (the path's own verdict), ``truth``, ``distance_km`` and ``rewards``.

The rewards of a path (``path_rewards``): Thinking with Map's step reward, the
normalised GeoScore, and REVERSE's composite with its terms, where format is 1 when
every model reply of the path was usable and the path ended with a verdict it submitted
that passed the checks, and tool use is the share of clue-tool calls without an error.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from geosleuth.training import rewards as R

SCHEMA = "geosleuth.trajectory/1"
REWARD_NAMES = ("twm", "geoscore", "reverse")


@dataclass(frozen=True)
class Truth:
    lat: float | None
    lon: float | None
    country: str | None = None

    @property
    def point(self) -> tuple[float, float] | None:
        return (self.lat, self.lon) if self.lat is not None and self.lon is not None else None

    def as_dict(self) -> dict[str, Any]:
        return {"lat": self.lat, "lon": self.lon, "country": self.country}


def _paths_of(record: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """Each path that ran, as ``{path, status, error, chosen, verdict, evidence, steps}``."""
    entries = record.get("paths") or []
    if not entries:
        v = record.get("verdict") or {}
        yield {"path": 0, "status": "failed" if record.get("error") else "done",
               "error": record.get("error"), "chosen": True, "verdict": v,
               "evidence": record.get("evidence") or [], "steps": record.get("steps") or [],
               "paths": 1}
        return
    for e in entries:
        if e.get("status") not in ("done", "failed", "stopped") or e.get("verdict") is None:
            continue  # skipped by early stopping, or never started
        yield {**e, "paths": len(entries)}


def _exchange(step: dict[str, Any]) -> dict[str, Any] | None:
    """The step's last model exchange that got a reply (repairs and shrinks come before)."""
    for entry in reversed(step.get("transcript") or []):
        if isinstance(entry, dict) and entry.get("reply") is not None:
            return entry
    return None


def _usable(reply: dict[str, Any]) -> bool:
    if reply.get("refusal") or reply.get("protocol_error"):
        return False
    calls = reply.get("tool_calls") or []
    if any(c.get("arguments") is None for c in calls):
        return False
    return bool((reply.get("text") or "").strip() or calls)


def _request(exchange: dict[str, Any], system_version: str | None) -> dict[str, Any]:
    req = exchange.get("request") or {}
    user: list[dict[str, Any]] = []
    images: list[dict[str, Any]] = []
    for m in req.get("messages") or []:
        if m.get("role") != "user":
            continue
        content = m.get("content")
        for part in content if isinstance(content, list) else [content or ""]:
            if isinstance(part, dict) and "image" in part:
                size = part.get("size") or [0, 0]
                images.append({"label": str(part["image"]), "sha256": part.get("sha256"),
                               "size": [int(size[0]), int(size[1])]})
                user.append({"type": "image"})
            else:
                user.append({"type": "text", "text": str(part)})
    return {"user": user, "images": images, "tools": req.get("tools"),
            "system_prompt": system_version, "shrink": exchange.get("shrink", 0)}


def _reply(exchange: dict[str, Any]) -> dict[str, Any]:
    r = exchange.get("reply") or {}
    return {"text": r.get("text") or "",
            "tool_calls": [{"id": c.get("id"), "name": c.get("name"),
                            "arguments": c.get("arguments"),
                            "raw_arguments": c.get("raw_arguments"), "error": c.get("error")}
                           for c in r.get("tool_calls") or []],
            "usable": _usable(r), "finish": r.get("finish")}


def _observations(step: dict[str, Any], evidence: dict[str, dict[str, Any]]
                  ) -> list[dict[str, Any]]:
    out = []
    for o in step.get("observations") or []:
        out.append({"call_id": o.get("call_id"), "tool": o.get("tool"), "error": o.get("error"),
                    "evidence": [{"id": eid, "summary": (evidence.get(eid) or {}).get("summary")}
                                 for eid in o.get("evidence") or []]})
    return out


def path_rewards(distance: float | None, *, calls: int, errors: int, fmt: float
                 ) -> dict[str, float | None]:
    """The rewards of one path: distance terms (None without a truth) and reply terms."""
    tool_use = R.tool_use_reward(calls, errors)
    known = distance is not None
    return {
        "twm": R.twm_step_reward(distance) if known else None,
        "geoscore": R.geoscore_reward(distance) if known else None,
        "reverse": R.reverse_reward(distance, fmt, tool_use) if known else None,
        "reverse_accuracy": R.reverse_accuracy(distance) if known else None,
        "format": fmt,
        "tool_use": tool_use,
    }


def _tools(recorded: Any, current: dict[str, Any]) -> tuple[dict[str, Any], str]:
    """The specs of the tools a case offered, from the installed ones, and how faithful they
    are: the case recorded each spec's fingerprint (``backend.tools``), which tells whether
    the installed spec is the one the model saw."""
    from geosleuth.backends.llm_reasoner import spec_fingerprint

    if not isinstance(recorded, dict) or not recorded:
        return current, "current (the case recorded no tool fingerprints)"
    specs = {n: current[n] for n in recorded if n in current}
    missing = sorted(n for n in recorded if n not in current)
    changed = sorted(n for n in specs if spec_fingerprint(specs[n]) != recorded[n])
    if not missing and not changed:
        return specs, "current, the same as the case's"
    parts = [f"changed since the case: {', '.join(changed)}" if changed else "",
             f"not installed: {', '.join(missing)}" if missing else ""]
    return specs, "current; " + "; ".join(p for p in parts if p)


def case_trajectories(record: dict[str, Any], *, case_dir: Path | None, photo: Path | None,
                      truth: Truth | None, current_prompt: str, current_version: str,
                      current_tools: Callable[[], dict[str, Any]]) -> list[dict[str, Any]]:
    """One ``geosleuth.trajectory/1`` dict per path of a case record."""
    backend = record.get("backend") or {}
    version = backend.get("prompts")
    modelled_case = any(_exchange(s) for p in _paths_of(record) for s in p["steps"])
    system: str | None = None
    source = tools_source = None
    tools: dict[str, Any] = {}
    if modelled_case:
        system = current_prompt
        source = ("current (same prompts version)" if version == current_version
                  else f"current (the case used prompts {version})")
        tools, tools_source = _tools(backend.get("tools"), current_tools())
    image = record["image"]
    out = []
    for p in _paths_of(record):
        evidence = {e.get("id"): e for e in p["evidence"]}
        steps, calls, errors, usable, submitted = [], 0, 0, True, False
        for s in p["steps"]:
            exchange = _exchange(s)
            obs = _observations(s, evidence)
            calls += len(s.get("calls") or [])
            errors += sum(1 for o in obs if o["error"])
            reply = _reply(exchange) if exchange is not None else None
            if reply is not None and not reply["usable"]:
                usable = False
            sub = s.get("submission")
            if sub is not None and not s.get("rejection"):
                submitted = True
            steps.append({
                "index": s.get("index"), "thought": s.get("thought", ""),
                "request": _request(exchange, version) if exchange is not None else None,
                "reply": reply,
                "calls": [{"id": c.get("id"), "name": c.get("name"), "args": c.get("args")}
                          for c in s.get("calls") or []],
                "observations": obs, "submission": sub, "rejection": s.get("rejection"),
            })
        modelled = any(st["request"] is not None for st in steps)
        v = p["verdict"] or {}
        answered = v.get("lat") is not None and v.get("lon") is not None
        answer = ({k: v.get(k) for k in ("lat", "lon", "radius_km", "confidence", "place",
                                         "country_code", "level", "forced")}
                  if answered else None)
        distance = R.distance_km((v["lat"], v["lon"]) if answered else None,
                                 truth.point if truth else None)
        fmt = 1.0 if modelled and usable and submitted else 0.0
        out.append({
            "schema": SCHEMA,
            "id": f"{image['sha256'][:12]}-p{p['path']}",
            "group": image["sha256"],
            "case_dir": str(case_dir) if case_dir is not None else None,
            "image": {"path": str(photo) if photo is not None else None,
                      "recorded_path": image.get("path"), "sha256": image["sha256"],
                      "width": image.get("width"), "height": image.get("height")},
            "backend": {k: backend.get(k) for k in ("name", "model", "provider", "host",
                                                     "prompts")},
            "path": p["path"], "paths": p["paths"], "chosen": bool(p.get("chosen")),
            "status": p.get("status"), "error": p.get("error"),
            "modelled": modelled,
            "system_prompt": system, "system_prompt_source": source,
            "tools": tools, "tools_source": tools_source,
            "steps": steps,
            "answer": answer,
            "truth": truth.as_dict() if truth is not None else None,
            "distance_km": round(distance, 4) if distance is not None else None,
            "tool_calls": calls, "tool_errors": errors,
            "rewards": path_rewards(distance, calls=calls, errors=errors, fmt=fmt),
        })
    return out
