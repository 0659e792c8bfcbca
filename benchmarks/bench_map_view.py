"""What a map view costs: render time and size offline, the index's growth from the way
geometry, tiles online, and the tokens of an LVLM step with one view attached.

Uses the shared OSM extracts (``--osm``, default ../shared/data/osm: Liechtenstein 2022
and the Manhattan extract):

- index size: each extract imported by this tree, and by the tree of ``--before`` (the
  commit before the geometry was kept; ``git archive`` into a temporary folder, imported
  in a child process with that tree first on the path);
- offline: ``map_view`` run as the loop runs it (a ToolContext; the picture stored in a
  temporary cache folder) for a 1 km and a 10 km view at each centre, ``--runs`` runs
  after one warm-up: p50 and p95 wall and CPU milliseconds, the PNG's size, ways drawn;
- online: the map layer from a local tile server (127.0.0.1, one generated 256 px tile
  for every address, its size printed; no region imported): the cold view (empty cache)
  and the same view again (every tile from the cache), requests per view, at the default
  rate limit (0.5 s between two tiles to one server) and with none;
- tokens: ``estimate_tokens`` of a step's request with and without one view attached;
- nearby: ``highway=*`` within 500 m of 60 points around Vaduz, each way measured to its
  line (as ``nearby`` does) and, for comparison, to its point less its reach.

The load average is printed before and after.

    python benchmarks/bench_map_view.py [--runs 20] [--osm DIR] [--before COMMIT]
        [--parts index,offline,online,tokens,nearby]
"""

from __future__ import annotations

import argparse
import io
import os
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from typing import Any

from bench_maps import percentile

ROOT = Path(__file__).resolve().parents[1]
OSM = ROOT.parent / "shared" / "data" / "osm"
EXTRACTS = {"liechtenstein-2022": (47.1410, 9.5215, "Vaduz"),
            "manhattan": (40.7420, -73.9990, "Chelsea, Manhattan")}
BEFORE = "d9bf824"  # the last commit before the map index kept way geometry
IMPORT = ("import sys; from pathlib import Path;"
          "from geosleuth.maps.regions import RegionStore;"
          "info, st = RegionStore(Path(sys.argv[1])).import_file(Path(sys.argv[2]));"
          "print(st.bytes, st.seconds)")


def load() -> str:
    return " ".join(f"{v:.1f}" for v in os.getloadavg())


def import_size(tree: Path | None, data: Path, extract: Path) -> tuple[int, float]:
    env = dict(os.environ)
    if tree is not None:
        env["PYTHONPATH"] = str(tree)
    out = subprocess.run([sys.executable, "-c", IMPORT, str(data), str(extract)], env=env,
                         capture_output=True, text=True, check=True, cwd=tree or ROOT)
    size, seconds = out.stdout.split()
    return int(size), float(seconds)


def index_growth(osm: Path, before: str, tmp: Path) -> list[str]:
    old_tree = tmp / "before"
    old_tree.mkdir()
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", before, "geosleuth"],
                             capture_output=True, check=True).stdout
    subprocess.run(["tar", "-x", "-C", str(old_tree)], input=archive, check=True)
    rows = ["| extract | index before (KB) | index after (KB) | growth | import after (s) |",
            "|---|---|---|---|---|"]
    for name in EXTRACTS:
        extract = osm / f"{name}.osm.pbf"
        old, _ = import_size(old_tree, tmp / "old-data", extract)
        new, secs = import_size(None, tmp / "new-data", extract)
        rows.append(f"| {extract.name} | {old / 1024:,.0f} | {new / 1024:,.0f} |"
                    f" +{(new - old) / 1024:,.0f} KB (+{100 * (new - old) / old:.0f} %) |"
                    f" {secs:.1f} |")
    return rows


def context(settings: Any, hypotheses: list[Any] = ()) -> Any:  # type: ignore[assignment]
    from geosleuth_plugins.map_view import MapView

    from geosleuth.model import Case
    from geosleuth.model.case import ImageInfo
    from geosleuth.tools.context import ToolContext, tool_options

    case = Case(image=ImageInfo(path="photo.jpg", sha256="0" * 64, width=1, height=1,
                                format="JPEG", size_bytes=1))
    return ToolContext(case=case, settings=settings, hypotheses=lambda: hypotheses,
                       options=tool_options(settings, MapView()))


def offline(osm: Path, runs: int, tmp: Path) -> list[str]:
    from geosleuth_plugins.map_view import MapView
    from geosleuth_plugins.map_view.render import zoom_for_span

    from geosleuth.maps.regions import RegionStore
    from geosleuth.model import Hypothesis
    from geosleuth.settings import Settings

    settings = Settings(data_dir=tmp / "new-data", cache_dir=tmp / "cache")
    store = RegionStore(settings.data_dir)
    if not store.list():
        for name in EXTRACTS:
            store.import_file(osm / f"{name}.osm.pbf")
    tool = MapView()
    rows = ["| view | ways drawn | PNG (KB) | p50 ms | p95 ms | p95 CPU ms |",
            "|---|---|---|---|---|---|"]
    for lat, lon, place in EXTRACTS.values():
        for span in (1000, 10000):
            hyp = [Hypothesis(id="H1", lat=lat, lon=lon, radius_km=span / 8000, score=0.5)]
            args = {"lat": lat, "lon": lon, "zoom": round(zoom_for_span(lat, span), 2)}
            ctx = context(settings, hyp)
            found = tool.run(ctx, args)  # warm-up: index open, fonts and outlines loaded
            wall, cpu = [], []
            for _ in range(runs):
                t, c = time.perf_counter(), time.process_time()
                found = tool.run(ctx, args)
                wall.append((time.perf_counter() - t) * 1000)
                cpu.append((time.process_time() - c) * 1000)
            view = found.data["view"]
            rows.append(f"| {place}, {span // 1000} km (zoom {args['zoom']}) |"
                        f" {view.get('ways', 0):,} | {view['png_bytes'] / 1024:.0f} |"
                        f" {statistics.median(wall):.0f} | {percentile(wall, 95):.0f} |"
                        f" {percentile(cpu, 95):.0f} |")
    return rows


def noisy_tile() -> bytes:
    """A 256 px PNG of rectangles in the standard layer's colours (a few KB)."""
    from PIL import Image, ImageDraw

    rng = random.Random(7)
    img = Image.new("RGB", (256, 256), (242, 239, 233))
    draw = ImageDraw.Draw(img)
    for _ in range(260):
        x, y = rng.randrange(256), rng.randrange(256)
        colour = rng.choice([(255, 255, 255), (217, 208, 201), (170, 211, 223),
                             (205, 235, 176), (252, 214, 164)])
        draw.rectangle((x, y, x + rng.randrange(4, 30), y + rng.randrange(4, 30)), fill=colour)
    buf = io.BytesIO()
    img.save(buf, format="PNG")
    return buf.getvalue()


def online(runs: int, tmp: Path) -> list[str]:
    from geosleuth_plugins.map_view import MapView

    from geosleuth.settings import Settings

    tile = noisy_tile()
    hits: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            hits.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.send_header("Content-Length", str(len(tile)))
            self.end_headers()
            self.wfile.write(tile)

        def log_message(self, *args: object) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{httpd.server_address[1]}/{{z}}/{{x}}/{{y}}.png"
    rows = [f"Tiles: {len(tile) / 1024:.0f} KB each, served from 127.0.0.1.", "",
            "| rate limit | view | requests | cold view ms (p50) | cached view ms (p50) |"
            " cached requests |", "|---|---|---|---|---|---|"]
    tool = MapView()
    try:
        for interval in (0.5, 0.0):
            for zoom, what in ((16.0, "1 km"), (13.0, "10 km")):
                cold, warm, asked, again = [], [], 0, 0
                for n in range(max(1, runs // 5)):
                    settings = Settings(data_dir=tmp / "no-regions", network=True,
                                        cache_dir=tmp / f"tiles-{interval}-{zoom}-{n}",
                                        tools={"map_view": {"map_tiles": url,
                                                            "tile_interval_s": interval}})
                    args = {"lat": 47.1410 + 0.01 * n, "lon": 9.5215, "zoom": zoom}
                    before = len(hits)
                    t = time.perf_counter()
                    tool.run(context(settings), args)
                    cold.append((time.perf_counter() - t) * 1000)
                    asked = len(hits) - before
                    before = len(hits)
                    t = time.perf_counter()
                    tool.run(context(settings), args)
                    warm.append((time.perf_counter() - t) * 1000)
                    again = len(hits) - before
                rows.append(f"| {interval:g} s | {what} (zoom {zoom:g}) | {asked} |"
                            f" {statistics.median(cold):.0f} | {statistics.median(warm):.0f} |"
                            f" {again} |")
    finally:
        httpd.shutdown()
    return rows


def tokens() -> list[str]:
    from geosleuth.backends.chat import ImagePart, Message, TextPart
    from geosleuth.backends.llm_reasoner import estimate_tokens

    step = TextPart("x" * 6000)  # a step's prompt of about 1,500 tokens
    plain = estimate_tokens([Message("user", (step,))], [])
    label = TextPart("[map view E7, 640×640 px]")
    viewed = estimate_tokens([Message("user", (label, ImagePart(b"", "image/png", 640, 640),
                                               step))], [])
    return [f"A step of {plain:,} tokens (estimate) costs {viewed:,} with one 640×640 view"
            f" attached: +{viewed - plain} tokens (640·640/750 for the picture, its label)."]


def nearby_cost(osm: Path, tmp: Path) -> list[str]:
    import geosleuth.maps.search as search
    from geosleuth.maps import distances
    from geosleuth.maps.regions import RegionStore

    store = RegionStore(tmp / "new-data")
    if "liechtenstein-2022" not in [r.name for r in store.list()]:
        store.import_file(osm / "liechtenstein-2022.osm.pbf")
    rng = random.Random(3)
    points = [(47.14 + rng.uniform(-0.05, 0.05), 9.52 + rng.uniform(-0.03, 0.03))
              for _ in range(60)]
    rows = ["| ways measured to | p50 ms | p95 ms | p95 CPU ms |", "|---|---|---|---|"]
    original = distances.edge_distances
    for label, fn in (("their line", original),
                      ("their point less their reach", lambda lat, lon, r, index=None:
                       original(lat, lon, r, None))):
        search.edge_distances = fn  # type: ignore[assignment]
        search.nearby(store, 47.14, 9.52, 500, tags={"highway": "*"})
        wall, cpu = [], []
        for lat, lon in points:
            t, c = time.perf_counter(), time.process_time()
            search.nearby(store, lat, lon, 500, tags={"highway": "*"})
            wall.append((time.perf_counter() - t) * 1000)
            cpu.append((time.process_time() - c) * 1000)
        rows.append(f"| {label} | {statistics.median(wall):.1f} | {percentile(wall, 95):.1f} |"
                    f" {percentile(cpu, 95):.1f} |")
    search.edge_distances = original
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--osm", type=Path, default=OSM)
    parser.add_argument("--before", default=BEFORE)
    parser.add_argument("--parts", default="index,offline,online,tokens,nearby")
    args = parser.parse_args()
    parts = set(args.parts.split(","))
    commit = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
                            capture_output=True, text=True).stdout.strip()
    print(f"commit {commit}; load before: {load()}\n")
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        steps = (("index", lambda: index_growth(args.osm, args.before, tmp)),
                 ("offline", lambda: offline(args.osm, args.runs, tmp)),
                 ("online", lambda: online(args.runs, tmp)),
                 ("tokens", tokens),
                 ("nearby", lambda: nearby_cost(args.osm, tmp)))
        for name, step in steps:
            if name in parts:
                print("\n".join(step()), "\n", sep="")
                print(f"load: {load()}\n")
    print(f"load after: {load()}")


if __name__ == "__main__":
    main()
