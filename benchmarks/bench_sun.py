"""Benchmark of the sun locus: speed and memory, ShadowFinder side by side, real photos.

Run: ``python benchmarks/bench_sun.py`` (add ``--no-shadowfinder`` to skip part 2,
``--runs N`` for the number of timed runs). It prints its figures; benchmarks/sun.md
holds the ones measured on the project machine.

1. ``sun_locus`` for one measurement on the 0.1° global grid (6.48 million cells):
   median wall time over several runs, refined and not, one instant, a 2-hour window,
   a whole day with no UTC offset, and with a shadow bearing; peak memory (tracemalloc,
   which sees numpy's buffers).
2. Bellingcat's ShadowFinder (PyPI ``shadowfinder``), installed only in its own
   virtualenv under /tmp (created here on first use with ``python -m venv`` and
   ``pip install shadowfinder``; never a dependency of geosleuth), given the same object
   height, shadow length and UTC time, evaluated on our grid's cell centres. Reported:
   how far its sun altitudes (suncalc, no refraction) are from ours (NOAA, geometric),
   the agreement of the two loci, and the ratio of wall times measured in one run.
3. The real photos in /work/shared/data/photos (reads ground_truth.csv and the photos'
   own EXIF for the UTC offset; nothing from there is copied into the project): for
   each photo with an EXIF time and GPS, the true sun elevation at its place and time is
   fed as the measurement, and the locus must contain the true place, with the offset
   known and with it unknown.
"""

from __future__ import annotations

import argparse
import csv
import json
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from geosleuth.geo.sun import solar_position  # noqa: E402
from geosleuth.geo.sun_locus import SunMeasurement, TimeWindow, sun_locus  # noqa: E402

SHARED = Path("/work/shared/data/photos")
VENV = Path(tempfile.gettempdir()) / "geosleuth-bench-shadowfinder"
WHEN = datetime(2024, 6, 21, 10, 0, tzinfo=UTC)
HEIGHT, LENGTH = 1.8, 2.4
TOLERANCE = 1.0


def _median_time(fn, runs: int) -> tuple[float, object]:
    times = []
    result = None
    for _ in range(runs):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), result


def _peak_mb(fn) -> float:
    tracemalloc.start()
    fn()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 1e6


def part_speed(runs: int) -> None:
    print("## 1. Locus on the 0.1° global grid (1800 x 3600 cells)")
    meas = SunMeasurement.from_shadow(HEIGHT, LENGTH, tolerance_deg=TOLERANCE)
    bearing = SunMeasurement.from_shadow(HEIGHT, LENGTH, tolerance_deg=TOLERANCE,
                                         shadow_bearing_deg=300.0)
    instant = TimeWindow.instant(WHEN)
    two_hours = TimeWindow(WHEN, WHEN + timedelta(hours=2))
    day_any_offset = TimeWindow.local(day=date(2024, 6, 21))
    cases = [
        ("one instant", meas, instant, True),
        ("one instant, no refinement", meas, instant, False),
        ("2-hour window", meas, two_hours, True),
        ("2-hour window, no refinement", meas, two_hours, False),
        ("a day, UTC offset unknown (50 h)", meas, day_any_offset, True),
        ("one instant, shadow bearing known", bearing, instant, True),
    ]
    sun_locus(meas, instant)  # warm-up: imports, first allocations
    print(f"runs per case: {runs} (median wall time)")
    print("| case | median s | area of the globe | peak memory MB |")
    print("|---|---|---|---|")
    for label, m, w, refine in cases:
        secs, locus = _median_time(lambda m=m, w=w, r=refine: sun_locus(m, w, refine=r), runs)
        peak = _peak_mb(lambda m=m, w=w, r=refine: sun_locus(m, w, refine=r))
        print(f"| {label} | {secs:.3f} | {100 * locus.area_fraction():.2f}% | {peak:.0f} |")
    secs, locus = _median_time(lambda: sun_locus(meas, instant), runs)
    t_poly, _ = _median_time(lambda: locus.geojson(), runs)
    t_raster, _ = _median_time(lambda: locus.to_constraint(), runs)
    print(f"\nGeoJSON polygons of the instant locus: {t_poly:.3f} s; "
          f"RasterConstraint (cropped, zlib): {t_raster:.3f} s, "
          f"{len(locus.to_constraint().values_b64) / 1e3:.0f} kB base64")


_HELPER = r'''
import json, sys, time, statistics
from datetime import datetime
import numpy as np
from shadowfinder import ShadowFinder
from suncalc import get_position
import pandas as pd

args = json.loads(sys.argv[1])
res = args["resolution"]
lats = 90.0 - res * (np.arange(round(180 / res)) + 0.5)
lons = -180.0 + res * (np.arange(round(360 / res)) + 0.5)
sf = ShadowFinder(object_height=args["height"], shadow_length=args["length"],
                  date_time=datetime.fromisoformat(args["when"]), time_format="utc")
sf.lons, sf.lats = np.meshgrid(lons, lats)
sf.timezones = np.array([])  # only the "local" time format reads them
times = []
for _ in range(args["runs"]):
    t0 = time.perf_counter()
    sf.find_shadows()
    times.append(time.perf_counter() - t0)
rel = np.asarray(sf.location_likelihoods, dtype=float)
shadow = args["length"] * (1.0 + rel)
alt = np.degrees(np.arctan2(args["height"], shadow))
np.save(args["out"], alt.astype(np.float32))
photos = args.get("photos") or []
photo_alt = []
if photos:
    when = pd.to_datetime([p[2] for p in photos], unit="s", utc=True)
    pos = get_position(when, np.array([p[1] for p in photos]), np.array([p[0] for p in photos]))
    photo_alt = np.degrees(np.asarray(pos["altitude"], dtype=float)).tolist()
print(json.dumps({"median_s": statistics.median(times), "runs": times,
                  "photo_altitudes": photo_alt}))
'''


def _venv_python() -> Path | None:
    py = VENV / "bin" / "python"
    if not py.exists():
        print(f"(creating {VENV} and installing shadowfinder there)")
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
        subprocess.run([str(py), "-m", "pip", "install", "-q", "shadowfinder"], check=True)
    return py


def run_shadowfinder(runs: int, photos: list[tuple[float, float, float]]) -> dict | None:
    py = _venv_python()
    if py is None:
        return None
    out = Path(tempfile.gettempdir()) / "geosleuth-bench-shadowfinder-alt.npy"
    args = {"resolution": 0.1, "height": HEIGHT, "length": LENGTH,
            "when": WHEN.replace(tzinfo=None).isoformat(), "runs": runs, "out": str(out),
            "photos": photos}
    done = subprocess.run([str(py), "-c", _HELPER, json.dumps(args)], check=True,
                          capture_output=True, text=True)
    result = json.loads(done.stdout.strip().splitlines()[-1])
    result["alt"] = np.load(out)
    return result


def part_shadowfinder(runs: int, photos: list[tuple[float, float, float]]) -> list[float]:
    print("\n## 2. Side by side with ShadowFinder (same inputs, same 0.1° cell centres)")
    meas = SunMeasurement.from_shadow(HEIGHT, LENGTH, tolerance_deg=TOLERANCE)
    instant = TimeWindow.instant(WHEN)
    ours_s, locus = _median_time(lambda: sun_locus(meas, instant), runs)
    sf = run_shadowfinder(runs, photos)
    if sf is None:
        print("ShadowFinder not available")
        return []
    alt_sf = sf["alt"]
    lats, lons = locus.lats, locus.lons
    ours_geo = solar_position(lats[:, None], lons[None, :], WHEN, refraction=False)
    ours_app = solar_position(lats[:, None], lons[None, :], WHEN).elevation_deg
    up = np.isfinite(alt_sf) & (ours_geo.geometric_elevation_deg > 0)
    diff = np.abs(alt_sf[up] - ours_geo.geometric_elevation_deg[up])
    print(f"inputs: object {HEIGHT} m, shadow {LENGTH} m (elevation "
          f"{meas.elevation_deg:.3f}°), {WHEN.isoformat()}, tolerance ±{TOLERANCE}°")
    print(f"sun altitude, suncalc vs NOAA geometric, over {up.sum():,} daylit cells: "
          f"median {np.median(diff):.4f}°, 99th percentile {np.percentile(diff, 99):.4f}°, "
          f"max {diff.max():.4f}°")
    theirs = np.zeros_like(alt_sf, dtype=bool)
    theirs[up] = np.abs(alt_sf[up] - meas.elevation_deg) <= TOLERANCE
    centre = np.abs(ours_app - meas.elevation_deg) <= TOLERANCE  # our NOAA, cell centres
    ours = locus.match_mask()  # our locus: a cell counts if any point in it matches
    w = np.cos(np.radians(lats))[:, None] * np.ones_like(alt_sf)

    def area(mask: np.ndarray) -> float:
        return float((w * mask).sum() / w.sum())

    def iou(a: np.ndarray, b: np.ndarray) -> float:
        return area(a & b) / area(a | b)

    print(f"ShadowFinder cells within ±{TOLERANCE}°: {100 * area(theirs):.3f}% of the globe; "
          f"ours at cell centres (NOAA, refraction): {100 * area(centre):.3f}%; "
          f"our locus (cell-inclusive): {100 * area(ours):.3f}%")
    print(f"agreement (area-weighted IoU): cell centres {iou(theirs, centre):.4f}; "
          f"locus {iou(theirs, ours):.4f}; "
          f"ShadowFinder cells inside our locus: {100 * area(theirs & ours) / area(theirs):.2f}%")
    print(f"wall time, same run, median of {runs}: geosleuth sun_locus {ours_s:.3f} s, "
          f"ShadowFinder.find_shadows {sf['median_s']:.3f} s, "
          f"ratio {sf['median_s'] / ours_s:.1f}x")
    return list(sf.get("photo_altitudes") or [])


def _photos() -> list[dict]:
    from geosleuth_plugins.exif_metadata import read_metadata

    from geosleuth.geo.timezones import parse_offset, utc_offset_at

    rows = []
    with (SHARED / "ground_truth.csv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            if not row["datetime"] or not row["lat"] or not row["lon"]:
                continue
            lat, lon = float(row["lat"]), float(row["lon"])
            local = datetime.strptime(row["datetime"][:19], "%Y:%m:%d %H:%M:%S")
            offset, source = None, "EXIF"
            try:
                meta = read_metadata(SHARED / row["file"])
                if meta.get("utc_offset"):
                    offset = parse_offset(meta["utc_offset"])
            except Exception:
                offset = None
            if offset is None:
                offset, source = utc_offset_at(lat, lon, local).offset, "zone of the place"
            rows.append({"file": row["file"], "lat": lat, "lon": lon, "local": local,
                         "offset": offset, "offset_source": source,
                         "utc": (local - offset).replace(tzinfo=UTC)})
    return rows


def part_photos(photos: list[dict], suncalc_alt: list[float]) -> None:
    print("\n## 3. Real photos (EXIF time and GPS): does the locus contain the true place?")
    from_exif = sum(p["offset_source"] == "EXIF" for p in photos)
    print(f"{len(photos)} photos with an EXIF time and GPS; UTC offset from the EXIF for "
          f"{from_exif}, from the place's time zone for the others")
    ok_known = ok_unknown = 0
    below = 0
    diffs = []
    for i, p in enumerate(photos):
        pos = solar_position(p["lat"], p["lon"], p["utc"])
        el = float(pos.elevation_deg)
        below += el <= 0
        if suncalc_alt:
            diffs.append(abs(float(pos.geometric_elevation_deg) - suncalc_alt[i]))
        meas = SunMeasurement(el, 1.5)
        known = sun_locus(meas, TimeWindow.instant(p["utc"]), resolution=0.1)
        unknown = sun_locus(meas, TimeWindow.local(p["local"]), resolution=0.1)
        k, u = known.contains(p["lat"], p["lon"]), unknown.contains(p["lat"], p["lon"])
        ok_known += k
        ok_unknown += u
        if not (k and u):
            print(f"  MISSED {p['file']}: elevation {el:.2f}, known {k}, unknown {u}")
    n = len(photos)
    print(f"true place inside the locus: offset known {ok_known}/{n}, "
          f"offset unknown (26 h window) {ok_unknown}/{n}; "
          f"{below} photos were taken with the sun below the horizon (twilight/night)")
    if diffs:
        print(f"cross-check of the true elevations, NOAA vs suncalc (geometric): "
              f"median {statistics.median(diffs):.4f}°, max {max(diffs):.4f}°")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--no-shadowfinder", action="store_true")
    args = parser.parse_args()
    print(f"# geosleuth sun benchmark, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, "
          f"numpy {np.__version__}")
    part_speed(args.runs)
    photos = _photos() if (SHARED / "ground_truth.csv").is_file() else []
    triples = [(p["lat"], p["lon"], p["utc"].timestamp()) for p in photos]
    suncalc_alt: list[float] = []
    if not args.no_shadowfinder:
        suncalc_alt = part_shadowfinder(args.runs, triples)
    if photos:
        part_photos(photos, suncalc_alt)
    else:
        print(f"\n{SHARED} not found: real-photo check skipped")


if __name__ == "__main__":
    main()
