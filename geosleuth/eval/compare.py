"""Two eval runs side by side: every headline metric, and a paired look at common photos."""

from __future__ import annotations

import json
import statistics
from pathlib import Path
from typing import Any

from geosleuth.errors import BadInputError
from geosleuth.eval.metrics import THRESHOLDS_KM, threshold_key
from geosleuth.eval.report import METRICS_JSON, PER_PHOTO_JSONL


def _accuracy(key: str) -> Any:
    return lambda m: m["accuracy_km"][key]


# (label, getter, higher is better)
_METRICS: list[tuple[str, Any, bool]] = [
    ("answered", lambda m: m["answered_share"], True),
    *[(f"within {threshold_key(t)} km", _accuracy(threshold_key(t)), True)
      for t in THRESHOLDS_KM],
    ("median error km", lambda m: m["median_error_km"], False),
    ("mean error km", lambda m: m["mean_error_km"], False),
    ("GeoScore", lambda m: m["geoscore"], True),
    ("country accuracy", lambda m: m["country_accuracy"], True),
    ("within stated radius", lambda m: m["within_stated_radius"], True),
    ("ECE", lambda m: m["calibration"]["ece"], False),
    ("Brier", lambda m: m["calibration"]["brier"], False),
    ("seconds per photo", lambda m: m["time_s"]["mean"], False),
    ("USD per photo", lambda m: m["cost_usd"]["mean"], False),
]
_SHARES = {"answered", "country accuracy", "within stated radius"} | {
    f"within {threshold_key(t)} km" for t in THRESHOLDS_KM}


def load_run(folder: Path) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    folder = Path(folder)
    path = folder / METRICS_JSON
    if not path.is_file():
        raise BadInputError(f"{folder}: not an eval run (no {METRICS_JSON}); run "
                            "'geosleuth eval DATASET --out FOLDER' first")
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise BadInputError(f"{path}: not valid JSON ({exc.msg})") from None
    rows: list[dict[str, Any]] = []
    per_photo = folder / PER_PHOTO_JSONL
    if per_photo.is_file():
        rows = [json.loads(line) for line in per_photo.read_text(encoding="utf-8").splitlines()
                if line.strip()]
    return document, rows


def compare_runs(a: Path, b: Path) -> dict[str, Any]:
    doc_a, rows_a = load_run(a)
    doc_b, rows_b = load_run(b)
    table = []
    for label, get, higher_better in _METRICS:
        va, vb = get(doc_a["metrics"]), get(doc_b["metrics"])
        delta = None if va is None or vb is None else vb - va
        better = None
        if delta is not None and abs(delta) > 1e-12:
            better = "B" if (delta > 0) == higher_better else "A"
        table.append({"metric": label, "a": va, "b": vb, "delta": delta, "better": better,
                      "share": label in _SHARES})
    by_a = {r["id"]: r for r in rows_a}
    common = [(by_a[r["id"]], r) for r in rows_b if r["id"] in by_a]
    both = [(x, y) for x, y in common if x["error_km"] is not None and y["error_km"] is not None]
    changes = [y["error_km"] - x["error_km"] for x, y in both]
    paired = {
        "common": len(common),
        "both_answered": len(both),
        "b_closer": sum(1 for c in changes if c < 0),
        "a_closer": sum(1 for c in changes if c > 0),
        "median_change_km": statistics.median(changes) if changes else None,
        "answered_only_by_a": sum(1 for x, y in common
                                  if x["error_km"] is not None and y["error_km"] is None),
        "answered_only_by_b": sum(1 for x, y in common
                                  if x["error_km"] is None and y["error_km"] is not None),
    }
    return {"a": {"path": str(a), "run": doc_a.get("run", {}), "dataset": doc_a.get("dataset")},
            "b": {"path": str(b), "run": doc_b.get("run", {}), "dataset": doc_b.get("dataset")},
            "metrics": table, "paired": paired}


def _fmt(value: float | None, share: bool) -> str:
    if value is None:
        return "–"
    if share:
        return f"{value * 100:.1f} %"
    return f"{value:.3f}" if abs(value) < 10 else f"{value:.1f}"


def format_row(row: dict[str, Any]) -> tuple[str, str, str, str]:
    delta = row["delta"]
    if delta is None:
        d = "–"
    elif row["share"]:
        d = f"{delta * 100:+.1f} pt"
    else:
        d = f"{delta:+.3f}" if abs(delta) < 10 else f"{delta:+.1f}"
    return row["metric"], _fmt(row["a"], row["share"]), _fmt(row["b"], row["share"]), d


def compare_markdown(cmp: dict[str, Any]) -> str:
    from geosleuth.report.escape import md

    lines = [f"A: {md(cmp['a']['path'])} ({md(cmp['a']['run'].get('backend'))})",
             f"B: {md(cmp['b']['path'])} ({md(cmp['b']['run'].get('backend'))})", "",
             "| metric | A | B | B − A | better |", "|---|---|---|---|---|"]
    for row in cmp["metrics"]:
        name, a, b, d = format_row(row)
        lines.append(f"| {name} | {a} | {b} | {d} | {row['better'] or '='} |")
    p = cmp["paired"]
    lines += ["", f"Common photos: {p['common']}; both answered: {p['both_answered']}; "
              f"B closer on {p['b_closer']}, A closer on {p['a_closer']}; median change "
              f"{_fmt(p['median_change_km'], False)} km; answered only by A: "
              f"{p['answered_only_by_a']}, only by B: {p['answered_only_by_b']}."]
    return "\n".join(lines) + "\n"
