"""report.md: the auditable case report, rendered from the case record alone.

Everything read from the image or its metadata is escaped (``report.escape.md``) so that
it cannot break the markdown or pass for the tool's own words.
"""

from __future__ import annotations

import json
from typing import Any

from pydantic import TypeAdapter, ValidationError

from geosleuth.model import GeoConstraint, PointConstraint
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


_CONSTRAINT: TypeAdapter[GeoConstraint] = TypeAdapter(GeoConstraint)


def _constraint(c: dict[str, Any] | None) -> str:
    """A constraint of the case record as the model describes it, with a map link for a point."""
    if not c:
        return "—"
    try:
        model = _CONSTRAINT.validate_python(c)
    except ValidationError:
        return f"{md(c.get('kind', 'constraint'))} (unreadable in this version)"
    text = md(model.describe())
    if isinstance(model, PointConstraint):
        text += f" ([map]({osm_link(model.lat, model.lon, model.radius_km)}))"
    return text


def _ids(ids: list[str]) -> str:
    return ", ".join(ids) or "—"


def _args(args: dict[str, Any]) -> str:
    return md(json.dumps(args, ensure_ascii=False, sort_keys=True), 160) if args else "—"


def _step(s: dict[str, Any]) -> list[str]:
    """One step: its thought, its tool calls with what they found, and its submission."""
    out = [f"{s['index']}. {md(s['thought'] or '(no thought recorded)')}"]
    for c in s["calls"]:
        obs = next((o for o in s["observations"] if o["call_id"] == c["id"]), None)
        result = "—"
        if obs:
            result = (f"error: {md(obs['error'])}" if obs["error"]
                      else (", ".join(obs["evidence"]) or "no evidence"))
        out.append(f"   - {code(c['name'])} {_args(c['args'])} → {result}")
    if s.get("submission"):
        sub = s["submission"]
        out.append(f"   - submitted {_pt(sub['lat'], sub['lon'], sub['radius_km'])}"
                   f" ±{sub['radius_km']:g} km"
                   + (f" — rejected: {md(s['rejection'])}" if s.get("rejection")
                      else " — accepted"))
    return out


# Figures a report shows: "photo" (the thumbnail) and "map" (map.png), each by the
# address it is read from (a file name beside report.md, or a data: URI in report.html).
Figures = dict[str, str]
PHOTO_ALT = "The photo (a thumbnail without its metadata)"
MAP_ALT = "Map of the verdict circle, the hypotheses and the located evidence"


def _title(record: dict[str, Any], figures: Figures | None = None) -> list[str]:
    out = [f"# geosleuth case: {md(record['image']['path'].rsplit('/', 1)[-1])}", ""]
    if figures and figures.get("photo"):
        out += [f"![{PHOTO_ALT}]({figures['photo']})", ""]
    return out


def verdict_section(record: dict[str, Any], figures: Figures | None = None) -> list[str]:
    """The verdict, how it was reached, what it rests on, the map, and the method."""
    v = record["verdict"]
    out = ["## Verdict", ""]
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
        if v.get("country_confidence") is not None and v.get("country_code"):
            out.append(f"- In **{md(v['country_code'])}** (anywhere in it): probability"
                       f" **{v['country_confidence']:.2f}**")
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
    out.append("")
    if figures and figures.get("map"):
        out += [f"![{MAP_ALT}]({figures['map']})", "",
                "_Map:_ the verdict's circle in red, each hypothesis and its circle in blue,"
                " the evidence that located a point in purple, sun loci in orange; the"
                " same shapes are in hypotheses.geojson and case.kml.", ""]
    out += [f"_Method:_ {METHOD}", ""]
    return out


def paths_section(record: dict[str, Any]) -> list[str]:
    """Parallel paths: each path's verdict, evidence and steps, the clusters, the verifier's
    choice and reasons, and how the confidence was reached (nothing for a single path)."""
    paths = record.get("paths") or []
    if not paths or record.get("verification") is None:
        return []
    out = ["## Paths", "", *_paths_table(record), *_clusters(record), *_verifier(record)]
    for p in paths:
        out += _path_details(p)
    return out


def _paths_table(record: dict[str, Any]) -> list[str]:
    """How many paths ran and what they cost, and one row per path."""
    paths = record["paths"]
    budget = record.get("budget") or {}
    ran = sum(1 for p in paths if p["status"] in ("done", "failed", "stopped"))
    line = f"{ran} of {len(paths)} paths ran"
    if budget.get("early_stop"):
        line += f"; early stop: {md(budget['early_stop'])}"
    if budget.get("model_calls"):
        line += (f"; {budget['model_calls']} model calls, {budget.get('tokens_in', 0)} tokens in"
                 f" / {budget.get('tokens_out', 0)} out, ${budget.get('cost_usd', 0):.4f}")
    if budget.get("refused_calls"):
        line += f"; {budget['refused_calls']} calls refused by the total budget"
    out = [line + ".", ""]
    out += ["| path | status | verdict | radius km | place | path confidence | cluster | steps"
            " | ms |", "|---|---|---|---|---|---|---|---|---|"]
    for p in paths:
        v = p.get("verdict") or {}
        mark = " (chosen)" if p.get("chosen") else ""
        status = p["status"] + (f": {md(p['note'] or p['error'])}"
                                if p.get("note") or p.get("error") else "")
        stopped = f"; {md(v['stopped'])}" if v.get("stopped") else ""
        conf = v.get("confidence")
        out.append(
            f"| {p['path']}{mark} | {status}{stopped} | {_pt(v.get('lat'), v.get('lon'))} |"
            f" {v['radius_km'] if v.get('radius_km') is not None else '—'} |"
            f" {md(v.get('place') or '—')} | {f'{conf:.3f}' if conf is not None else '—'} |"
            f" {p.get('cluster') or '—'} | {len(p.get('steps') or [])} |"
            f" {p.get('elapsed_ms', 0):.0f} |")
    out.append("")
    return out


def _clusters(record: dict[str, Any]) -> list[str]:
    clusters = record.get("clusters") or []
    if not clusters:
        return []
    out = ["| cluster | paths | centre | spread km | share of paths |", "|---|---|---|---|---|"]
    out += [f"| {c['id']} | {', '.join(str(m) for m in c['members'])} |"
            f" {_pt(c['lat'], c['lon'])} | {c['spread_km']:g} | {c['share']:.2f} |"
            for c in clusters]
    out.append("")
    return out


def _verifier(record: dict[str, Any]) -> list[str]:
    """The verifier's choice and reasons, and how the confidence was reached."""
    ver = record["verification"]
    out: list[str] = []
    who = "a model" if ver["method"] == "model" else "the evidence scorer"
    if ver.get("choice") is None:
        out.append(f"- **Verifier:** no path to choose ({md(ver['reasons'])}).")
    else:
        out.append(f"- **Verifier:** path {ver['choice']}, chosen by {who}"
                   + (" (the model's answer was unusable; the evidence scorer decided)"
                      if ver.get("status") == "fallback" else "") + ".")
        out.append(f"- Reasons: {md(ver['reasons'], 1500)}")
    if ver.get("problem"):
        out.append(f"- Problem: {md(ver['problem'])}")
    scores = ver.get("evidence_scores") or {}
    if scores:
        out.append("- Evidence scores (pooled posterior mass near each path's verdict): "
                   + ", ".join(f"path {k} {v:.3f}" for k, v in scores.items()))
    conf = record.get("confidence") or {}
    if conf.get("explanation"):
        out.append(f"- **Confidence:** {md(conf['explanation'], 600)}")
    out.append("")
    return out


def _path_details(p: dict[str, Any]) -> list[str]:
    """A path's evidence and steps (the chosen path's steps are the investigation's)."""
    if not p.get("steps") and not p.get("evidence"):
        return []
    out = [f"### Path {p['path']}" + (" (chosen)" if p.get("chosen") else ""), ""]
    for e in p.get("evidence") or []:
        where = f" — {_constraint(e['constraint'])}" if e.get("constraint") else ""
        out.append(f"- {e['id']} {code(e['tool'])}: {md(e['summary'])}{where}")
    if p.get("evidence"):
        out.append("")
    if p.get("chosen"):
        return [*out, "Its steps are under Steps of the investigation.", ""]
    out += [line for s in p.get("steps") or [] for line in _step(s)]
    out.append("")
    return out


def conflicts_section(record: dict[str, Any]) -> list[str]:
    """The evidence against the hypothesis the verdict stands on, else against the leading
    one (nothing when none is against it). The verdict can be a circle inside a wider,
    weaker first hypothesis (``fusion.fuse.nested_answer``)."""
    hyps = record["hypotheses"]
    v = record.get("verdict") or {}
    chosen = next((h for h in hyps if v.get("lat") is not None
                   and (h["lat"], h["lon"], h["radius_km"])
                   == (v["lat"], v["lon"], v["radius_km"])), None)
    top = chosen or (hyps[0] if hyps else None)
    if not (top and top["contradicted_by"]):
        return []
    which = "the verdict's hypothesis" if chosen is not None else "the leading hypothesis"
    return [
        "## Conflicts",
        "",
        f"Evidence that contradicts {which} {top['id']}: "
        f"{_ids(top['contradicted_by'])}. It lowered the confidence; see the evidence table.",
        "",
    ]


def hypotheses_section(record: dict[str, Any]) -> list[str]:
    hyps = record["hypotheses"]
    out = ["## Hypotheses", ""]
    if not hyps:
        return [*out, "No hypothesis: no evidence constrained the place.", ""]
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
    return out


def evidence_section(record: dict[str, Any]) -> list[str]:
    """Every piece of evidence, with the hypotheses it supports and contradicts."""
    out = ["## Evidence", ""]
    if not record["evidence"]:
        return [*out, "No evidence was gathered.", ""]
    supports: dict[str, list[str]] = {}
    contradicts: dict[str, list[str]] = {}
    for h in record["hypotheses"]:
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
    return out


VIEW_PREFIX = "view:"  # figures["view:E7"]: the picture of the map view E7


def views_section(record: dict[str, Any], figures: Figures | None = None) -> list[str]:
    """The map views the reasoner looked at (``map_view``), each as it saw it."""
    views = [e for e in record["evidence"]
             if isinstance((e.get("data") or {}).get("view"), dict)]
    if not views:
        return []
    out = ["## Map views", "",
           "What the reasoner saw when it asked for a map; a view locates nothing by itself.", ""]
    for e in views:
        view = e["data"]["view"]
        out += [f"### {e['id']}: {md(e['summary'])}", ""]
        where = (figures or {}).get(VIEW_PREFIX + e["id"])
        if where:
            out.append(f"![{md(str(view.get('layer', 'map')))} view {e['id']}]({where})")
        else:
            out.append("The picture is not kept with this report (its cache folder is gone).")
        if view.get("attribution"):
            out += ["", f"Map: {md(str(view['attribution']))}"]
        out.append("")
    return out


def steps_section(record: dict[str, Any]) -> list[str]:
    """The steps of the investigation, each with the tokens it used."""
    out = ["## Steps of the investigation", ""]
    for s in record["steps"]:
        out += _step(s)
        u = s.get("usage") or {}
        if u.get("tokens_in") or u.get("tokens_out"):
            out.append(
                f"   - tokens {u['tokens_in']} in / {u['tokens_out']} out,"
                f" ${u['cost_usd']:.4f}, {u['latency_ms']:.0f} ms"
            )
    out.append("")
    return out


def investigator_section(record: dict[str, Any]) -> list[str]:
    """What a person added or decided during the case (nothing when no one did)."""
    mine = [e for e in record["evidence"] if e.get("author") == "investigator"]
    if not mine:
        return []
    out = ["## The investigator's actions", "",
           "What a person added or decided during the case, in order (evidence authored"
           " \"investigator\"):", ""]
    for e in mine:
        action = (e.get("args") or {}).get("action", "clue")
        what = _constraint(e.get("constraint"))
        out.append(f"- {e['id']} ({md(action)}): {md(e['summary'])}"
                   + (f" → {what}" if what != "—" else ""))
    out.append("")
    return out


def egress_section(record: dict[str, Any]) -> list[str]:
    """What left this machine, to which host, for which tool."""
    out = ["## Egress", ""]
    if not record["egress"]:
        return [*out, "Nothing left this machine.", ""]
    out += ["| host | what went | tool |", "|---|---|---|"]
    out += [
        f"| {md(x['host'])} | {md(x['what'])} | {md(x.get('tool') or '—')} |"
        for x in record["egress"]
    ]
    out.append("")
    return out


def _decoded(img: dict[str, Any]) -> str:
    """How far a photo over the decode budget was reduced, or nothing."""
    dec = img.get("decoded")
    if not isinstance(dec, dict):
        return ""
    try:
        scale = float(img["width"]) / float(dec["width"])
        return (f"; read reduced to {int(dec['width'])}×{int(dec['height'])} (1/{scale:.3g} of"
                f" each side: over the decode budget of {int(dec['decode_budget_mb'])} MB)")
    except (KeyError, TypeError, ValueError, ZeroDivisionError):
        return ""


def reproducibility_section(record: dict[str, Any]) -> list[str]:
    """The image, versions, backend, timing, clues and settings of the run."""
    img = record["image"]
    u = record.get("usage") or {}
    return [
        "## Reproducibility",
        "",
        f"- Image: {md(img['path'])}, sha256 `{img['sha256']}`,"
        f" {img['width']}×{img['height']} {md(img.get('format', ''))}" + _decoded(img),
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


def render(record: dict[str, Any], figures: Figures | None = None) -> str:
    """report.md for a case record: its sections, in order, with the figures given."""
    sections = (
        _title,
        verdict_section,
        paths_section,
        conflicts_section,
        hypotheses_section,
        evidence_section,
        views_section,
        steps_section,
        investigator_section,
        egress_section,
        reproducibility_section,
    )
    lines: list[str] = []
    for section in sections:
        lines += (section(record, figures) if section in (_title, verdict_section,
                                                          views_section)
                  else section(record))
    return "\n".join(lines)
