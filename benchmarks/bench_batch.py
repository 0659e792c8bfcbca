"""Batch throughput: offline photos per minute at --jobs 1 and 2, memory with 8 jobs, and
the speed-up of --jobs 8 over --jobs 1 against a local model server taking 2 s per call.

    python benchmarks/bench_batch.py [--photos 24] [--runs 3] [--delay 2.0]

Photos are rendered here (geosleuth.testing.photos: 640x480 street scenes with EXIF GPS
at 24 cities, so every investigation reads EXIF and fuses a position); nothing is read
from /work/shared. The offline runs are whole ``geosleuth batch`` processes (start-up
included, --no-cache so every run does the work), timed by wall clock; figures are the
median of --runs runs; CPU seconds per photo (user + system, the batch and its
workers) say what a run costs whatever else the shared machine is doing. Memory is
the peak, over the run, of the summed PSS (and RSS) of the batch process and all its
descendants, sampled every 0.2 s from /proc (Linux). The
model runs use ``run_batch`` in this process against fake_vlm_server.py (an
OpenAI-compatible server on 127.0.0.1 that answers each call after --delay seconds;
two calls per photo: exif_metadata, then submit_verdict).
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from fake_vlm_server import FakeVLMServer

from geosleuth.batch import BatchTask, find_images, run_batch
from geosleuth.settings import load_settings
from geosleuth.testing.photos import render_photo

CITIES = [
    (48.8584, 2.2945), (35.6586, 139.7454), (-33.8568, 151.2153), (40.6892, -74.0445),
    (51.5007, -0.1246), (41.8902, 12.4922), (-22.9519, -43.2105), (55.7539, 37.6208),
    (30.0444, 31.2357), (1.2834, 103.8607), (19.4326, -99.1332), (-34.6037, -58.3816),
    (52.5163, 13.3777), (37.8199, -122.4783), (28.6129, 77.2295), (39.9163, 116.3972),
    (-1.2921, 36.8219), (64.1466, -21.9426), (59.3293, 18.0686), (25.1972, 55.2744),
    (-33.9249, 18.4241), (43.7102, 7.262), (47.1415, 9.5215), (42.5063, 1.5218),
]


def render_set(folder: Path, n: int, *, gps: bool, size: tuple[int, int]) -> Path:
    for i in range(n):
        render_photo(folder / f"photo{i:03d}.jpg", size=size, seed=i,
                     gps=CITIES[i % len(CITIES)] if gps else None)
    return folder


def cli(*args: str) -> list[str]:
    return [sys.executable, "-c", "from geosleuth.cli.app import main; main()", *args]


def _descendants(pid: int) -> list[int]:
    found, todo = [], [pid]
    while todo:
        p = todo.pop()
        found.append(p)
        try:
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children") as fh:
                    todo.extend(int(c) for c in fh.read().split())
        except OSError:
            continue
    return found


def _memory_kb(pid: int) -> tuple[int, int]:
    """(PSS, RSS) in kB of one process, 0 if it is gone."""
    pss = rss = 0
    try:
        with open(f"/proc/{pid}/smaps_rollup") as fh:
            for line in fh:
                if line.startswith("Pss:"):
                    pss = int(line.split()[1])
                elif line.startswith("Rss:"):
                    rss = int(line.split()[1])
    except OSError:
        pass
    return pss, rss


def timed_batch(photos: Path, out: Path, jobs: int, executor: str = "auto",
                sample_memory: bool = False) -> dict:
    shutil.rmtree(out, ignore_errors=True)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    proc = subprocess.Popen(cli("batch", str(photos), "--out", str(out), "-j", str(jobs),
                                "--executor", executor, "--no-cache"),
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    peak = {"pss_kb": 0, "rss_kb": 0, "processes": 0}
    if sample_memory:
        while proc.poll() is None:
            pids = _descendants(proc.pid)
            mem = [_memory_kb(p) for p in pids]
            total_pss, total_rss = sum(m[0] for m in mem), sum(m[1] for m in mem)
            if total_pss > peak["pss_kb"]:
                peak = {"pss_kb": total_pss, "rss_kb": total_rss, "processes": len(pids)}
            time.sleep(0.2)
    _, err = proc.communicate()
    elapsed = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        raise SystemExit(f"batch failed ({proc.returncode}): {err[-2000:]}")
    # CPU time of the batch and every descendant it (or they) waited for: what the run
    # costs whatever else the shared machine is doing.
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {"elapsed_s": elapsed, "cpu_s": cpu, **peak}


def bench_offline(root: Path, n: int, runs: int) -> None:
    photos = render_set(root / "offline", n, gps=True, size=(640, 480))
    print(f"\n## Offline backend: {n} photos (640x480, EXIF GPS), {runs} runs each, "
          f"{os.cpu_count()} CPUs")
    print("| jobs | executor | median wall s | photos/min (median) | CPU s per photo "
          "(median) | runs: wall s |")
    print("|---|---|---|---|---|---|")
    for jobs, executor in ((1, "auto"), (2, "process"), (2, "thread")):
        results = [timed_batch(photos, root / "out", jobs, executor) for _ in range(runs)]
        times = [r["elapsed_s"] for r in results]
        med = statistics.median(times)
        cpu = statistics.median(r["cpu_s"] for r in results) / n
        kind = "inline" if jobs == 1 else executor
        print(f"| {jobs} | {kind} | {med:.1f} | {n * 60 / med:.1f} | {cpu:.2f} | "
              f"{', '.join(f'{t:.1f}' for t in times)} |", flush=True)


def bench_memory(root: Path, n: int) -> None:
    photos = root / "offline"
    if not photos.exists():
        render_set(photos, n, gps=True, size=(640, 480))
    print("\n## Memory, offline backend, --jobs 8")
    for executor in ("process", "thread"):
        result = timed_batch(photos, root / "out-mem", 8, executor, sample_memory=True)
        print(f"{executor}: peak summed PSS {result['pss_kb'] / 1024:.0f} MB, summed RSS "
              f"{result['rss_kb'] / 1024:.0f} MB over {result['processes']} process(es); "
              f"the run took {result['elapsed_s']:.1f} s", flush=True)


def bench_model(root: Path, n: int, runs: int, delay: float) -> None:
    photos = render_set(root / "model", n, gps=False, size=(320, 240))
    tasks = [BatchTask(p, p.name) for p in find_images(photos)]
    print(f"\n## Model backend: fake local server, {delay:g} s per call, 2 calls per photo, "
          f"{n} photos, {runs} runs each")
    with FakeVLMServer(delay) as server:
        settings = load_settings({
            "cache": False, "backend": "bench", "steps": 4,
            "servers": {"bench": {"base_url": server.url, "model": "bench-vlm"}}})[0]
        # Warm-up (not timed): load the tools, gazetteer and country data once.
        run_batch(tasks[:1], root / "warm", settings)
        medians = {}
        print("| jobs | executor | median s | photos/min | max requests in flight | runs (s) |")
        print("|---|---|---|---|---|---|")
        for jobs in (1, 8):
            times = []
            for r in range(runs):
                out = root / f"model-out-{jobs}-{r}"
                server.max_in_flight = 0
                started = time.perf_counter()
                outcome = run_batch(tasks, out, settings, jobs=jobs)
                times.append(time.perf_counter() - started)
                assert outcome.failed == 0, [x["error"] for x in outcome.rows if x["error"]]
            medians[jobs] = statistics.median(times)
            print(f"| {jobs} | {outcome.executor} | {medians[jobs]:.1f} | "
                  f"{n * 60 / medians[jobs]:.1f} | {server.max_in_flight} | "
                  f"{', '.join(f'{t:.1f}' for t in times)} |", flush=True)
        print(f"speed-up of --jobs 8 over --jobs 1: {medians[1] / medians[8]:.2f}x "
              f"(ideal {min(8, n)}x less the local work per photo)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--photos", type=int, default=24)
    parser.add_argument("--model-photos", type=int, default=16)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--delay", type=float, default=2.0)
    parser.add_argument("--only", choices=("offline", "memory", "model"), action="append")
    args = parser.parse_args()
    only = set(args.only or ("offline", "memory", "model"))
    with tempfile.TemporaryDirectory(prefix="geosleuth-bench-batch-") as tmp:
        root = Path(tmp)
        os.environ.setdefault("GEOSLEUTH_CACHE", "false")
        print(f"load average at start: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs "
              f"(the machine is shared; figures are wall-clock)")
        if "offline" in only:
            bench_offline(root, args.photos, args.runs)
        if "memory" in only:
            bench_memory(root, args.photos)
        if "model" in only:
            bench_model(root, args.model_photos, args.runs, args.delay)


if __name__ == "__main__":
    main()
