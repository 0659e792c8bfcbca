"""Fit the calibration map shipped with geosleuth on the real-photo benchmark's tune split.

    python benchmarks/fit_calibration.py benchmarks/out/real/photo_rows.jsonl [--write]

Reads the per-photo rows that ``benchmarks/eval_real.py`` writes (``photo_rows.jsonl``:
every photo of every set and map condition, with its split, the fusion's raw confidence
and the label; the photos themselves are in ``../shared/data`` and are not read here).
Fits an isotonic map (pool-adjacent-violators, ``geosleuth.paths.confidence.pav``) of
"the answer was right" (``real_metrics.outcome``: the truth within the verdict's radius
plus the label's tolerance, or the right country for a country-only label) on the raw
confidence of the answered photos of the **tune** split only, and prints, for the tune
split, the held-out split and both, the ECE, the Brier score and the confidently wrong
answers before and after the map. ``--write`` saves the map as
``geosleuth/paths/calibration-real.json``, which every verdict that no camera observation
supports then goes through (the ``calibrate`` setting turns it off, ``calibration``
replaces it), but only if the map lowers the held-out split's ECE without adding
confidently wrong answers; otherwise it says so and exits 1.

Few answered photos make an isotonic map jumpy, so the fit is shrunk toward "stated =
observed": ``PRIOR_POINTS`` pseudo-photos on the diagonal (weight ``PRIOR_WEIGHT`` each)
join the data, and where the data are sparse the map stays near the identity.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
from real_metrics import PhotoRow, calibration, confidently_wrong, outcome, split_of

from geosleuth.paths.confidence import SHIPPED_MAP, CalibrationMap, pav

PRIOR_POINTS = np.linspace(0.05, 0.95, 10)
PRIOR_WEIGHT = 0.5


def load(path: Path) -> list[PhotoRow]:
    fields = set(PhotoRow.__dataclass_fields__)
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            data = json.loads(line)
            rows.append(PhotoRow(**{k: v for k, v in data.items() if k in fields}))
    return rows


def fit(rows: list[PhotoRow], source: str, lower_only: bool = False) -> CalibrationMap:
    judged = [(float(r.confidence_raw if r.confidence_raw is not None else r.confidence), o)
              for r in rows if r.answered and r.confidence is not None
              and (o := outcome(r)) is not None]
    x = np.array([c for c, _ in judged] + list(PRIOR_POINTS))
    y = np.array([1.0 if o else 0.0 for _, o in judged] + list(PRIOR_POINTS))
    w = np.array([1.0] * len(judged) + [PRIOR_WEIGHT] * len(PRIOR_POINTS))
    kx, ky = pav(x, y, w)
    if lower_only:  # when in doubt, lower: the map never raises a confidence
        ky = np.minimum(ky, kx)
    # the ends: no answer is surer than its evidence allows, nor certain of being wrong
    return CalibrationMap("isotonic", [0.0, *map(float, np.round(kx, 4)), 1.0],
                          [0.0, *map(float, np.round(ky, 4)), float(max(ky[-1], kx[-1]))],
                          len(judged), source, scope="unobserved")


def applied(rows: list[PhotoRow], cmap: CalibrationMap | None) -> list[PhotoRow]:
    out = []
    for r in rows:
        raw = r.confidence_raw if r.confidence_raw is not None else r.confidence
        value = raw if cmap is None or raw is None or not r.answered else cmap.apply(raw)
        out.append(PhotoRow(**{**r.as_dict(), "confidence": value}))
    return out


def figures(rows: list[PhotoRow]) -> dict[str, Any]:
    cal = calibration(rows)
    answered = [r for r in rows if r.answered]
    return {"answered": len(answered), "ece": cal["ece"], "brier": cal["brier"],
            "confidently_wrong": sum(confidently_wrong(r) for r in rows),
            "photos": len(rows), "table": cal["bins"]}


def _num(v: float | None) -> str:
    return "–" if v is None else f"{v:.3f}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("rows", type=Path, help="photo_rows.jsonl of an eval_real.py run")
    parser.add_argument("--write", action="store_true", help=f"save the map as {SHIPPED_MAP}")
    parser.add_argument("--lower-only", action="store_true",
                        help="a map that only lowers confidences (knots at most the diagonal)")
    args = parser.parse_args(argv)
    rows = load(args.rows)
    raw = applied(rows, None)  # every row at its raw confidence
    # the map is for verdicts no camera observation supports: fitted on the metadata-hidden
    # sets, applied to them (the photos with their EXIF visible keep their raw confidence)
    hidden = [r for r in raw if not r.set_name.endswith("+exif")]
    tune = [r for r in hidden if split_of(r.file) == "tune"]
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True,
                            text=True).stdout.strip()
    cmap = fit(tune, f"real photos, tune split ({args.rows.name} at {commit})",
               args.lower_only)
    print(f"map: {len(cmap.x)} knots fitted on {cmap.n} answered tune photos")
    print("  " + ", ".join(f"{a:.2f}→{b:.2f}" for a, b in zip(cmap.x, cmap.y, strict=True)))
    print("\n| split | answered | ECE raw | ECE calibrated | Brier raw | Brier calibrated |"
          " confidently wrong raw | calibrated |")
    print("|---|---|---|---|---|---|---|---|")
    verdict: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {}
    for name, keep in (("tune", "tune"), ("holdout", "holdout"), ("both", None)):
        part = [r for r in hidden if keep is None or split_of(r.file) == keep]
        before, after = figures(part), figures(applied(part, cmap))
        verdict[name] = (before, after)
        print(f"| {name} | {before['answered']} | {_num(before['ece'])} | {_num(after['ece'])} |"
              f" {_num(before['brier'])} | {_num(after['brier'])} |"
              f" {before['confidently_wrong']} | {after['confidently_wrong']} |")
    every = applied(hidden, cmap) + [r for r in raw if r.set_name.endswith("+exif")]
    after = figures(every)
    print(f"\nevery answered real photo (hidden sets calibrated, EXIF-visible photos raw): "
          f"{after['answered']} answered, ECE {_num(after['ece'])}, confidently wrong "
          f"{after['confidently_wrong']}")
    before, after = verdict["holdout"]
    helps = (after["ece"] is not None and before["ece"] is not None
             and after["ece"] < before["ece"]
             and after["confidently_wrong"] <= before["confidently_wrong"]
             and verdict["both"][1]["confidently_wrong"] <= verdict["both"][0]["confidently_wrong"])
    print(f"\non the held-out split the map {'helps' if helps else 'does not help'}: ECE "
          f"{_num(before['ece'])} -> {_num(after['ece'])}, confidently wrong "
          f"{before['confidently_wrong']} -> {after['confidently_wrong']} (and "
          f"{verdict['both'][0]['confidently_wrong']} -> "
          f"{verdict['both'][1]['confidently_wrong']} over both splits)")
    if args.write and helps:
        cmap.save(SHIPPED_MAP)
        print(f"wrote {SHIPPED_MAP}")
    elif args.write:
        print("not written: a map that does not lower the held-out ECE without raising the "
              "confidently wrong answers would make the confidence worse, not better")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
