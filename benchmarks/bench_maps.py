"""Benchmark of the offline maps on real OSM extracts.

Reads the extracts in ``../shared/data/osm/*.osm.pbf`` (real data, © OpenStreetMap
contributors, ODbL; not part of the project) or the files given on the command line.
For each file: import time (median of ``--imports`` runs) and index size; then
``--queries`` name searches drawn from the file's own names in four forms (exact,
lower-cased, one typo, without accents) with recall at 1 and at 10 within 100 m of the
true feature (its point within 100 m of the answer's extent) and latency p50/p95;
nearby queries (500 m, by tag) and co-occurrence queries over the whole region
(p50/p95). Prints a Markdown table.

    python benchmarks/bench_maps.py [FILES...] [--queries 1000] [--imports 3]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from unidecode import unidecode

from geosleuth.maps import operations as op
from geosleuth.maps.regions import RegionStore
from geosleuth.maps.text import fold

DEFAULT_DIR = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "osm"
FORMS = ("exact", "lower", "typo", "no-accents")


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    k = min(len(ordered) - 1, max(0, round(q / 100.0 * (len(ordered) - 1))))
    return ordered[k]


def one_typo(name: str, rng: random.Random) -> str:
    """One edit (substitute, delete, insert, swap) at a letter of the name."""
    spots = [i for i, c in enumerate(name) if c.isalpha()]
    if len(spots) < 4:
        return name
    i = rng.choice(spots[1:])  # keep the first letter, as most typos do
    kind = rng.choice(("sub", "del", "ins", "swap"))
    letters = "abcdefghijklmnopqrstuvwxyz"
    if kind == "sub":
        return name[:i] + rng.choice([c for c in letters if c != name[i].lower()]) + name[i + 1:]
    if kind == "del":
        return name[:i] + name[i + 1:]
    if kind == "ins":
        return name[:i] + rng.choice(letters) + name[i:]
    if i + 1 < len(name):
        return name[:i] + name[i + 1] + name[i] + name[i + 2:]
    return name[:i - 1] + name[i] + name[i - 1]


CPU_MS: list[float] = []  # CPU time of every timed call, in order (see ``timed``)


def timed(fn: Callable[[], object]) -> tuple[float, object]:
    """Wall milliseconds of one call; its CPU milliseconds go to ``CPU_MS`` (on a shared
    machine the CPU time says what the code costs, the wall time what a user waits)."""
    cpu = time.process_time()
    start = time.perf_counter()
    out = fn()
    wall = (time.perf_counter() - start) * 1000.0
    CPU_MS.append((time.process_time() - cpu) * 1000.0)
    return wall, out


def bench_file(path: Path, queries: int, imports: int, seed: int) -> dict[str, object]:
    rng = random.Random(seed)
    with tempfile.TemporaryDirectory(prefix="bench-maps-") as tmp:
        store = RegionStore(Path(tmp))
        import_s, import_cpu = [], []
        for _ in range(imports):
            cpu = time.process_time()
            info, stats = store.import_file(path)
            import_s.append(stats.seconds)
            import_cpu.append(time.process_time() - cpu)
        regions = store.select()
        index = regions[0][1]
        rows = index.rows([i for (i,) in index.db.execute(
            "SELECT id FROM features WHERE json_extract(tags, '$.name') IS NOT NULL")])
        named = [r for r in rows if len(r.tags["name"]) >= 3]
        per_form = max(1, queries // len(FORMS))
        results: dict[str, dict[str, list[float]]] = {}
        for form in FORMS:
            pool = named
            if form == "no-accents":
                pool = [r for r in named if unidecode(r.tags["name"]) != r.tags["name"]] or named
            sample = [rng.choice(pool) for _ in range(per_form)]
            hits1, hits10, lat = [], [], []
            CPU_MS.clear()
            for row in sample:
                name = row.tags["name"]
                text = {"exact": name, "lower": name.lower(), "typo": one_typo(name, rng),
                        "no-accents": unidecode(name)}[form]
                if not fold(text).strip():
                    continue
                ms, found = timed(lambda t=text: op.search(regions, t, limit=10))
                lat.append(ms)
                # distance from the true feature to each answer's extent (a street cut
                # into pieces comes back as one answer whose box covers its pieces)
                dists = [op.metres_to_box(row.lat, row.lon, m.bbox or (m.lat, m.lon, m.lat, m.lon))
                         for m in found]  # type: ignore[attr-defined]
                ok = [d <= 100.0 for d in dists]
                hits1.append(float(bool(ok[:1] and ok[0])))
                hits10.append(float(any(ok)))
            results[form] = {"r1": hits1, "r10": hits10, "ms": lat, "cpu": list(CPU_MS),
                             "pool": [float(len(pool))]}
        # nearby: 500 m around named features, by the region's commonest amenity value
        amenities = Counter(v for (v,) in index.db.execute(
            "SELECT value FROM tags WHERE key = 'amenity'"))
        common = [a for a, _ in amenities.most_common(5)] or ["*"]
        near_ms = []
        CPU_MS.clear()
        for _ in range(200):
            row = rng.choice(named)
            ms, _ = timed(lambda r=row: op.nearby(regions, r.lat, r.lon, 500.0,
                                                  tags={"amenity": rng.choice(common)}))
            near_ms.append(ms)
        near_cpu = list(CPU_MS)
        CPU_MS.clear()
        # co-occurrence over the whole region: a bus stop near an amenity, and a name
        # near an amenity
        co_ms = []
        for i in range(60):
            if i % 2 == 0:
                patterns = [{"tags": {"highway": "bus_stop"}},
                            {"tags": {"amenity": rng.choice(common)}}]
            else:
                patterns = [{"name": rng.choice(named).tags["name"]},
                            {"tags": {"amenity": "*"}}]
            ms, _ = timed(lambda p=patterns: op.cooccur(regions, p, within_m=150.0))
            co_ms.append(ms)
        co_cpu = list(CPU_MS)
        return {
            "file": path.name, "mb": path.stat().st_size / 1e6,
            "import_s": statistics.median(import_s), "import_cpu": statistics.median(import_cpu),
            "index_mb": info.bytes / 1e6,
            "features": info.features, "named": len(named), "forms": results,
            "nearby": near_ms, "cooccur": co_ms, "nearby_cpu": near_cpu, "cooccur_cpu": co_cpu,
        }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="*", type=Path)
    parser.add_argument("--queries", type=int, default=1000)
    parser.add_argument("--imports", type=int, default=3)
    parser.add_argument("--seed", type=int, default=5)
    args = parser.parse_args(argv)
    files = args.files or sorted(DEFAULT_DIR.glob("*.osm.pbf"))
    if not files:
        print(f"no .osm.pbf files given or found in {DEFAULT_DIR}", file=sys.stderr)
        return 2
    load = os.getloadavg()[0]
    print(f"Machine: {os.cpu_count()} CPUs, load average {load:.1f} at the start; wall ms "
          "are what a user waits, CPU ms what the code costs (less sensitive to load).")
    print()
    print("| extract | MB | features (named) | import s wall / CPU (median) | index MB | form | n "
          "| recall@1 | recall@10 | search p50 ms | p95 ms | p95 CPU ms |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    extra = []
    for path in files:
        res = bench_file(path, args.queries, args.imports, args.seed)
        first = True
        for form, r in res["forms"].items():  # type: ignore[union-attr]
            head = (f"| {res['file']} | {res['mb']:.1f} | {res['features']:,} ({res['named']:,}) "
                    f"| {res['import_s']:.2f} / {res['import_cpu']:.2f} "
                    f"| {res['index_mb']:.1f} ") if first else "| | | | | "
            first = False
            n = len(r["ms"])
            print(f"{head}| {form} | {n} | {100 * statistics.fmean(r['r1']):.1f} % "
                  f"| {100 * statistics.fmean(r['r10']):.1f} % "
                  f"| {percentile(r['ms'], 50):.1f} | {percentile(r['ms'], 95):.1f} "
                  f"| {percentile(r['cpu'], 95):.1f} |")
        extra.append(res)
        sys.stdout.flush()
    print()
    print("| extract | nearby 500 m p50 ms | p95 ms | p95 CPU ms "
          "| cooccur (whole region) p50 ms | p95 ms | p95 CPU ms |")
    print("|---|---|---|---|---|---|---|")
    for res in extra:
        near, co = res["nearby"], res["cooccur"]
        print(f"| {res['file']} | {percentile(near, 50):.1f} | {percentile(near, 95):.1f} "
              f"| {percentile(res['nearby_cpu'], 95):.1f} | {percentile(co, 50):.1f} "
              f"| {percentile(co, 95):.1f} | {percentile(res['cooccur_cpu'], 95):.1f} |")
    print(f"\nload average at the end: {os.getloadavg()[0]:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
