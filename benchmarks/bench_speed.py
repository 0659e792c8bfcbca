"""The speed and memory targets of ``geosleuth``, each printed with its figure.

    python benchmarks/bench_speed.py [--runs 5] [--first-runs 3] [--batch-runs 1]
                                     [--only help,warm,first,memory,batch,maps]

Every command is a fresh process (``python -m geosleuth``); each figure is the median of
``--runs`` runs, with the CPU time (user + system of that process and its children, from
``wait4``) beside the wall time: on a shared machine CPU time holds up better under load.
The load average is printed at the start and the end.

- ``--help``;
- ``locate``, warm (the gazetteer index and the other first-run files built; ``--no-cache``
  so every tool runs): the Lisbon example, a 12 MP photo with a sign rendered by
  ``geosleuth.testing.signs`` (saved as JPEG), the example photo with no text;
- ``locate`` served by ``geosleuth serve`` (one worker, socket in a temporary folder):
  the same photos, each request sent when a warm worker waits; wall time of the client,
  CPU time of the client plus the worker's CPU for the command (from the server's log
  line "served ... (X CPU-s; peak Y MB)"), and the worker's peak RSS (which includes
  its warm-up);
- the first run: ``locate`` of the Lisbon example with an empty cache folder (index
  build included);
- peak memory (max RSS) of ``locate`` (from the warm runs), and of ``batch --jobs 4`` on
  12 photos (the three examples and rendered signs): the peak, over the run, of the summed
  PSS of the batch process and its workers, sampled from /proc every 0.2 s (Linux);
- ``batch --jobs 2`` photos per minute on the real photos in ``../shared/data/photos``
  (uses the shared data; not part of the project), ``--no-cache``, after one unmeasured
  batch of the same photos (what they need built once per cache folder is a first run's
  cost: the time-zone grid alone took 5 CPU-s of a 148 CPU-s batch);
- offline map search on the imported Liechtenstein extract in ``../shared/data/osm``
  (uses the shared data): p95 of a name search and of a 500 m nearby query, through
  ``bench_maps.bench_file``.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from bench_batch import _descendants, _memory_kb

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples" / "photos"
SHARED = ROOT.parent / "shared" / "data"
PARTS = ("help", "warm", "served", "first", "memory", "batch", "maps")


def load() -> str:
    return " / ".join(f"{v:.2f}" for v in os.getloadavg())


def run(args: list[str], env: dict[str, str]) -> dict[str, float]:
    """Wall s, CPU s (user + system, with children) and max RSS (MB) of one process."""
    started = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "geosleuth", *args], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    assert proc.stderr is not None
    err = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"geosleuth {' '.join(args)} failed: {err.decode()[-2000:]}")
    return {"wall": wall, "cpu": usage.ru_utime + usage.ru_stime, "mb": usage.ru_maxrss / 1024}


def medians(runs: list[dict[str, float]]) -> dict[str, float]:
    return {k: statistics.median(r[k] for r in runs) for k in runs[0]}


def show(label: str, runs: list[dict[str, float]], target: str) -> None:
    m = medians(runs)
    print(f"{label}: wall {m['wall']:.2f} s, CPU {m['cpu']:.2f} s, max RSS {m['mb']:.0f} MB"
          f" (median of {len(runs)}; max RSS of all {max(r['mb'] for r in runs):.0f} MB)"
          f"  [target {target}]", flush=True)


def twelve_mp_sign(path: Path) -> Path:
    """Rendered in a child process: a child's max RSS starts from this process's RSS when
    it is forked, and a 12 MP image held here made every locate measured after it look
    at least 474 MB."""
    code = ("import sys\n"
            "from geosleuth.testing.signs import sign_photo\n"
            "sign_photo('Rua Augusta Lisboa', 'Latin', size=(4000, 3000), text_px=90,"
            " center=(0.4, 0.45), seed=3).image.save(sys.argv[1], quality=90)\n")
    subprocess.run([sys.executable, "-c", code, str(path)], check=True)
    return path


def served(photos: dict[str, Path], runs: int, env: dict[str, str], tmp: Path,
           out: str) -> None:
    """``locate`` through ``geosleuth serve``: see the module docstring."""
    import re

    sock = tmp / "serve" / "serve.sock"
    log_path = tmp / "serve.log"
    serve_env = {**env, "GEOSLEUTH_SERVE_SOCKET": str(sock)}
    with log_path.open("wb") as log_file:
        server = subprocess.Popen([sys.executable, "-m", "geosleuth", "serve"], env=serve_env,
                                  stdout=subprocess.DEVNULL, stderr=log_file)
    served_line = re.compile(r"served .*\(([\d.]+) CPU-s; peak (\d+) MB\)")

    def wait_for(pattern: str, count: int) -> list[str]:
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            lines = log_path.read_text(encoding="utf-8", errors="replace").splitlines()
            if sum(pattern in line for line in lines) >= count:
                return lines
            if server.poll() is not None:
                raise SystemExit(f"geosleuth serve stopped: {log_path.read_text()[-2000:]}")
            time.sleep(0.1)
        raise SystemExit(f"geosleuth serve: no {pattern!r} in 300 s")

    done = 0
    try:
        for label, photo in photos.items():
            results = []
            for _ in range(runs):
                wait_for("warm (", done + 1)
                client = run(["locate", str(photo), "--out", out, "--no-cache"], serve_env)
                done += 1
                line = wait_for("served ", done)
                found = [m for m in map(served_line.search, line) if m][-1]
                results.append({"wall": client["wall"],
                                "cpu": client["cpu"] + float(found.group(1)),
                                "mb": float(found.group(2))})
            target = "≤ 0.8 s" if "no text" in label else "≤ 1.5 s wall, ≤ 1.2 CPU-s"
            show(f"locate served by geosleuth serve, {label}", results, target)
    finally:
        server.terminate()
        server.wait(timeout=30)


def peak_batch_memory(photos: Path, out: Path, jobs: int, env: dict[str, str]) -> float:
    """Peak summed PSS (MB) of ``geosleuth batch`` and its workers."""
    proc = subprocess.Popen([sys.executable, "-m", "geosleuth", "batch", str(photos), "--out",
                             str(out), "-j", str(jobs), "--no-cache"], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    peak = 0
    while proc.poll() is None:
        peak = max(peak, sum(_memory_kb(p)[0] for p in _descendants(proc.pid)))
        time.sleep(0.2)
    if proc.returncode != 0:
        raise SystemExit(f"batch failed ({proc.returncode})")
    return peak / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--first-runs", type=int, default=3)
    parser.add_argument("--batch-runs", type=int, default=1)
    parser.add_argument("--only", default=",".join(PARTS))
    args = parser.parse_args()
    parts = set(args.only.split(","))
    tmp = Path(tempfile.mkdtemp(prefix="geosleuth-speed-"))
    cache = tmp / "cache"
    env = {**os.environ, "GEOSLEUTH_CONFIG": str(tmp / "none.toml"),
           "GEOSLEUTH_CACHE_DIR": str(cache)}
    out = str(tmp / "cases")
    print(f"load average at start: {load()}", flush=True)

    if "help" in parts:
        show("geosleuth --help", [run(["--help"], env) for _ in range(args.runs * 2)],
             "≤ 0.15 s")

    if "first" in parts:
        firsts = []
        for i in range(args.first_runs):
            first_env = {**env, "GEOSLEUTH_CACHE_DIR": str(tmp / f"first{i}")}
            firsts.append(run(["locate", str(EXAMPLES / "lisbon_sign.jpg"), "--out", out],
                              first_env))
            shutil.rmtree(tmp / f"first{i}", ignore_errors=True)
        show("first run (empty cache folder, index build included), Lisbon example", firsts,
             "≤ 15 s")

    big = twelve_mp_sign(tmp / "sign_12mp.jpg")
    photos = {"Lisbon example": EXAMPLES / "lisbon_sign.jpg", "12 MP photo with a sign": big,
              "photo with no text": EXAMPLES / "no_clues.jpg"}
    if parts & {"warm", "memory", "batch"}:
        run(["locate", str(photos["Lisbon example"]), "--out", out], env)  # builds the cache
    locate_mb = 0.0
    if parts & {"warm", "memory"}:
        for label, photo in photos.items():
            runs = [run(["locate", str(photo), "--out", out, "--no-cache"], env)
                    for _ in range(args.runs)]
            locate_mb = max(locate_mb, *(r["mb"] for r in runs))
            target = "≤ 0.8 s" if "no text" in label else "≤ 1.5 s wall, ≤ 1.2 CPU-s"
            show(f"locate warm, {label}", runs, target)
        print(f"peak memory of locate (max RSS, any photo above): {locate_mb:.0f} MB"
              "  [target ≤ 400 MB]", flush=True)

    if "served" in parts:
        if not parts & {"warm", "memory"}:
            run(["locate", str(photos["Lisbon example"]), "--out", out], env)  # the cache
        served(photos, args.runs, env, tmp, out)

    if "memory" in parts:
        folder = tmp / "batch12"
        folder.mkdir()
        for photo in EXAMPLES.glob("*.jpg"):
            shutil.copy(photo, folder / photo.name)
        code = ("import sys\n"
                "from pathlib import Path\n"
                "from geosleuth.testing.signs import sign_photo\n"
                "for i, text in enumerate(sys.argv[2:]):\n"
                "    sign_photo(text, 'Latin', seed=i).image.save("
                "Path(sys.argv[1]) / f'sign{i}.jpg')\n")
        subprocess.run([sys.executable, "-c", code, str(folder), "Avenida da Liberdade",
                        "Via del Corso", "Rue de Rivoli", "Karl-Marx-Allee", "Calle de Alcalá",
                        "Nevsky Prospekt", "Praça do Comércio", "Piazza Navona", "Ringstraße"],
                       check=True)
        pss = peak_batch_memory(folder, tmp / "batch12-out", 4, env)
        print(f"peak memory of batch --jobs 4 (12 photos, summed PSS): {pss:.0f} MB"
              "  [target ≤ 800 MB]", flush=True)

    if "batch" in parts:
        real = SHARED / "photos"
        if real.is_dir():
            from geosleuth.batch import find_images

            n = len(find_images(real))
            # Not measured: a first batch builds what these photos need once per cache
            # folder (the time-zone grid of the EXIF time checks, 5 CPU-s, and others),
            # which a first run, not a batch, is charged with.
            run(["batch", str(real), "--out", str(tmp / "real-warm-up"), "-j", "2",
                 "--no-cache"], env)
            runs = [run(["batch", str(real), "--out", str(tmp / f"real{i}"), "-j", "2",
                         "--no-cache"], env) for i in range(args.batch_runs)]
            m = medians(runs)
            print(f"batch --jobs 2 of {n} photos in ../shared/data/photos (shared data):"
                  f" {n / m['wall'] * 60:.0f} photos/min (wall {m['wall']:.1f} s, CPU"
                  f" {m['cpu']:.1f} s, {m['cpu'] / n:.2f} CPU-s per photo; median of"
                  f" {len(runs)})  [target ≥ 150 photos/min]", flush=True)
        else:
            print(f"batch: {real} not found, skipped")

    if "maps" in parts:
        extract = SHARED / "osm" / "liechtenstein-2022.osm.pbf"
        if extract.is_file():
            from bench_maps import bench_file, percentile

            res = bench_file(extract, queries=400, imports=1, seed=5)
            forms = res["forms"]
            assert isinstance(forms, dict)
            search = [ms for f in forms.values() for ms in f["ms"]]
            search_cpu = [ms for f in forms.values() for ms in f["cpu"]]
            near, near_cpu = res["nearby"], res["nearby_cpu"]
            assert isinstance(near, list) and isinstance(near_cpu, list)
            print(f"map search on {extract.name} (shared data): name search p95"
                  f" {percentile(search, 95):.1f} ms wall / {percentile(search_cpu, 95):.1f}"
                  f" ms CPU ({len(search)} queries); nearby 500 m p95"
                  f" {percentile(near, 95):.1f} ms wall / {percentile(near_cpu, 95):.1f} ms"
                  f" CPU ({len(near)})  [target p95 ≤ 10 ms wall]", flush=True)
        else:
            print(f"maps: {extract} not found, skipped")

    print(f"load average at end: {load()}")
    shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
