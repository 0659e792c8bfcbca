"""The files of an evaluation run: metrics.json, summary.md, per-photo rows and plots.

All are written atomically (a temporary file renamed into place), after the batch
summaries, so a finished eval folder holds either the previous report or the new one.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

from geosleuth.batch.journal import replace_text_atomically
from geosleuth.eval.metrics import THRESHOLDS_KM, PhotoScore, threshold_key

METRICS_SCHEMA = "geosleuth.eval/1"
METRICS_JSON = "metrics.json"
SUMMARY_MD = "summary.md"
PER_PHOTO_CSV = "per_photo.csv"
PER_PHOTO_JSONL = "per_photo.jsonl"
PLOTS = {"error_distribution": "error_distribution.png",
         "reliability": "reliability.png", "error_map": "error_map.png"}

PER_PHOTO_COLUMNS = (
    "id", "status", "truth_lat", "truth_lon", "truth_country", "pred_lat", "pred_lon",
    "radius_km", "confidence", "pred_country", "error_km", "within_radius",
    "country_correct", "geoscore", "elapsed_s", "cost_usd", "case_dir", "error",
)


def _md(text: Any) -> str:
    """A table cell: one line, pipes and markup characters escaped."""
    from geosleuth.report.escape import md

    return md(text)


def pct(value: float | None) -> str:
    return "–" if value is None else f"{value * 100:.1f} %"


def num(value: float | None, fmt: str = ".1f") -> str:
    return "–" if value is None else format(value, fmt)


def metrics_table(metrics: dict[str, Any]) -> list[str]:
    """The headline table in markdown: one row, the field's columns."""
    acc = metrics["accuracy_km"]
    heads = [f"≤{threshold_key(t)} km" for t in THRESHOLDS_KM]
    cells = [pct(acc[threshold_key(t)]) for t in THRESHOLDS_KM]
    header = ["photos", "answered", *heads, "median km", "mean km", "GeoScore", "country",
              "ECE", "s/photo", "USD/photo"]
    row = [str(metrics["n"]), pct(metrics["answered_share"]), *cells,
           num(metrics["median_error_km"]), num(metrics["mean_error_km"]),
           num(metrics["geoscore"], ".0f"), pct(metrics["country_accuracy"]),
           num(metrics["calibration"]["ece"], ".3f"), num(metrics["time_s"]["mean"], ".2f"),
           num(metrics["cost_usd"]["mean"], ".4f")]
    return ["| " + " | ".join(header) + " |", "|" + "---|" * len(header),
            "| " + " | ".join(row) + " |"]


def summary_markdown(document: dict[str, Any], scores: list[PhotoScore]) -> str:
    m = document["metrics"]
    ds, run = document["dataset"], document["run"]
    lines = [f"# Evaluation: {_md(ds['name'])}", ""]
    lines.append(f"Dataset {_md(ds['path'])} ({ds['format']}, {ds['items']} photos); "
                 f"backend {_md(run['backend'])}"
                 + (f" ({_md(run['model'])})" if run.get("model") else "")
                 + f"; metadata {'hidden from' if run['ignore_metadata'] else 'visible to'} the "
                 f"tools; {run['steps']} steps, {run['paths']} path(s); "
                 f"geosleuth {run['geosleuth_version']}.")
    for note in ds.get("notes") or []:
        lines.append(f"Note: {_md(note)}.")
    lines += ["", *metrics_table(m), ""]
    cal = m["calibration"]
    lines += [
        "Accuracy counts a photo without an answer as a miss; median and mean error are "
        f"over the {m['n_answered']} answered photos; GeoScore is 5000·exp(−d/1492.7 km) "
        "averaged over all photos with a true position (0 without an answer).",
        "",
        f"## Calibration ({cal['n']} answered photos)",
        "",
        f"The truth was within the stated radius for {pct(m['within_stated_radius'])} of "
        f"them. ECE {num(cal['ece'], '.3f')}, Brier {num(cal['brier'], '.3f')}.",
        "",
        "| stated confidence | photos | mean stated | observed |",
        "|---|---|---|---|",
    ]
    for b in cal["bins"]:
        if b["n"]:
            lines.append(f"| {b['lo']:.1f}–{b['hi']:.1f} | {b['n']} | "
                         f"{pct(b['mean_confidence'])} | {pct(b['observed'])} |")
    for label, groups in (document.get("by_label") or {}).items():
        lines += ["", f"## By {_md(label)}", "",
                  "| value | photos | answered | ≤1 km | ≤25 km | ≤750 km | median km | country |",
                  "|---|---|---|---|---|---|---|---|"]
        for value, g in groups.items():
            acc = g["accuracy_km"]
            lines.append(f"| {_md(value) or '–'} | {g['n']} | {pct(g['answered_share'])} | "
                         f"{pct(acc['1'])} | {pct(acc['25'])} | {pct(acc['750'])} | "
                         f"{num(g['median_error_km'])} | {pct(g['country_accuracy'])} |")
    lines += ["", "## Photos", "",
              "| photo | status | error km | radius km | confidence | within | country |",
              "|---|---|---|---|---|---|---|"]
    for s in sorted(scores, key=lambda s: (s.error_km is None, s.error_km or 0.0, s.id)):
        country = ("–" if s.truth_country is None else
                   f"{s.pred_country or '?'} / {s.truth_country}")
        lines.append(
            f"| {_md(s.id)} | {s.status} | {num(s.error_km, '.2f')} | "
            f"{num(s.radius_km, '.2f')} | {num(s.confidence, '.2f')} | "
            f"{'–' if s.within_radius is None else ('yes' if s.within_radius else 'no')} | "
            f"{_md(country)} |")
    if document.get("plots"):
        lines += ["", "## Plots", ""]
        for name, file in document["plots"].items():
            lines.append(f"![{name}]({file})")
    return "\n".join(lines) + "\n"


def per_photo_csv(scores: list[PhotoScore]) -> str:
    from geosleuth.batch.summaries import text_cell

    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(PER_PHOTO_COLUMNS)
    for s in scores:
        d = s.as_dict()
        writer.writerow([text_cell(d[c]) if isinstance(d[c], str) else
                         ("" if d[c] is None else d[c]) for c in PER_PHOTO_COLUMNS])
    return buf.getvalue()


def write_plots(scores: list[PhotoScore], metrics: dict[str, Any], out: Path,
                title: str) -> tuple[dict[str, str], str | None]:
    """The PNGs, or none and a reason when matplotlib is not installed."""
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        return {}, "plots skipped: matplotlib is missing (pip install 'geosleuth[plots]')"
    from geosleuth.eval import plots

    plots.error_distribution(scores, out / PLOTS["error_distribution"], title)
    plots.reliability_diagram(metrics["calibration"]["bins"], out / PLOTS["reliability"],
                              metrics["calibration"]["ece"], title)
    plots.error_map(scores, out / PLOTS["error_map"], title)
    return dict(PLOTS), None


def write_report(out: Path, document: dict[str, Any], scores: list[PhotoScore], *,
                 with_plots: bool = True) -> dict[str, Any]:
    """Write every report file of an eval run into ``out``; return the document written."""
    out.mkdir(parents=True, exist_ok=True)
    if with_plots:
        files, note = write_plots(scores, document["metrics"], out,
                                  f"{document['dataset']['name']} · {document['run']['backend']}")
        document["plots"] = files
        if note:
            document.setdefault("notes", []).append(note)
    replace_text_atomically(out / PER_PHOTO_CSV, per_photo_csv(scores))
    replace_text_atomically(out / PER_PHOTO_JSONL, "".join(
        json.dumps(s.as_dict(), ensure_ascii=False) + "\n" for s in scores))
    replace_text_atomically(out / METRICS_JSON,
                            json.dumps(document, indent=2, ensure_ascii=False) + "\n")
    replace_text_atomically(out / SUMMARY_MD, summary_markdown(document, scores))
    return document
