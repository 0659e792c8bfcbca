"""report.md: the auditable case report, rendered from the case record alone.

Everything read from the image or its metadata is escaped (``report.escape.md``) so that
it cannot break the markdown or pass for the tool's own words.
"""

from __future__ import annotations

import json
from typing import Any

from geosleuth.report.escape import code, md, osm_link

METHOD = (
    "The confidence is the posterior probability that the true location lies within the "
    "stated radius. Each piece of evidence with a constraint multiplies a robust likelihood "
    "into a prior (half land area, half population); the posterior is computed on an adaptive "
    "H3 grid; hypotheses are its peaks, each scored by the probability within its radius."
)


def _pt(lat: float | None, lon: float | None, radius: float | None = None) -> str:
    if lat is None or lon is None:
        return "—"
    return f"[{lat:.5f}, {lon:.5f}]({osm_link(lat, lon, radius)})"


def _constraint(c: dict[str, Any] | None) -> str:
    if not c:
        return "—"
    kind, s = c["kind"], c.get("strength", 0)
    if kind == "point":
        return f"near {_pt(c['lat'], c['lon'], c['radius_km'])} ±{c['radius_km']:g} km (s={s:.2f})"
    if kind == "countries":
        top = sorted(c["weights"].items(), key=lambda kv: -kv[1])[:6]
        return "countries " + ", ".join(f"{md(k)} {w:.2f}" for k, w in top) + f" (s={s:.2f})"
    if kind == "band":
        return f"{c['axis']} {c['low']:g}…{c['high']:g} (s={s:.2f})"
    if kind == "bbox":
        return f"box S{c['south']:g} W{c['west']:g} N{c['north']:g} E{c['east']:g} (s={s:.2f})"
    return f"{md(kind)} (s={s:.2f})"


def _ids(ids: list[str]) -> str:
    return ", ".join(ids) or "—"


def _args(args: dict[str, Any]) -> str:
    return md(json.dumps(args, ensure_ascii=False, sort_keys=True), 160) if args else "—"


def render(record: dict[str, Any]) -> str:
    img, v = record["image"], record["verdict"]
    out: list[str] = [f"# geosleuth case: {md(img['path'].rsplit('/', 1)[-1])}", ""]

    out += ["## Verdict", ""]
    if v["lat"] is None:
        out.append(
            "**No answer.** The evidence does not single out a place"
            " (level: unknown, confidence 0)."
        )
    else:
        out.append(
            f"**{md(v['place'] or 'Unnamed place')}** ({md(v['country_code'] or '??')}) — "
            f"{_pt(v['lat'], v['lon'], v['radius_km'])}"
        )
        out.append("")
        out.append(
            f"- Within **{v['radius_km']:g} km**, confidence **{v['confidence']:.2f}**,"
            f" level **{v['level']}**"
        )
    how = (
        "forced at the end of the step budget"
        if v.get("forced")
        else "submitted by the reasoner and checked"
    )
    if v.get("stopped"):
        how = f"forced: {md(v['stopped'])}"
    out.append(f"- How it was reached: {md(v.get('rationale') or '—')}; {how}.")
    if v.get("evidence"):
        out.append(f"- Rests on: {', '.join(v['evidence'])}")
    if record.get("error"):
        out.append(f"- **The case stopped early:** {md(record['error'])}")
    out += ["", f"_Method:_ {METHOD}", ""]

    hyps = record["hypotheses"]
    top = hyps[0] if hyps else None
    if top and top["contradicted_by"]:
        out += [
            "## Conflicts",
            "",
            f"Evidence that contradicts the leading hypothesis {top['id']}: "
            f"{_ids(top['contradicted_by'])}. It lowered the confidence; see the evidence table.",
            "",
        ]

    out += ["## Hypotheses", ""]
    if not hyps:
        out += ["No hypothesis: no evidence constrained the place.", ""]
    else:
        out += [
            "| id | probability | place | point | radius km | supported by | contradicted by |",
            "|---|---|---|---|---|---|---|",
        ]
        for h in hyps:
            out.append(
                f"| {h['id']} | {h['score']:.3f} | {md(h['place'] or '—')} | "
                f"{_pt(h['lat'], h['lon'], h['radius_km'])} | {h['radius_km']:g} | "
                f"{_ids(h['supported_by'])} | {_ids(h['contradicted_by'])} |"
            )
        out.append("")

    out += ["## Evidence", ""]
    if not record["evidence"]:
        out += ["No evidence was gathered.", ""]
    else:
        supports: dict[str, list[str]] = {}
        contradicts: dict[str, list[str]] = {}
        for h in hyps:
            for eid in h["supported_by"]:
                supports.setdefault(eid, []).append(h["id"])
            for eid in h["contradicted_by"]:
                contradicts.setdefault(eid, []).append(h["id"])
        out += [
            "| id | tool (version) | by | arguments | finding | constraint | supports"
            " | contradicts | ms |",
            "|---|---|---|---|---|---|---|---|---|",
        ]
        for e in record["evidence"]:
            host = f" via {md(e['host'])}" if e.get("host") else ""
            out.append(
                f"| {e['id']} | {md(e['tool'])} {md(e['tool_version'])}{host}"
                f" | {md(e.get('author', 'tool'))} | {_args(e.get('args') or {})}"
                f" | {md(e['summary'])} | {_constraint(e.get('constraint'))}"
                f" | {_ids(supports.get(e['id'], []))} | {_ids(contradicts.get(e['id'], []))} | "
                f"{e.get('elapsed_ms', 0):.0f} |"
            )
        out.append("")

    out += ["## Steps of the investigation", ""]
    for s in record["steps"]:
        out.append(f"{s['index']}. {md(s['thought'] or '(no thought recorded)')}")
        for c in s["calls"]:
            obs = next((o for o in s["observations"] if o["call_id"] == c["id"]), None)
            result = "—"
            if obs:
                result = (
                    f"error: {md(obs['error'])}"
                    if obs["error"]
                    else (", ".join(obs["evidence"]) or "no evidence")
                )
            out.append(f"   - {code(c['name'])} {_args(c['args'])} → {result}")
        if s.get("submission"):
            sub = s["submission"]
            out.append(
                f"   - submitted {_pt(sub['lat'], sub['lon'], sub['radius_km'])}"
                f" ±{sub['radius_km']:g} km"
                + (f" — rejected: {md(s['rejection'])}" if s.get("rejection") else " — accepted")
            )
        u = s.get("usage") or {}
        if u.get("tokens_in") or u.get("tokens_out"):
            out.append(
                f"   - tokens {u['tokens_in']} in / {u['tokens_out']} out,"
                f" ${u['cost_usd']:.4f}, {u['latency_ms']:.0f} ms"
            )
    out.append("")

    out += ["## Egress", ""]
    if not record["egress"]:
        out += ["Nothing left this machine.", ""]
    else:
        out += ["| host | what went | tool |", "|---|---|---|"]
        out += [
            f"| {md(x['host'])} | {md(x['what'])} | {md(x.get('tool') or '—')} |"
            for x in record["egress"]
        ]
        out.append("")

    u = record.get("usage") or {}
    out += [
        "## Reproducibility",
        "",
        f"- Image: {md(img['path'])}, sha256 `{img['sha256']}`,"
        f" {img['width']}×{img['height']} {md(img.get('format', ''))}",
        f"- geosleuth {md(record['geosleuth_version'])}; backend {md(record['backend']['name'])}"
        f", model {md(record['backend']['model'] or '—')}"
        + (f" at {md(record['backend']['host'])}" if record["backend"].get("host") else "")
        + (
            f"; prompts {md(record['backend']['prompts'])}"
            if record["backend"].get("prompts")
            else ""
        ),
        f"- Ran at {record.get('created', '—')} in {record['timing']['total_ms'] / 1000:.2f} s"
        + (
            f"; tokens {u.get('tokens_in', 0)} in / {u.get('tokens_out', 0)} out,"
            f" ${u.get('cost_usd', 0):.4f}"
            if u.get("tokens_in")
            else ""
        ),
        f"- User clues: {', '.join(md(c) for c in record.get('clues', [])) or 'none'}; "
        f"metadata {'hidden (--ignore-metadata)' if record.get('ignore_metadata') else 'used'}",
        "- Settings:",
        "",
        "```json",
        json.dumps(
            record.get("settings", {}), indent=2, sort_keys=True, ensure_ascii=False
        ).replace("```", "'''"),
        "```",
        "",
    ]
    return "\n".join(out)
