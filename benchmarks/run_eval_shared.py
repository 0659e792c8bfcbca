"""The eval on the real photos of /work/shared/data/photos, with their EXIF hidden.

    python benchmarks/run_eval_shared.py [--jobs 2] [--resume] [--with-metadata]

Reads /work/shared/data/photos/ground_truth.csv and the photos beside it (real photos
with GPS in their EXIF, copied there from public repositories; see that folder's
README). Nothing from that folder is copied into the project. The photos are located
with --ignore-metadata (EXIF position and time hidden from the tools), so their GPS
becomes the ground truth; the offline backend, default settings, tool cache off.
The report goes to benchmarks/out/eval-shared/ (not committed): metrics.json,
summary.md, per_photo.csv and the three PNG plots. It prints the headline table in
markdown, the same table broken down by the dataset's ``scene_tag`` and
``usable_photo`` columns, and the time it took. ``--with-metadata`` also runs the eval
with the EXIF visible (an upper bound that checks the pipeline) into eval-shared-exif/
and prints the comparison.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import time
from pathlib import Path
from typing import Any

from geosleuth.batch.runner import Progress
from geosleuth.eval.adapters import load_dataset
from geosleuth.eval.compare import compare_markdown, compare_runs
from geosleuth.eval.report import metrics_table, num, pct
from geosleuth.eval.runner import evaluate
from geosleuth.settings import load_settings

SHARED = Path("/work/shared/data/photos/ground_truth.csv")
OUT = Path(__file__).parent / "out"


def _progress(p: Progress) -> None:
    if p.phase == "running" and p.last is not None:
        row = p.last
        print(f"  [{p.done}/{p.total}] {row['status']:<9} {row['elapsed_ms'] / 1000:7.1f} s "
              f"{row['path']}", file=sys.stderr, flush=True)


def _breakdown(document: dict[str, Any], label: str) -> list[str]:
    lines = [f"| {label} | photos | answered | ≤25 km | ≤750 km | median km | country |",
             "|---|---|---|---|---|---|---|"]
    for value, m in document["by_label"][label].items():
        lines.append(f"| {value or '–'} | {m['n']} | {pct(m['answered_share'])} | "
                     f"{pct(m['accuracy_km']['25'])} | {pct(m['accuracy_km']['750'])} | "
                     f"{num(m['median_error_km'])} | {pct(m['country_accuracy'])} |")
    return lines


def run(out: Path, *, ignore_metadata: bool, jobs: int, resume: bool) -> dict[str, Any]:
    dataset = load_dataset(SHARED)
    if not resume:
        shutil.rmtree(out, ignore_errors=True)  # scratch output of an earlier run
    settings = load_settings({"cache": False})[0]
    started = time.perf_counter()
    result = evaluate(dataset, out, settings, jobs=jobs, resume=resume,
                      ignore_metadata=ignore_metadata, by=("scene_tag", "usable_photo"),
                      on_progress=_progress)
    elapsed = time.perf_counter() - started
    doc = result.document
    m = doc["metrics"]
    print(f"\n### {dataset.name}: {len(dataset.items)} photos, metadata "
          f"{'hidden' if ignore_metadata else 'visible'}, offline backend, {jobs} job(s)\n")
    print("\n".join(metrics_table(m)))
    print(f"\ncalibration: {m['calibration']['n']} answered photos, truth within the stated "
          f"radius for {pct(m['within_stated_radius'])}, ECE "
          f"{num(m['calibration']['ece'], '.3f')}, Brier {num(m['calibration']['brier'], '.3f')}")
    print(f"errors: {m['n_errors']}; ran {result.outcome.ran} photos now in {elapsed:.0f} s "
          f"(median {num(m['time_s']['median'], '.2f')} s, mean "
          f"{num(m['time_s']['mean'], '.2f')} s per photo)\n")
    print("\n".join(_breakdown(doc, "scene_tag")))
    print()
    print("\n".join(_breakdown(doc, "usable_photo")))
    print(f"\nreport: {out}/summary.md; plots: {', '.join(doc.get('plots', {}).values())}")
    return doc


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--resume", action="store_true", help="finish an interrupted run")
    parser.add_argument("--with-metadata", action="store_true",
                        help="also run with the EXIF visible, and compare")
    args = parser.parse_args()
    if not SHARED.is_file():
        raise SystemExit(f"{SHARED} is not here: this benchmark needs the shared photos")
    print(f"reading {SHARED.parent} (real photos with EXIF GPS; ground truth from their EXIF)")
    hidden = OUT / "eval-shared"
    run(hidden, ignore_metadata=True, jobs=args.jobs, resume=args.resume)
    if args.with_metadata:
        visible = OUT / "eval-shared-exif"
        run(visible, ignore_metadata=False, jobs=args.jobs, resume=args.resume)
        print("\n### EXIF visible (A) against hidden (B)\n")
        print(compare_markdown(compare_runs(visible, hidden)))


if __name__ == "__main__":
    main()
