"""Speed and memory of the command line: ``geosleuth --help`` and ``geosleuth locate``.

Prints medians of several runs, each a fresh process:
- ``--help`` wall time (target under 0.3 s);
- ``locate`` on the example photo with EXIF GPS, cold (an empty cache folder: the gazetteer
  index is built and the OCR models load) and warm (index built; ``--no-cache`` so every tool
  really runs), and replayed from the result cache; peak memory (max RSS) of each.

Uses only files the project makes (examples/photos). Run: python benchmarks/bench_locate.py
"""

from __future__ import annotations

import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PHOTO = ROOT / "examples" / "photos" / "vaduz_gps.jpg"


def run(args: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall seconds of one child process (and the running peak RSS of children, MB)."""
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "geosleuth", *args],
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    wall = time.perf_counter() - start
    return wall, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024.0


def median(values: list[float]) -> float:
    return statistics.median(values)


def main(repeats: int = 5) -> None:
    tmp = Path(tempfile.mkdtemp(prefix="geosleuth-bench-"))
    env = {**os.environ, "GEOSLEUTH_CONFIG": str(tmp / "none.toml")}
    out = str(tmp / "cases")

    helps = []
    for _ in range(repeats * 2):
        helps.append(run(["--help"], env)[0])
    print(f"geosleuth --help: median {median(helps):.3f} s over {len(helps)} runs")

    colds: list[float] = []
    for i in range(3):
        cold_env = {**env, "GEOSLEUTH_CACHE_DIR": str(tmp / f"cold{i}")}
        wall, _ = run(["locate", str(PHOTO), "--out", out, "--json"], cold_env)
        colds.append(wall)
    print(
        f"locate, cold (empty cache: index build + model load): median {median(colds):.2f} s"
        f" over {len(colds)} runs"
    )

    warm_env = {**env, "GEOSLEUTH_CACHE_DIR": str(tmp / "cold0")}
    warms = [
        run(["locate", str(PHOTO), "--out", out, "--json", "--no-cache"], warm_env)[0]
        for _ in range(repeats)
    ]
    print(
        f"locate, warm (index built, every tool runs): median {median(warms):.2f} s"
        f" over {repeats} runs"
    )
    replay = ["locate", str(PHOTO), "--out", out, "--json"]
    replays = [run(replay, warm_env)[0] for _ in range(repeats)]
    print(
        f"locate, replayed from the result cache: median {median(replays):.2f} s"
        f" over {repeats} runs"
    )

    code = (
        "import resource, subprocess, sys\n"
        "subprocess.run([sys.executable, '-m', 'geosleuth', *sys.argv[1:]], check=True,"
        " stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)\n"
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024)\n"
    )
    for label, args, e in (
        (
            "cold",
            ["locate", str(PHOTO), "--out", out, "--json"],
            {**env, "GEOSLEUTH_CACHE_DIR": str(tmp / "mem-cold")},
        ),
        ("warm", ["locate", str(PHOTO), "--out", out, "--json", "--no-cache"], warm_env),
    ):
        mem = subprocess.run(
            [sys.executable, "-c", code, *args], env=e, capture_output=True, text=True, check=True
        ).stdout.strip()
        print(f"locate, {label}: peak memory {float(mem):.0f} MB")


if __name__ == "__main__":
    main()
