"""The real-photo benchmark: accuracy, confident errors and calibration on real photos.

    python benchmarks/eval_real.py [--sets signs,plates,scenes,photos] [--maps none,all]
        [--split tune|holdout|all] [--runs N] [--limit N] [--jobs 2] [--out DIR]
        [--data DIR] [--json] [--resume]

Reads ../shared/data (the path /work/shared/data; another with ``--data DIR`` or the
environment variable GEOSLEUTH_SHARED_DATA), read-only, and copies nothing from it:

- ``real/signs``, ``real/plates``, ``real/scenes``: real photos whose text, plate or
  source names the place; labels are a point with a tolerance (``tolerance_km``) or only
  a country. Run with the metadata hidden (``ignore_metadata``).
- ``photos``: real photos with GPS in their EXIF, run with the metadata hidden (the EXIF
  position is the truth) and, as ``photos+exif``, with it visible (checks the pipeline).

Each set runs once per map condition: ``none`` (an empty private data dir, so no map
region) and ``all`` (every ``osm/*.osm.pbf`` extract imported with ``geosleuth maps
import`` into a private data dir under ``--out``). The data dir is chosen with
GEOSLEUTH_DATA_DIR, so the user's own data dir is never touched; the cache dir (where the
gazetteer index lives) stays the user's default. The eval is ``geosleuth.eval.runner.
evaluate`` in this process: offline backend, tool cache off, ``--jobs`` threads (2).

Per set and condition it prints: photos, answered share, right country (over the photos
with a country label), within 25 km (over the photos with a point label), median error
of the answered photos, **confidently wrong** (confidence >= 0.5 and the truth outside
the verdict's radius plus the label's tolerance; for a country-only label, the wrong
country) and ECE against that same outcome. Then, over all metadata-hidden sets
together per condition: ECE, the reliability table and the list of confidently wrong
photos (plus those of ``photos+exif``). See ``real_metrics.py`` for the definitions and
benchmarks/real.md for a run.

``--split`` keeps a deterministic part of each set by sha1 of the file name (first byte
even: tune; odd: holdout), so a calibration fitted on ``tune`` can be reported on
``holdout``. Every eval folder, the per-photo rows of every run (``photo_rows.jsonl``) and
``figures.json`` go to ``--out`` (default benchmarks/out/real, not committed).
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from real_metrics import (
    PhotoRow,
    calibration,
    in_split,
    median_figures,
    rows_from_eval,
    set_figures,
    split_of,
    wrong_list,
)

from geosleuth.batch.runner import Progress
from geosleuth.eval.adapters import load_dataset
from geosleuth.eval.datasets import Dataset
from geosleuth.eval.report import num, pct
from geosleuth.eval.runner import evaluate
from geosleuth.settings import load_settings

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA = Path("/work/shared/data")
DEFAULT_OUT = ROOT / "benchmarks" / "out" / "real"
SET_FILES = {
    "signs": "real/signs/ground_truth.csv",
    "plates": "real/plates/ground_truth.csv",
    "scenes": "real/scenes/ground_truth.csv",
    "photos": "photos/ground_truth.csv",
}
VISIBLE = "photos+exif"  # the photos set again, with the EXIF visible
CONDITIONS = ("none", "all")


def log(*parts: Any) -> None:
    print(*parts, file=sys.stderr, flush=True)


def git_state() -> dict[str, Any]:
    """HEAD, the tracked files that differ from it (others edit the tree meanwhile) and a
    short sha1 of that difference, which names the exact state of the code measured."""
    def git(*args: str) -> str:
        try:
            return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True,
                                  check=True).stdout
        except (OSError, subprocess.CalledProcessError):
            return ""

    head = git("rev-parse", "--short=12", "HEAD").strip() or "unknown"
    dirty = [line[3:] for line in git("status", "--porcelain", "--untracked-files=no")
             .splitlines() if line.strip()]
    diff = git("diff", "HEAD")
    return {"commit": head, "modified": dirty,
            "diff_sha1": hashlib.sha1(diff.encode()).hexdigest()[:12] if diff else None}


def load_avg() -> str:
    return " ".join(f"{v:.2f}" for v in os.getloadavg())


def data_env(data_dir: Path) -> dict[str, str]:
    return {**os.environ, "GEOSLEUTH_DATA_DIR": str(data_dir)}


def list_regions(data_dir: Path) -> list[dict[str, Any]]:
    done = subprocess.run([sys.executable, "-m", "geosleuth", "maps", "list", "--json"],
                          env=data_env(data_dir), capture_output=True, text=True, check=True)
    return list(json.loads(done.stdout or "[]"))


def import_maps(data_dir: Path, extracts: list[Path], *, keep: bool) -> dict[str, Any]:
    """Import every extract into ``data_dir`` (fresh unless ``keep`` and all are there)."""
    started = time.perf_counter()
    if keep and data_dir.is_dir():
        have = {r["name"] for r in list_regions(data_dir)}
        if len(have) >= len(extracts):
            return {"regions": sorted(have), "seconds": 0.0, "reused": True}
    shutil.rmtree(data_dir, ignore_errors=True)
    data_dir.mkdir(parents=True)
    command = [sys.executable, "-m", "geosleuth", "maps", "import", "--json",
               *map(str, extracts)]
    log(f"$ GEOSLEUTH_DATA_DIR={data_dir} geosleuth maps import "
        f"{' '.join(p.name for p in extracts)}")
    done = subprocess.run(command, env=data_env(data_dir), capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"maps import failed ({done.returncode}): {done.stderr.strip()}")
    imported = json.loads(done.stdout)
    return {"regions": [r["name"] for r in imported], "seconds":
            round(time.perf_counter() - started, 1), "reused": False,
            "features": {r["name"]: r.get("features") for r in imported}}


def select(dataset: Dataset, split: str, limit: int | None) -> Dataset:
    items = [i for i in dataset.items if in_split(i.id, split)]  # type: ignore[arg-type]
    if split != "all":
        dataset.notes.append(f"split {split}: {len(items)} of {len(dataset.items)} photos")
    if limit is not None:
        items = items[:limit]
        dataset.notes.append(f"limited to the first {limit} photos")
    dataset.items = items
    return dataset


def run_one(name: str, csv_path: Path, out: Path, data_dir: Path, *, ignore_metadata: bool,
            split: str, limit: int | None, jobs: int, resume: bool,
            tag: str) -> tuple[list[PhotoRow], float]:
    dataset = select(load_dataset(csv_path), split, limit)
    if not resume:
        shutil.rmtree(out, ignore_errors=True)  # scratch output of an earlier run
    flags = {"cache": False, "backend": "offline", "network": False}
    settings = load_settings(flags, environ=data_env(data_dir))[0]
    assert settings.data_dir == data_dir, (settings.data_dir, data_dir)

    def progress(p: Progress) -> None:
        if p.phase == "running" and p.last is not None:
            row = p.last
            log(f"  [{tag} {p.done}/{p.total}] {row['status']:<9} "
                f"{row['elapsed_ms'] / 1000:6.1f} s  {row['path']}")

    started = time.perf_counter()
    evaluate(dataset, out, settings, jobs=jobs, resume=resume, ignore_metadata=ignore_metadata,
             with_plots=False, on_progress=progress)
    elapsed = time.perf_counter() - started
    condition = tag.split("/")[0]
    return rows_from_eval(out, name, condition), elapsed


def table_lines(rows: list[tuple[str, str, dict[str, Any]]]) -> list[str]:
    lines = ["| set | maps | photos | answered | right country | ≤25 km | median km (answered) "
             "| confidently wrong | ECE | errors | s/photo |",
             "|---|---|---|---|---|---|---|---|---|---|---|"]
    for name, cond, f in rows:
        lines.append(
            f"| {name} | {cond} | {num(f['photos'], '.0f')} | "
            f"{num(f['answered'], '.0f')} ({pct(f['answered_share'])}) | "
            f"{pct(f['right_country'])} of {num(f['with_country'], '.0f')} | "
            f"{pct(f['within_25km'])} of {num(f['with_point'], '.0f')} | "
            f"{num(f['median_error_km'])} | "
            f"{num(f['confidently_wrong'], '.0f')} ({pct(f['confidently_wrong_share'])}) | "
            f"{num(f['ece'], '.3f')} | {num(f['errors'], '.0f')} | {num(f['median_s'], '.1f')} |")
    return lines


def reliability_lines(cal: dict[str, Any]) -> list[str]:
    lines = ["| stated confidence | photos | mean confidence | observed |", "|---|---|---|---|"]
    for b in cal["bins"]:
        if b["n"]:
            lines.append(f"| {b['lo']:.1f}–{b['hi']:.1f} | {b['n']} | "
                         f"{b['mean_confidence']:.3f} | {b['observed']:.3f} |")
    return lines


def wrong_lines(wrong: list[dict[str, Any]]) -> list[str]:
    if not wrong:
        return ["(none)"]
    lines = ["| maps | set | file | verdict place (level) | confidence | what | label |",
             "|---|---|---|---|---|---|---|"]
    for w in wrong:
        label = w["truth_place"] or w["truth_country"] or "–"
        runs = f" ×{w['runs']}" if w.get("runs", 1) > 1 else ""
        place = str(w["place"] or "–").replace("|", "/")
        lines.append(f"| {w['condition']} | {w['set']} | {w['file']} | {place} "
                     f"({w['level'] or '?'}) | {w['confidence']:.2f}{runs} | {w['what']} | "
                     f"{str(label).replace('|', '/')} |")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sets", default="signs,plates,scenes,photos")
    parser.add_argument("--maps", default="none,all", help="none, all, or both (none,all)")
    parser.add_argument("--split", choices=("tune", "holdout", "all"), default="all")
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--limit", type=int, default=None, help="first N photos of each set")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--data", type=Path,
                        default=Path(os.environ.get("GEOSLEUTH_SHARED_DATA") or DEFAULT_DATA))
    parser.add_argument("--json", action="store_true", help="print every figure as JSON")
    parser.add_argument("--resume", action="store_true",
                        help="finish an interrupted run, or recompute the figures of a "
                             "finished one, from its eval folders; keeps the imported maps")
    args = parser.parse_args()

    sets = [s.strip() for s in args.sets.split(",") if s.strip()]
    conditions = [c.strip() for c in args.maps.split(",") if c.strip()]
    bad = [s for s in sets if s not in SET_FILES] + [c for c in conditions
                                                     if c not in CONDITIONS]
    if bad or not sets or not conditions or args.runs < 1:
        parser.error(f"unknown or empty --sets/--maps/--runs: {bad or args}")
    data: Path = args.data
    missing = [data / SET_FILES[s] for s in sets if not (data / SET_FILES[s]).is_file()]
    if missing:
        raise SystemExit(f"not here: {', '.join(map(str, missing))} (see --data)")
    out: Path = args.out.resolve()
    out.mkdir(parents=True, exist_ok=True)

    wall = time.perf_counter()
    state = git_state()
    started_at = dt.datetime.now().astimezone().isoformat(timespec="seconds")
    load_start = load_avg()
    head = [f"commit {state['commit']}" + (
                f" + uncommitted changes to {len(state['modified'])} tracked files "
                f"(diff sha1 {state['diff_sha1']})" if state["modified"] else ""),
            f"date {started_at}; load average {load_start} (1, 5, 15 min); "
            f"{os.cpu_count()} CPUs",
            f"data {data}; out {out}; jobs {args.jobs}; runs {args.runs}; "
            f"limit {args.limit or '–'}",
            f"split {args.split}" + ("" if args.split == "all" else
                                     " (sha1(file name) first byte even: tune, odd: holdout)")]
    for line in head:
        log(line)

    data_dirs = {"none": out / "data-none", "all": out / "data-all"}
    maps_info: dict[str, Any] = {}
    if "none" in conditions:
        shutil.rmtree(data_dirs["none"], ignore_errors=True)
        data_dirs["none"].mkdir(parents=True)
        maps_info["none"] = {"regions": [r["name"] for r in list_regions(data_dirs["none"])]}
        if maps_info["none"]["regions"]:
            raise SystemExit(f"{data_dirs['none']} should hold no map region")
    if "all" in conditions:
        extracts = sorted((data / "osm").glob("*.osm.pbf"))
        maps_info["all"] = import_maps(data_dirs["all"], extracts, keep=args.resume)
        log(f"maps: {len(maps_info['all']['regions'])} regions "
            f"({', '.join(maps_info['all']['regions'])}), import "
            f"{maps_info['all']['seconds']} s")

    plan: list[tuple[str, str, bool]] = []  # (name, set, ignore_metadata)
    for s in sets:
        plan.append((s, s, True))
        if s == "photos":
            plan.append((VISIBLE, s, False))

    runs: list[dict[str, dict[str, dict[str, Any]]]] = []
    all_rows: list[tuple[int, PhotoRow]] = []
    for run in range(1, args.runs + 1):
        figures: dict[str, dict[str, dict[str, Any]]] = {}
        for cond in conditions:
            figures[cond] = {}
            for name, set_key, hide in plan:
                folder = out / (f"run{run}" if args.runs > 1 else "") / cond / name
                rows, seconds = run_one(
                    name, data / SET_FILES[set_key], folder, data_dirs[cond],
                    ignore_metadata=hide, split=args.split, limit=args.limit, jobs=args.jobs,
                    resume=args.resume, tag=f"{cond}/{name}")
                f = set_figures(rows)
                f["seconds"] = round(seconds, 1)
                figures[cond][name] = f
                all_rows += [(run, r) for r in rows]
                log(f"{cond}/{name}: {f['photos']} photos in {seconds:.0f} s, answered "
                    f"{pct(f['answered_share'])}, confidently wrong {f['confidently_wrong']}; "
                    f"load {load_avg()}")
        runs.append(figures)

    with (out / "photo_rows.jsonl").open("w", encoding="utf-8") as fh:
        for run, r in all_rows:
            fh.write(json.dumps({"run": run, "split": split_of(r.file), **r.as_dict()},
                                ensure_ascii=False) + "\n")

    median = {cond: {name: median_figures([r[cond][name] for r in runs])
                     for name, _, _ in plan} for cond in conditions}
    pooled: dict[str, Any] = {}
    wrong: list[dict[str, Any]] = []
    seen: dict[tuple[str, str, str], dict[str, Any]] = {}
    for cond in conditions:
        hidden = [r for _, r in all_rows if r.condition == cond and r.set_name != VISIBLE]
        per_run = [calibration([r for k, r in all_rows if k == run and r.condition == cond
                                and r.set_name != VISIBLE and r.answered])["ece"]
                   for run in range(1, args.runs + 1)]
        pooled[cond] = {"sets": [n for n, _, _ in plan if n != VISIBLE],
                        **calibration([r for r in hidden if r.answered]), "ece_runs": per_run}
        for w in wrong_list([r for _, r in all_rows if r.condition == cond]):
            key = (w["condition"], w["set"], w["file"])
            if key in seen:
                seen[key]["runs"] += 1
            else:
                seen[key] = {**w, "runs": 1}
                wrong.append(seen[key])
    # the target of issue 13: every answered real photo, every set and map condition
    every = calibration([r for _, r in all_rows if r.answered])
    set_order = {name: i for i, (name, _, _) in enumerate(plan)}
    wrong.sort(key=lambda w: (conditions.index(w["condition"]), set_order[w["set"]],
                              -(w["confidence"] or 0.0), w["file"]))

    wall_s = time.perf_counter() - wall
    document = {
        "schema": "geosleuth.bench-real/1", "git": state,
        "date": started_at, "load_start": load_start, "load_end": load_avg(),
        "cpus": os.cpu_count(), "split": args.split, "sets": sets, "maps": conditions,
        "limit": args.limit, "jobs": args.jobs, "data": str(data), "maps_info": maps_info,
        "runs": runs, "median": median, "pooled": pooled, "every_answer": every,
        "confidently_wrong": wrong,
        "wall_s": round(wall_s, 1),
    }
    (out / "figures.json").write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n",
                                      encoding="utf-8")
    if args.json:
        print(json.dumps(document, indent=2, ensure_ascii=False))
        log(f"total wall time {wall_s:.0f} s ({wall_s / 60:.1f} min)")
        return

    print("\n".join(f"- {line}" for line in head))
    title = "median of " + str(args.runs) + " runs" if args.runs > 1 else "one run"
    print(f"\n## Figures ({title}; offline backend, tool cache off)\n")
    print("\n".join(table_lines([(n, c, median[c][n]) for c in conditions
                                 for n, _, _ in plan])))
    if args.runs > 1:
        print("\n### Each run\n")
        for k, figures in enumerate(runs, 1):
            print(f"run {k}:\n")
            print("\n".join(table_lines([(n, c, figures[c][n]) for c in conditions
                                         for n, _, _ in plan])))
            print()
    for cond in conditions:
        p = pooled[cond]
        print(f"\n## Calibration, maps {cond}: all metadata-hidden sets together "
              f"({', '.join(p['sets'])})\n")
        print(f"{p['n']} answered photos" + (f" over {args.runs} runs" if args.runs > 1 else "")
              + f"; ECE {num(p['ece'], '.3f')}, Brier {num(p['brier'], '.3f')}"
              + (f"; ECE per run {', '.join(num(e, '.3f') for e in p['ece_runs'])}"
                 if args.runs > 1 else "") + "\n")
        print("\n".join(reliability_lines(p)))
    print(f"\n## Calibration over every answered real photo (every set, metadata shown or "
          f"hidden, every map condition{', every run' if args.runs > 1 else ''})\n")
    print(f"{every['n']} answers; ECE {num(every['ece'], '.3f')}, "
          f"Brier {num(every['brier'], '.3f')}")
    print(f"\n## Confidently wrong photos ({len(wrong)})\n")
    print("\n".join(wrong_lines(wrong)))
    print(f"\nload average at the end {load_avg()}; figures in {out / 'figures.json'}")
    print(f"total wall time {wall_s:.0f} s ({wall_s / 60:.1f} min)")


if __name__ == "__main__":
    main()
