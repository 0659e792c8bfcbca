"""The Ray engine against the local one: offline photos per minute (local --jobs 1 and 2,
Ray with 1 and 2 workers), a model-bound batch (8 photos at once against a local server
taking 2 s a call), Ray's cost per photo, and on paper the cluster OSV-5M's test set needs.

    python benchmarks/bench_ray.py [--photos 24] [--model-photos 16] [--runs 3] [--delay 2]
                                   [--latency 8] [--calls 4] [--rpm 600]

Photos are rendered here (geosleuth.testing.photos, as bench_batch.py does: 640x480 street
scenes with EXIF GPS at 24 cities); nothing is read from /work/shared. Ray runs on a
cluster started here on 127.0.0.1 (geosleuth.testing.ray_cluster: a head with 2 CPUs, a
100 MB object store, no dashboard), which each run joins (--address): the cluster's own
start-up (about 10 s, paid once per 'geosleuth batch --engine ray' without --address) is
timed apart; the workers' start-up (a process each, the tools and gazetteer loaded) is
inside every Ray figure, as it is in a real run. Offline runs are whole 'geosleuth batch'
processes (--no-cache), timed by wall clock; figures are medians of --runs runs. The model
runs call run_batch in this process against fake_vlm_server.py (two calls a photo).
The machine is shared: the load average is printed beside the figures.
"""

from __future__ import annotations

import argparse
import math
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from bench_batch import _memory_kb, render_set
from fake_vlm_server import FakeVLMServer

from geosleuth.batch import BatchTask, find_images, run_batch
from geosleuth.batch.ray_engine import RayOptions
from geosleuth.batch.runner import Progress
from geosleuth.settings import load_settings
from geosleuth.testing.ray_cluster import LocalRayCluster

OSV5M_TEST = 210_000


def load() -> str:
    one, five, _ = os.getloadavg()
    return f"load average {one:.1f} (5 min {five:.1f}) on {os.cpu_count()} CPUs"


def cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "geosleuth", *args]


def timed_cli(args: list[str], out: Path, env: dict[str, str],
              cluster: LocalRayCluster | None = None) -> tuple[float, float]:
    """(wall seconds, peak summed PSS in MB of the cluster's workers) of one batch."""
    shutil.rmtree(out, ignore_errors=True)
    peak = [0.0]
    stop = threading.Event()

    def sample() -> None:
        while cluster is not None and not stop.is_set():
            pss = sum(_memory_kb(p)[0] for p in cluster.workers()) / 1024
            peak[0] = max(peak[0], pss)
            time.sleep(0.2)

    watcher = threading.Thread(target=sample, daemon=True)
    watcher.start()
    started = time.perf_counter()
    done = subprocess.run(cli(*args, "--out", str(out), "--no-cache"), env=env,
                          capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - started
    stop.set()
    watcher.join()
    if done.returncode != 0:
        raise SystemExit(f"batch failed ({done.returncode}): {done.stderr[-2000:]}")
    return elapsed, peak[0]


def bench_offline(root: Path, cluster: LocalRayCluster, n: int, runs: int) -> dict[str, float]:
    photos = render_set(root / "offline", n, gps=True, size=(640, 480))
    env = {**cluster.env, "GEOSLEUTH_CACHE": "false"}
    print(f"\n## Offline backend: {n} photos (640x480, EXIF GPS), {runs} runs each; {load()}")
    print("| engine | workers x threads | median wall s | photos/min (median) | "
          "workers' peak PSS | runs: wall s |")
    print("|---|---|---|---|---|---|")
    rates: dict[str, float] = {}
    modes = [("local --jobs 1", ["-j", "1"], "1 (inline)", False),
             ("local --jobs 2", ["-j", "2"], "2 threads", False),
             ("local --jobs 2 --executor process", ["-j", "2", "--executor", "process"],
              "2 processes", False),
             ("ray, 1 worker", ["--engine", "ray", "--address", cluster.address,
                                "--workers", "1", "-j", "1"], "1 x 1", True),
             ("ray, 2 workers", ["--engine", "ray", "--address", cluster.address,
                                 "--workers", "2", "-j", "2"], "2 x 1", True)]
    for name, flags, shape, is_ray in modes:
        results = [timed_cli(["batch", str(photos), *flags], root / "out", env,
                             cluster if is_ray else None) for _ in range(runs)]
        times = [r[0] for r in results]
        med = statistics.median(times)
        rates[name] = n * 60 / med
        pss = f"{max(r[1] for r in results):.0f} MB" if is_ray else "–"
        print(f"| {name} | {shape} | {med:.1f} | {rates[name]:.1f} | {pss} | "
              f"{', '.join(f'{t:.1f}' for t in times)} |", flush=True)
    return rates


def bench_startup(root: Path, env: dict[str, str]) -> float:
    """One photo with --engine ray and no --address: a local cluster started and stopped."""
    photos = render_set(root / "one", 1, gps=True, size=(640, 480))
    clean = {k: v for k, v in env.items() if not k.startswith("RAY_")}
    started = time.perf_counter()
    done = subprocess.run(cli("batch", str(photos), "--out", str(root / "out-one"),
                              "--no-cache", "--engine", "ray", "--workers", "1"),
                          env=clean, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"batch failed ({done.returncode}): {done.stderr[-2000:]}")
    return time.perf_counter() - started


def bench_model(root: Path, cluster: LocalRayCluster, n: int, runs: int,
                delay: float) -> dict[str, float]:
    photos = render_set(root / "model", n, gps=False, size=(320, 240))
    tasks = [BatchTask(p, p.name) for p in find_images(photos)]
    print(f"\n## Model backend: fake local server, {delay:g} s a call, 2 calls a photo, {n} "
          f"photos, 8 at once, {runs} runs each; {load()}")
    medians: dict[str, float] = {}
    for name, value in cluster.env.items():
        if name.startswith("RAY_"):
            os.environ[name] = value  # this process joins the test cluster
    with FakeVLMServer(delay) as server:
        settings = load_settings({
            "cache": False, "backend": "bench", "steps": 4,
            "servers": {"bench": {"base_url": server.url, "model": "bench-vlm"}}})[0]
        run_batch(tasks[:1], root / "warm", settings)  # tools and gazetteer, not timed
        print("| engine | workers x threads | median s | photos/min | max requests in flight "
              "| first photo back after (s) | a photo's own time, median (s) | runs (s) |")
        print("|---|---|---|---|---|---|---|---|")
        modes = [("local --jobs 8", {"jobs": 8}, "8 threads"),
                 ("ray, 8 at once", {"jobs": 8, "engine": "ray", "ray": RayOptions(
                     address=cluster.address, workers=2)}, "2 x 4"),
                 ("ray, 8 at once, 1 worker", {"jobs": 8, "engine": "ray", "ray": RayOptions(
                     address=cluster.address, workers=1)}, "1 x 8")]
        for name, options, shape in modes:
            times, firsts, own = [], [], []
            for r in range(runs):
                server.max_in_flight = 0
                first: list[float] = []
                started = time.perf_counter()

                def seen(p: Progress, first: list[float] = first, started: float = started) -> None:
                    if p.done and not first:
                        first.append(time.perf_counter() - started)

                outcome = run_batch(tasks, root / f"model-{len(medians)}-{r}", settings,
                                    on_progress=seen, **options)  # type: ignore[arg-type]
                times.append(time.perf_counter() - started)
                firsts.append(first[0])
                own.append(statistics.median(x["elapsed_ms"] / 1000 for x in outcome.rows))
                assert outcome.failed == 0, [x["error"] for x in outcome.rows if x["error"]]
                assert outcome.ran == n
            medians[name] = statistics.median(times)
            medians[f"{name}: own"] = statistics.median(own)
            print(f"| {name} | {shape} | {medians[name]:.1f} | {n * 60 / medians[name]:.1f} | "
                  f"{server.max_in_flight} | {statistics.median(firsts):.1f} | "
                  f"{medians[f'{name}: own']:.2f} | {', '.join(f'{t:.1f}' for t in times)} |",
                  flush=True)
    ideal = math.ceil(n / 8) * 2 * delay
    extra = medians["ray, 8 at once"] - medians["local --jobs 8"]
    per_photo = medians["ray, 8 at once: own"] - medians["local --jobs 8: own"]
    print(f"ideal (model time only): {ideal:.1f} s. Ray's extra wall time over local: "
          f"{extra:.1f} s for the batch, most of it the workers' start-up (paid once per run); "
          f"a photo's own time (its row's elapsed_ms: investigation, files, transfer, folder) "
          f"is {per_photo:+.2f} s against the local engine's")
    return medians


def on_paper(offline: dict[str, float], model: dict[str, float], n_model: int,
             latency: float, calls: int, rpm: float, threads: int) -> None:
    """OSV-5M's test set from the figures above, for a model of ``latency`` s a call,
    ``calls`` calls a photo, and a rate limit of ``rpm`` requests a minute."""
    per_worker = offline["ray, 1 worker"]
    print(f"\n## On paper: OSV-5M's test set, {OSV5M_TEST:,} photos")
    print(f"Offline, at {per_worker:.0f} photos/min per worker (one CPU each, measured above "
          "on this loaded machine; a quiet core does more):")
    print("| workers (CPUs) | hours |")
    print("|---|---|")
    for workers in (2, 16, 64, 256):
        print(f"| {workers} | {OSV5M_TEST / (per_worker * workers) / 60:.1f} |")
    local_s = max(0.0, model["ray, 8 at once: own"] - 2 * 2.0)  # a photo's own time less the model
    photo_s = calls * latency + local_s
    cap = rpm / calls  # photos a minute the rate limit allows
    concurrency = math.ceil(cap * photo_s / 60)
    workers = math.ceil(concurrency / threads)
    print(f"\nWith a model: {calls} calls a photo at {latency:g} s each, plus {local_s:.1f} s of "
          "local work and Ray's handling a photo (measured above, on this loaded machine), so "
          f"{photo_s:.1f} s a photo.")
    print(f"A rate limit of {rpm:g} requests/min allows {cap:.0f} photos/min; reaching it "
          f"takes {concurrency} photos at once, e.g. {workers} workers x {threads} threads "
          f"(--jobs {concurrency}); the test set then takes {OSV5M_TEST / cap / 60:.1f} h.")
    print("| rate limit (requests/min) | photos/min | photos at once | workers x "
          f"{threads} | hours |")
    print("|---|---|---|---|---|")
    for limit in (60, 600, 3000, 10000):
        photos_min = limit / calls
        at_once = math.ceil(photos_min * photo_s / 60)
        print(f"| {limit:,} | {photos_min:,.0f} | {at_once} | {math.ceil(at_once / threads)} | "
              f"{OSV5M_TEST / photos_min / 60:.1f} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--photos", type=int, default=24)
    parser.add_argument("--model-photos", type=int, default=16)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--delay", type=float, default=2.0, help="the fake server's seconds")
    parser.add_argument("--latency", type=float, default=8.0, help="on paper: s a model call")
    parser.add_argument("--calls", type=int, default=4, help="on paper: model calls a photo")
    parser.add_argument("--rpm", type=float, default=600.0, help="on paper: requests/min")
    parser.add_argument("--threads", type=int, default=16, help="on paper: threads a worker")
    parser.add_argument("--only", choices=("offline", "model"), action="append",
                        help="run only these parts (the figures on paper need both)")
    args = parser.parse_args()
    only = set(args.only or ("offline", "model"))
    os.environ.setdefault("GEOSLEUTH_CACHE", "false")
    print(f"{load()} at start (the machine is shared; figures are wall-clock)")
    with tempfile.TemporaryDirectory(prefix="geosleuth-bench-ray-") as tmp:
        root = Path(tmp)
        if "offline" in only:
            startup = bench_startup(root, dict(os.environ))
            print(f"one photo with --engine ray and no --address (a local cluster started, "
                  f"one worker, stopped): {startup:.1f} s; {load()}")
        started = time.perf_counter()
        offline: dict[str, float] = {}
        model: dict[str, float] = {}
        with LocalRayCluster(num_cpus=2, object_store_mb=100) as cluster:
            print(f"a 2-CPU head on 127.0.0.1 ready in {time.perf_counter() - started:.1f} s")
            if "offline" in only:
                offline = bench_offline(root, cluster, args.photos, args.runs)
            if "model" in only:
                model = bench_model(root, cluster, args.model_photos, args.runs, args.delay)
        if offline and model:
            on_paper(offline, model, args.model_photos, args.latency, args.calls, args.rpm,
                     args.threads)
        print(f"\n{load()} at the end")


if __name__ == "__main__":
    main()
