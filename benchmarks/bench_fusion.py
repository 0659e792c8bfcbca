"""Benchmark of one fusion as the loop runs it: time of ``fuse()`` against the evidence count.

The evidence is that of ``bench_loop.py``'s scripted case (a point reading and a country
clue per step, around Paris), with the gazetteer's country lookup and place names, as in
`geosleuth locate`. Two figures per evidence count, medians of several runs:

- **a step**: the evidence of the steps before is the same objects as at the last
  fusion, and the step's two new pieces are new objects (what the recorder does);
- **from scratch**: every piece is a new object, so no base-grid term is cached (what a
  first fusion, or the verifier's pooled fusion, does).

It reads nothing from /work/shared; the gazetteer index is built in the user's cache
directory on first use. Run: python benchmarks/bench_fusion.py [--runs 7]
"""

from __future__ import annotations

import argparse
import statistics
import time

from geosleuth.cases.wiring import geo_services
from geosleuth.fusion import fuse
from geosleuth.model import CountryConstraint, Evidence, PointConstraint
from geosleuth.settings import Settings

COUNTS = (2, 6, 12, 20)


def evidence(step: int) -> list[Evidence]:
    """The two pieces of evidence of one scripted step (new objects each call)."""
    lat, lon = 48.85 + 0.01 * (step % 5), 2.35 + 0.013 * (step % 7)
    point = PointConstraint(lat=lat, lon=lon, radius_km=0.3, strength=0.5 + 0.03 * (step % 10))
    language = CountryConstraint(weights={"FR": 1.0, "BE": 0.3, "CH": 0.3}, strength=0.6)
    return [
        Evidence(id=f"E{2 * step - 1}", tool="probe", tool_version="1", summary="café",
                 constraint=point),
        Evidence(id=f"E{2 * step}", tool="language", tool_version="1", summary="French",
                 constraint=language),
    ]


def timed(items: list[Evidence], **kw: object) -> float:
    t = time.perf_counter()
    fuse(items, **kw)  # type: ignore[arg-type]
    return (time.perf_counter() - t) * 1000


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=7)
    args = ap.parse_args()
    countries, describe = geo_services(Settings())
    kw = {"countries": countries, "describe": describe}
    fuse([e for s in range(1, 11) for e in evidence(s)], **kw)  # warm-up: prior, raster, index
    print(f"fuse() with the gazetteer, medians of {args.runs} runs (ms)")
    print("evidence | a step (2 new pieces) | from scratch")
    for n in COUNTS:
        steps = n // 2
        earlier = [e for s in range(1, steps) for e in evidence(s)]
        fuse(earlier, **kw)  # the fusion of the step before caches the earlier terms
        step = [timed(earlier + evidence(steps), **kw) for _ in range(args.runs)]
        scratch = [timed([e for s in range(1, steps + 1) for e in evidence(s)], **kw)
                   for _ in range(args.runs)]
        print(f"{n:8d} | {statistics.median(step):21.1f} | {statistics.median(scratch):12.1f}")


if __name__ == "__main__":
    main()
