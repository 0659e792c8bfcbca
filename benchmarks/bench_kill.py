"""Kill-and-resume benchmark: ``geosleuth batch`` (thread and process executors) and
``geosleuth maps import`` killed with SIGKILL at random moments, then run again.

    python benchmarks/bench_kill.py --kills 50            # 20 thread, 20 process, 10 maps
    python benchmarks/bench_kill.py --kills 9 --photos 6   # a quick look

A cycle starts on an empty output folder: the command runs, is killed with SIGKILL (the
command's own process only, as ``kill -9 PID`` does; its workers must follow by
themselves) after a random 0.5 to ``--max-delay`` seconds, and is started again
(``batch --resume``; ``maps import`` again) until one run finishes. After every kill:

- no process of the command's session is still running ``--grace`` seconds later (the
  benchmark records how long the last one took to go, then kills any left over);
- results.jsonl parses line by line (a torn last line is counted as half-written), no
  photo has two rows, no row recorded before the kill is gone, every row's case folder
  holds a case.json that parses as strict JSON and a report.md; all.geojson parses;
- ``geosleuth maps list --json`` works and shows the region whole (all its features and its
  countries) or not at all.

After the run that finishes a cycle: every photo exactly once in results.jsonl,
summary.csv and all.geojson, one case folder per photo, and no stray temporary file
(no dot-file left in the output folder; no ``.part`` or ``.tmp`` beside the region).

The photos are rendered by ``geosleuth.testing.photos`` (with GPS, so each is a real
investigation); the map is an OSM file written with pyosmium here (no shared data).
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
STOP = False  # SIGTERM: end the cycle that runs without more kills, print the figures


@dataclass
class Figures:
    kills: Counter[str] = field(default_factory=Counter)
    cycles: Counter[str] = field(default_factory=Counter)
    runs: Counter[str] = field(default_factory=Counter)
    problems: list[str] = field(default_factory=list)
    gone_after_s: list[float] = field(default_factory=list)  # last process gone, per kill
    left_running: int = 0
    torn_lines: int = 0
    lost: int = 0
    duplicated: int = 0
    stray: int = 0

    def problem(self, text: str) -> None:
        self.problems.append(text)
        print(f"  PROBLEM: {text}", flush=True)


def geosleuth(*args: str) -> list[str]:
    return [sys.executable, "-m", "geosleuth", *args]


def session_pids(sid: int) -> list[int]:
    """Processes of session ``sid`` still alive (zombies excluded)."""
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        if fields[0] != "Z" and int(fields[3]) == sid:  # state, ppid, pgrp, session
            pids.append(int(entry.name))
    return pids


def kill_and_watch(proc: subprocess.Popen[bytes], grace: float, fig: Figures,
                   what: str) -> None:
    """SIGKILL the command's process; check that its session is empty within ``grace``."""
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    killed = time.monotonic()
    left = session_pids(proc.pid)
    while left and time.monotonic() - killed < grace:
        time.sleep(0.05)
        left = session_pids(proc.pid)
    fig.gone_after_s.append(time.monotonic() - killed)
    if left:
        fig.left_running += 1
        fig.problem(f"{what}: {len(left)} process(es) still running {grace} s after the kill")
        for pid in left:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)


def _strict(text: str) -> Any:
    def refuse(name: str) -> Any:
        raise ValueError(f"{name} in JSON")

    return json.loads(text, parse_constant=refuse)


# ------------------------------------------------------------------------------ batch

def batch_rows(out: Path, fig: Figures, what: str) -> list[dict[str, Any]]:
    """The rows of results.jsonl; a line that does not parse is counted as torn."""
    path = out / "results.jsonl"
    if not path.exists():
        return []
    rows = []
    lines = path.read_bytes().split(b"\n")
    for i, line in enumerate(lines):
        if not line.strip():
            continue
        try:
            rows.append(_strict(line.decode("utf-8")))
        except ValueError:
            if i == len(lines) - 1:
                fig.torn_lines += 1
                fig.problem(f"{what}: a torn last line in results.jsonl")
            else:
                fig.problem(f"{what}: line {i + 1} of results.jsonl does not parse")
    return rows


def check_batch(out: Path, before: set[str], fig: Figures, what: str) -> set[str]:
    rows = batch_rows(out, fig, what)
    paths = [str(r["path"]) for r in rows]
    dup = [p for p, n in Counter(paths).items() if n > 1]
    if dup:
        fig.duplicated += len(dup)
        fig.problem(f"{what}: rows for {dup} more than once")
    lost = before - set(paths)
    if lost:
        fig.lost += len(lost)
        fig.problem(f"{what}: rows of {sorted(lost)} lost")
    for r in rows:
        folder = out / str(r.get("case_dir") or "")
        if not r.get("case_dir"):
            continue
        try:
            _strict((folder / "case.json").read_text(encoding="utf-8"))
            if not (folder / "report.md").is_file():
                raise ValueError("no report.md")
        except (OSError, ValueError) as exc:
            fig.problem(f"{what}: case folder {folder.name} incomplete: {exc}")
    geojson = out / "all.geojson"
    if geojson.exists():
        try:
            _strict(geojson.read_text(encoding="utf-8"))
        except ValueError as exc:
            fig.problem(f"{what}: all.geojson does not parse: {exc}")
    return set(paths)


def check_batch_done(out: Path, names: list[str], fig: Figures, what: str) -> None:
    rows = batch_rows(out, fig, what)
    paths = sorted(str(r["path"]) for r in rows)
    if paths != names:
        fig.problem(f"{what}: results.jsonl holds {paths}, not each photo once")
    bad = [r["path"] for r in rows if r.get("status") != "answered"]
    if bad:
        fig.problem(f"{what}: rows not answered: {bad}")
    with (out / "summary.csv").open(newline="", encoding="utf-8") as fh:
        csv_paths = sorted(r["path"] for r in csv.DictReader(fh))
    if csv_paths != names:
        fig.problem(f"{what}: summary.csv holds {csv_paths}")
    features = _strict((out / "all.geojson").read_text(encoding="utf-8"))["features"]
    if sorted(f["properties"]["path"] for f in features) != names:
        fig.problem(f"{what}: all.geojson does not hold each photo once")
    cases = [p for p in out.iterdir() if p.is_dir() and not p.name.startswith(".")]
    if len(cases) != len(names):
        fig.problem(f"{what}: {len(cases)} case folders for {len(names)} photos")
    stray = [p.name for p in out.iterdir() if p.name.startswith(".")]
    stray += [str(p.relative_to(out)) for p in out.rglob("*")
              if p.suffix in (".tmp", ".part") or p.name.endswith("~")]
    if stray:
        fig.stray += len(stray)
        fig.problem(f"{what}: stray files {stray}")


def batch_cycle(photos: Path, names: list[str], work: Path, executor: str, kills: int,
                args: argparse.Namespace, rng: random.Random, fig: Figures,
                env: dict[str, str]) -> int:
    """One cycle: up to ``kills`` kills, then a run to the end. Returns the kills made."""
    out = work / f"out-{executor}-{fig.cycles[executor]}"
    fig.cycles[executor] += 1
    made, recorded = 0, set[str]()
    while True:
        cmd = geosleuth("batch", str(photos), "--out", str(out), "-j", str(args.jobs),
                        "--executor", executor)
        if out.exists():
            cmd.append("--resume")
        what = f"batch {executor} cycle {fig.cycles[executor]} run {fig.runs[executor] + 1}"
        fig.runs[executor] += 1
        err = tempfile.TemporaryFile()  # noqa: SIM115 - read after the run, closed below
        proc = subprocess.Popen(cmd, env=env, start_new_session=True,
                                stdout=subprocess.DEVNULL, stderr=err)
        moment = None
        if made < kills and not STOP:
            moment = kill_moment(rng, len(recorded), len(names), args.max_delay)
        began = time.monotonic()
        if moment is None:
            finished = wait_until(proc, None, args.timeout, out)
        else:
            finished = wait_until(proc, moment, args.timeout, out)
        if not finished:
            if moment is None:
                fig.problem(f"{what}: did not finish in {args.timeout} s")
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
                return made
            kill_and_watch(proc, args.grace, fig, what)
            made += 1
            fig.kills[f"batch --executor {executor}"] += 1
            recorded = check_batch(out, recorded, fig, what)
            print(f"  {what}: killed after {time.monotonic() - began:.1f} s ({moment[0]}) "
                  f"with {len(recorded)}/{len(names)} rows", flush=True)
            continue
        err.seek(0)
        stderr = err.read().decode(errors="replace")
        err.close()
        if proc.returncode != 0:
            fig.problem(f"{what}: exit {proc.returncode}: {stderr[-300:]}")
            return made
        check_batch(out, recorded, fig, what)
        check_batch_done(out, names, fig, what)
        print(f"  {what}: finished ({len(names)} photos) after {made} kills", flush=True)
        return made


def kill_moment(rng: random.Random, done: int, total: int,
                max_delay: float) -> tuple[str, float, int]:
    """When to kill: a third of the time after a random delay (start-up included), else a
    random 0-3 s after a random number of new rows (while photos are being written)."""
    if done >= total - 1 or rng.random() < 1 / 3:
        delay = rng.uniform(0.5, max_delay)
        return (f"at {delay:.1f} s", delay, 0)
    rows = rng.randint(done + 1, total - 1)
    extra = rng.uniform(0.0, 3.0)
    return (f"{extra:.1f} s after row {rows}", extra, rows)


def _row_count(out: Path) -> int:
    try:
        return (out / "results.jsonl").read_bytes().count(b"\n")
    except OSError:
        return 0


def wait_until(proc: subprocess.Popen[bytes], moment: tuple[str, float, int] | None,
               timeout: float, out: Path) -> bool:
    """True when the command ended by itself before ``moment`` (or ``timeout``)."""
    began = time.monotonic()
    rows_at: float | None = None
    while proc.poll() is None:
        now = time.monotonic()
        if now - began > timeout:
            return False
        if moment is not None:
            _, delay, rows = moment
            if rows == 0 and now - began >= delay:
                return False
            if rows and rows_at is None and _row_count(out) >= rows:
                rows_at = now
            if rows_at is not None and now - rows_at >= delay:
                return False
        time.sleep(0.02)
    return True


def make_photos(folder: Path, count: int) -> list[str]:
    from geosleuth.testing.photos import render_photo

    names = []
    for i in range(count):
        name = f"p{i:02d}.{'jpg' if i % 3 else 'png'}"
        render_photo(folder / name, size=(96, 64), seed=i,
                     gps=(48.8584 + i * 0.01, 2.2945 + i * 0.01))
        names.append(name)
    return sorted(names)


# ------------------------------------------------------------------------------- maps

def write_map(path: Path, nodes: int) -> tuple[Path, int]:
    """An OSM file of ``nodes`` named, tagged nodes and a way per 20 of them; returns the
    file and the number of features an import makes of it."""
    import osmium

    path.unlink(missing_ok=True)
    rng = random.Random(5)
    writer = osmium.SimpleWriter(str(path))
    kinds = ("cafe", "restaurant", "pharmacy", "bank", "school", "fuel")
    try:
        for i in range(1, nodes + 1):
            tags = {"name": f"Place {i}", "amenity": kinds[i % len(kinds)],
                    "addr:country": "LI", "addr:street": f"Strasse {i % 97}",
                    "addr:housenumber": str(i % 120)}
            writer.add_node(osmium.osm.mutable.Node(
                id=i, location=(9.5 + rng.random() * 0.1, 47.1 + rng.random() * 0.1),
                tags=tags, version=1))
        ways = 0
        for w in range(1, nodes // 20 + 1):
            refs = list(range((w - 1) * 20 + 1, w * 20 + 1))
            writer.add_way(osmium.osm.mutable.Way(
                id=w, nodes=refs, tags={"highway": "residential", "name": f"Weg {w}"},
                version=1))
            ways += 1
    finally:
        writer.close()
    return path, nodes + ways


def check_region(data: Path, features: int, fig: Figures, what: str,
                 env: dict[str, str], done: bool) -> None:
    listed = subprocess.run(geosleuth("maps", "list", "--json", "--data-dir", str(data)),
                            env=env, capture_output=True, text=True, timeout=120)
    if listed.returncode != 0:
        fig.problem(f"{what}: maps list failed: {listed.stderr[-300:]}")
        return
    regions = _strict(listed.stdout)
    if len(regions) > 1:
        fig.problem(f"{what}: {len(regions)} regions for one file")
    for region in regions:
        if region["features"] != features or region["countries"] != ["LI"]:
            fig.problem(f"{what}: region listed half-made: {region['features']} features, "
                        f"countries {region['countries']}")
    if done:
        if not regions:
            fig.problem(f"{what}: the import finished but no region is listed")
        stray = [p.name for p in (data / "maps").iterdir()
                 if p.suffix in (".part", ".tmp") or p.name.endswith("-journal")]
        if stray:
            fig.stray += len(stray)
            fig.problem(f"{what}: stray files {stray}")


def maps_cycle(osm: Path, features: int, work: Path, kills: int, args: argparse.Namespace,
               rng: random.Random, fig: Figures, env: dict[str, str],
               duration: float) -> int:
    data = work / f"maps-{fig.cycles['maps']}"
    fig.cycles["maps"] += 1
    made = 0
    while True:
        what = f"maps import cycle {fig.cycles['maps']} run {fig.runs['maps'] + 1}"
        fig.runs["maps"] += 1
        proc = subprocess.Popen(geosleuth("maps", "import", str(osm), "--data-dir", str(data)),
                                env=env, start_new_session=True, stdout=subprocess.DEVNULL,
                                stderr=subprocess.PIPE)
        delay = rng.uniform(0.3, duration * 0.8) if made < kills and not STOP else None
        try:
            proc.wait(timeout=delay if delay is not None else args.timeout)
        except subprocess.TimeoutExpired:
            if delay is None:
                fig.problem(f"{what}: did not finish in {args.timeout} s")
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
                return made
            kill_and_watch(proc, args.grace, fig, what)
            made += 1
            fig.kills["maps import"] += 1
            check_region(data, features, fig, what, env, done=False)
            print(f"  {what}: killed after {delay:.1f} s", flush=True)
            continue
        stderr = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
        if proc.returncode != 0:
            fig.problem(f"{what}: exit {proc.returncode}: {stderr[-300:]}")
            return made
        check_region(data, features, fig, what, env, done=True)
        print(f"  {what}: finished after {made} kills", flush=True)
        return made


# ------------------------------------------------------------------------------- main

def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--kills", type=int, default=50, help="kills in all (40%% thread, "
                        "40%% process, 20%% maps import)")
    parser.add_argument("--photos", type=int, default=8, help="photos in the batch folder")
    parser.add_argument("--jobs", type=int, default=2, help="batch -j")
    parser.add_argument("--per-cycle", type=int, default=3, help="kills before a cycle's "
                        "last run goes to the end")
    parser.add_argument("--max-delay", type=float, default=12.0,
                        help="longest wait before a kill (s)")
    parser.add_argument("--grace", type=float, default=5.0,
                        help="seconds every process of a killed command has to go")
    parser.add_argument("--timeout", type=float, default=900.0, help="longest run (s)")
    parser.add_argument("--map-nodes", type=int, default=60_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)

    def stop(signum: int, frame: Any) -> None:
        global STOP
        STOP = True

    signal.signal(signal.SIGTERM, stop)
    rng = random.Random(args.seed)
    fig = Figures()
    env = {**os.environ, "GEOSLEUTH_CACHE": "false", "NO_COLOR": "1"}
    started = time.monotonic()
    commit = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
                            capture_output=True, text=True).stdout.strip()
    with tempfile.TemporaryDirectory(prefix="geosleuth-kill-") as tmp:
        work = Path(tmp)
        names = make_photos(work / "photos", args.photos)
        osm, features = write_map(work / "town.osm.pbf", args.map_nodes)
        t0 = time.monotonic()
        subprocess.run(geosleuth("maps", "import", str(osm), "--data-dir", str(work / "probe")),
                       env=env, check=True, capture_output=True, timeout=args.timeout)
        duration = time.monotonic() - t0
        print(f"commit {commit}; {args.photos} photos, -j {args.jobs}; map of {features:,} "
              f"features imports in {duration:.1f} s", flush=True)
        targets = {"thread": round(args.kills * 0.4), "process": round(args.kills * 0.4)}
        targets["maps"] = args.kills - targets["thread"] - targets["process"]
        for executor in ("thread", "process"):
            made = 0
            while made < targets[executor] and not STOP:
                want = min(args.per_cycle, targets[executor] - made)
                made += batch_cycle(work / "photos", names, work, executor, want, args, rng,
                                    fig, env)
        made = 0
        while made < targets["maps"] and not STOP:
            want = min(args.per_cycle, targets["maps"] - made)
            made += maps_cycle(osm, features, work, want, args, rng, fig, env, duration)
    seconds = time.monotonic() - started
    gone = sorted(fig.gone_after_s)
    print(f"\nkill-and-resume at {commit}, load average "
          f"{' '.join(f'{x:.2f}' for x in os.getloadavg())}, {seconds:.0f} s")
    for what, n in fig.kills.items():
        print(f"  {what}: {n} kills")
    print(f"  kills {sum(fig.kills.values())}; cycles finished "
          f"{dict(fig.cycles)}; runs {dict(fig.runs)}")
    print(f"  rows lost {fig.lost}, duplicated {fig.duplicated}, torn lines {fig.torn_lines}, "
          f"processes left running {fig.left_running}, stray temporary files {fig.stray}")
    if gone:
        print(f"  last process gone after a kill: median {gone[len(gone) // 2]:.2f} s, "
              f"max {gone[-1]:.2f} s")
    print(f"  problems {len(fig.problems)}")
    for text in fig.problems:
        print(f"    {text}")
    return 1 if fig.problems else 0


if __name__ == "__main__":
    sys.exit(main())
