"""Two trees side by side: ``locate`` in fresh processes and through ``geosleuth serve``.

    python benchmarks/bench_ab.py REV [--runs 5] [--photos lisbon,no-text,12mp]
                                  [--parts fresh,served,batch] [--after-config FILE]
                                  [--batch-folder DIR] [--jobs 2]

Compares the tree at git revision ``REV`` ("before", checked out in a temporary worktree)
with this tree ("after"; with ``--after-config``, run with that configuration file: the
same tree with a setting changed is ``bench_ab.py HEAD --after-config FILE``), each
request going to the two in turn so that both see the same load. Fresh: ``python -m
geosleuth locate PHOTO --no-cache`` in a new process, CPU = user + system of the process.
Served: a ``geosleuth serve`` per tree, both up at once; CPU = the client's plus the
worker's CPU-s from the server's log line (wall times then carry the other server's
warm-ups; CPU is the figure to compare). Photos: the Lisbon example, the example without
text, and a 12 MP photo with a sign (``bench_speed.twelve_mp_sign``). Medians of
``--runs``; the load average is printed. Batch (``--parts batch``): ``python -m geosleuth
batch DIR --jobs N --no-cache`` over ``--batch-folder`` (default: the 73 real GPS photos of
``../shared/data/photos``, the only part that reads ``../shared``), photos per minute from
the wall time, CPU = the batch's and its workers'.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench_speed import EXAMPLES, ROOT, run, twelve_mp_sign

SERVED = re.compile(r"served .*\(([\d.]+) CPU-s; peak (\d+) MB\)")


def import_path(tree: Path, path: Path) -> Path:
    """A folder to put first on PYTHONPATH so that ``python -m geosleuth`` and its plugins
    are those of ``tree`` (the package ``geosleuth_plugins`` is the folder ``plugins``)."""
    path.mkdir()
    (path / "geosleuth").symlink_to(tree / "geosleuth")
    (path / "geosleuth_plugins").symlink_to(tree / "plugins")
    return path


def checkout(rev: str, tmp: Path) -> Path:
    work = tmp / "tree"
    subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", "-q", str(work), rev],
                   check=True)
    return work


def count(log: Path, text: str) -> int:
    return sum(text in line for line in log.read_text(errors="replace").splitlines())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("rev", help="the git revision to compare this tree with")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--photos", default="lisbon,no-text,12mp")
    parser.add_argument("--parts", default="fresh,served")
    parser.add_argument("--batch-folder", type=Path,
                        default=ROOT.parent / "shared" / "data" / "photos")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--after-config", type=Path,
                        help="a geosleuth configuration file for the 'after' runs")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-ab-") as name:
        tmp = Path(name)
        all_photos = {"lisbon": EXAMPLES / "lisbon_sign.jpg",
                      "no-text": EXAMPLES / "no_clues.jpg"}
        if "12mp" in args.photos:
            all_photos["12mp"] = twelve_mp_sign(tmp / "sign_12mp.jpg")
        photos = {k: v for k, v in all_photos.items() if k in args.photos.split(",")}
        (tmp / "none.toml").write_text("")
        base = {**os.environ, "GEOSLEUTH_CONFIG": str(tmp / "none.toml")}
        before = import_path(checkout(args.rev, tmp), tmp / "before-path")
        after = {**base, "PYTHONPATH": str(import_path(ROOT, tmp / "after-path"))}
        if args.after_config is not None:
            after["GEOSLEUTH_CONFIG"] = str(args.after_config.resolve())
        trees = {"before": {**base, "PYTHONPATH": str(before)}, "after": after}
        out = str(tmp / "out")
        print(f"load average at start: {os.getloadavg()[0]:.2f}; before = {args.rev}, "
              f"after = this tree", flush=True)
        try:
            if "fresh" in args.parts:
                for label, photo in photos.items():
                    got: dict[str, list[dict[str, float]]] = {k: [] for k in trees}
                    for _ in range(args.runs):
                        for tree, env in trees.items():
                            got[tree].append(run(["locate", str(photo), "--no-cache",
                                                  "--out", out],
                                                 {**env, "GEOSLEUTH_NO_SERVER": "1"}))
                    show(f"fresh process, {label}", got)
            if "served" in args.parts:
                served(photos, trees, args.runs, tmp, out)
            if "batch" in args.parts:
                batch(args.batch_folder, args.jobs, trees, args.runs, tmp)
        finally:
            subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force",
                            str(tmp / "tree")], check=False)
        print(f"load average at end: {os.getloadavg()[0]:.2f}")
    return 0


def served(photos: dict[str, Path], trees: dict[str, dict[str, str]], runs: int, tmp: Path,
           out: str) -> None:
    servers: dict[str, tuple[subprocess.Popen[bytes], dict[str, str], Path]] = {}
    for tree, env in trees.items():
        (tmp / tree).mkdir()
        serve_env = {**env, "GEOSLEUTH_SERVE_SOCKET": str(tmp / tree / "serve.sock")}
        log = tmp / f"{tree}.log"
        with log.open("wb") as fh:
            proc = subprocess.Popen([sys.executable, "-m", "geosleuth", "serve"],
                                    env=serve_env, stdout=subprocess.DEVNULL, stderr=fh)
        servers[tree] = (proc, serve_env, log)
    done = dict.fromkeys(trees, 0)

    def wait_for(tree: str, text: str, n: int) -> None:
        proc, _, log = servers[tree]
        deadline = time.monotonic() + 300
        while count(log, text) < n:
            if proc.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"geosleuth serve ({tree}): {log.read_text()[-2000:]}")
            time.sleep(0.1)

    try:
        for label, photo in photos.items():
            got: dict[str, list[dict[str, float]]] = {k: [] for k in trees}
            for _ in range(runs):
                for tree, (_, env, log) in servers.items():
                    wait_for(tree, "warm (", done[tree] + 1)
                    client = run(["locate", str(photo), "--out", out, "--no-cache"], env)
                    done[tree] += 1
                    wait_for(tree, "served ", done[tree])
                    lines = log.read_text(errors="replace").splitlines()
                    found = [m for m in map(SERVED.search, lines) if m][-1]
                    got[tree].append({"wall": client["wall"],
                                      "cpu": client["cpu"] + float(found.group(1))})
            show(f"served, {label}", got)
    finally:
        for proc, _, _ in servers.values():
            proc.terminate()
            proc.wait(timeout=30)


def batch(folder: Path, jobs: int, trees: dict[str, dict[str, str]], runs: int,
          tmp: Path) -> None:
    from geosleuth.batch import find_images

    photos = len(find_images(folder))
    got: dict[str, list[dict[str, float]]] = {k: [] for k in trees}
    for i in range(runs):
        for tree, env in trees.items():
            got[tree].append(run(["batch", str(folder), "--out", str(tmp / f"batch-{tree}-{i}"),
                                  "--jobs", str(jobs), "--no-cache"],
                                 {**env, "GEOSLEUTH_NO_SERVER": "1"}))
    show(f"batch --jobs {jobs}, {folder.name} ({photos} photos)", got)
    for tree, rs in got.items():
        wall = statistics.median(r["wall"] for r in rs)
        each = ", ".join(f"{r['cpu']:.1f}" for r in rs)
        print(f"  {tree}: {60.0 * photos / wall:.0f} photos/min (CPU-s of each run: {each})",
              flush=True)


def show(what: str, got: dict[str, list[dict[str, float]]]) -> None:
    cells = [f"{tree} {statistics.median(r['cpu'] for r in rs):.2f} CPU-s "
             f"({statistics.median(r['wall'] for r in rs):.2f} s wall"
             + (f", max RSS {max(r['mb'] for r in rs):.0f} MB)" if "mb" in rs[0] else ")")
             for tree, rs in got.items()]
    print(f"{what}: " + "; ".join(cells) + f" (medians of {len(next(iter(got.values())))})",
          flush=True)


if __name__ == "__main__":
    sys.exit(main())
