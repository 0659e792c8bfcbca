"""Fuzzing benchmark: mutated photos through the photo intake, in process and through the CLI.

    python benchmarks/fuzz.py --count 100000 --cli-count 0          # in process
    python benchmarks/fuzz.py --count 0 --cli-count 2000 --cli-jobs 2  # through the CLI
    python benchmarks/fuzz.py --seconds 300                        # for a time instead

Seeds are small photos the project's own test helpers make (``geosleuth.testing.photos``
``render_photo`` with ``testing.metadata``'s IPTC and XMP and an sRGB ICC profile, and
``testing.raw_exif`` blocks with numbers stored as DOUBLE or SRATIONAL): JPEG, PNG, TIFF,
WebP, and HEIC when pillow-heif is installed. Each input is a seed with one to three
mutations (``fuzz_mutations``: byte flips, inserts, deletions, truncations, and
structure-aware damage to IFD counts, types, offsets, rationals, strings, segment/chunk/box
sizes, image dimensions, ICC, IPTC and XMP); input N of a run depends only on ``--seed``
and N, so any failure can be made again.

In process, each input goes through what ``locate`` does with a photo before and while
the offline reasoner reads it (the cheap, deterministic part): ``open_case`` (the file
checked, decoded in full and hashed), the tool context's decoded image (``oriented``), the
preview a model backend is sent (``load_preview`` and ``encode``), the case folder's
photo thumbnail (``report.casemap.photo_thumbnail``), the ``exif_metadata``
tool through the real ``Executor`` (EXIF, IPTC, XMP; the IPTC/XMP place claims looked up in
the gazetteer), with and without ``--ignore-metadata``, the ``Recorder``'s fusion of its
evidence, and the case record written as strict JSON. A crash is any exception but
``BadInputError`` from ``open_case``, a tool failing "unexpectedly", or a record that is
not strict JSON. Inputs run in worker processes watched by this one: an input still
running after ``--timeout`` seconds is a hang (its worker is killed and replaced).

Through the CLI, each input is ``geosleuth locate FILE --json --no-cache --out TMP`` (the
offline default) with the OCR tool switched off by its setting
(``GEOSLEUTH_DISABLED_TOOLS='["ocr_signage"]'``): OCR reads only pixels, already decoded by
then, and costs 4.5 of the ~6 s a run takes on a 64x48 photo, so leaving it out makes
2,000 runs take half an hour instead of three hours (``--cli-ocr`` keeps it). A crash is
an exit code outside the design's contract (0, 2, 3), a traceback on stderr, an exit 0
whose stdout is not strict JSON, or a tool that "failed unexpectedly" in the case. Lines
on stderr besides geosleuth's own (a library's warning) are counted apart, as noise; in
process, the warnings that would reach stderr are. A run over ``--cli-timeout`` seconds is a hang.

Failures are kept under ``benchmarks/out/fuzz-<time>/`` (the input, and a .txt with the
mutations and the traceback); the last lines printed are the figures.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import traceback
import warnings
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from fuzz_mutations import mutate

ROOT = Path(__file__).resolve().parent.parent
STOP = False  # set by SIGTERM or SIGINT: finish what runs, print the figures
CONTRACT = {0, 2, 3}  # DESIGN.md: 0 ran, 2 bad input or usage, 3 backend/network; 1 a bug


# -------------------------------------------------------------------------------- seeds

@dataclass(frozen=True)
class Seed:
    name: str
    suffix: str
    data: bytes


def make_seeds(folder: Path) -> list[Seed]:
    """The seed photos, written by the test helpers into ``folder``."""
    from datetime import datetime

    from geosleuth.testing import raw_exif as rx
    from geosleuth.testing.photos import render_photo, srgb_profile, utc

    folder.mkdir(parents=True, exist_ok=True)
    icc = srgb_profile()
    full = dict(gps=(48.8584, 2.2945), altitude_m=35.2, gps_dop=2.5, h_error_m=12.0,
                gps_time=utc(2023, 6, 1, 10, 30, 5), taken=datetime(2023, 6, 1, 12, 30, 5, 250000),
                offset="+02:00", make="Apple", model="iPhone 13", lens="iPhone 13 back camera",
                software="Adobe Photoshop 25.0", heading=123.4)
    words = {"city": "Lisboa", "country": "Portugal", "country_code": "PT",
             "caption": "Tram 28 near Alfama", "keywords": ["tram", "Lisbon"],
             "headline": "Trams", "sublocation": "Alfama", "state": "Lisboa"}
    specs: list[tuple[str, dict[str, Any]]] = [
        ("full.jpg", dict(full, orientation=6, iptc=words, xmp=words, icc_profile=icc)),
        ("plain.jpg", {}),
        ("gps.png", dict(full, xmp=words, icc_profile=icc)),
        ("full.tif", dict(full, orientation=3, icc_profile=icc)),
        ("full.webp", dict(full, orientation=8, xmp=words, icc_profile=icc)),
    ]
    try:
        import pillow_heif  # noqa: F401

        specs.append(("full.heic", dict(full, orientation=6)))
    except ImportError:
        print("pillow-heif is not installed: no HEIC seed", file=sys.stderr)
    seeds = []
    for i, (name, options) in enumerate(specs):
        path = render_photo(folder / name, size=(64, 48), seed=i, **options)
        seeds.append(Seed(name, path.suffix, path.read_bytes()))
    # Numbers stored the way odd firmware stores them (DOUBLE, SRATIONAL, text Orientation).
    block = rx.exif_block(
        {0x010F: (rx.ASCII, "Canon"), 0x0112: (rx.ASCII, "6"),
         0x0131: (rx.ASCII, "GIMP 2.10")},
        exif={0x9003: (rx.ASCII, "2021:02:03 04:05:06"), 0x9011: (rx.ASCII, "-03:30"),
              0x9291: (rx.ASCII, "123"), 0xA002: (rx.LONG, [64]), 0xA003: (rx.LONG, [48])},
        gps={0x0001: (rx.ASCII, "S"), 0x0002: (rx.RATIONAL, rx.dms(33.8568)),
             0x0003: (rx.ASCII, "E"), 0x0004: (rx.RATIONAL, rx.dms(151.2153)),
             0x0006: (rx.SRATIONAL, [(-1250, 100)]), 0x000B: (rx.DOUBLE, [1.5]),
             0x001F: (rx.DOUBLE, [8.0]), 0x0011: (rx.RATIONAL, [(9000, 100)])})
    for name in ("raw.jpg", "raw.png", "raw.webp"):
        path = render_photo(folder / name, size=(64, 48), seed=7)
        rx.with_exif(path, block)
        seeds.append(Seed(name, path.suffix, path.read_bytes()))
    return seeds


def make_input(seeds: list[Seed], seed: int, index: int) -> tuple[Seed, bytes, list[str]]:
    """Input ``index`` of the run ``seed``: its seed photo, bytes and mutations."""
    rng = random.Random(f"{seed}:{index}")
    base = seeds[rng.randrange(len(seeds))]
    data, labels = mutate(rng, base.data)
    return base, data, labels


# ---------------------------------------------------------------------- in process

class Intake:
    """What ``locate`` does with a photo, up to the strict JSON of its record (see above)."""

    def __init__(self) -> None:
        from geosleuth.agent.executor import Executor
        from geosleuth.cases import wiring
        from geosleuth.settings import load_settings

        self.settings, _ = load_settings({"cache": False, "network": False})
        registry = wiring.registry()
        self.tool = registry.tools["exif_metadata"]
        self.registry = registry
        self.executor_class = Executor
        self.fast_context = _no_gazetteer_context()
        self.countries, self.describe = wiring.geo_services(self.settings)

    def run(self, path: Path, ignore_metadata: bool, deep: bool = True) -> str:
        """"refused" (BadInputError, as the CLI's exit 2) or "ok"; raises on a crash.

        ``deep`` adds the gazetteer (place claims and caption clues looked up: a fuzzy
        name lookup costs up to 50 ms) and the fusion of the evidence (~0.2 s); without
        it the tool runs as it does when the gazetteer cannot open (the clues unresolved).
        """
        from geosleuth.agent.recorder import Recorder
        from geosleuth.agent.state import ToolCall
        from geosleuth.backends.photo import encode, load_preview
        from geosleuth.cases.record import case_record
        from geosleuth.cases.runner import open_case
        from geosleuth.errors import BadInputError
        from geosleuth.report.casemap import photo_thumbnail
        from geosleuth.tools.context import ToolContext

        try:
            case = open_case(path, self.settings, ignore_metadata=ignore_metadata)
        except BadInputError:
            return "refused"
        ctx = (ToolContext if deep else self.fast_context)(case=case, settings=self.settings)
        ctx.image.tobytes()  # the decoded, oriented photo the pixel tools read
        preview = load_preview(path, 32, self.settings.max_pixels)
        encode(preview, 32, 1 << 20, "photo")
        photo_thumbnail(path, 32)  # the case folder's photo-thumbnail.jpg
        recorder = Recorder(case, coverage=self.settings.coverage, countries=self.countries,
                            describe=self.describe)
        executor = self.executor_class(self.registry, cache=None)  # its call counts are per case
        evidence, seen = executor.run(ctx, ToolCall("c1", self.tool.name, {}),
                                           recorder.next_id)
        if seen.error:
            if "failed unexpectedly" in seen.error:
                self.tool.run(ctx.for_tool(self.tool), {})  # again, for its traceback
            raise AssertionError(f"exif_metadata failed: {seen.error}")
        for e in evidence:
            recorder.add(e)
        if deep:
            recorder.fuse()
        record = case_record(recorder.state, self.settings, backend="offline", model=None,
                             total_ms=0.0)
        json.dumps(record, allow_nan=False)
        return "ok"


def _no_gazetteer_context() -> type:
    from geosleuth.tools.context import ToolContext

    class NoGazetteer(ToolContext):
        @property
        def gazetteer(self) -> Any:
            raise RuntimeError("the fast pass runs without the gazetteer")

    return NoGazetteer


def failure_site(tb: Any) -> str:
    """file:line of the frame that raised, relative to the repository or site-packages."""
    frames = traceback.extract_tb(tb)
    if not frames:
        return "?"
    last = frames[-1]
    return f"{_short(last.filename)}:{last.lineno}"


def _short(filename: str) -> str:
    name = filename.replace(str(ROOT) + os.sep, "")
    return re.sub(r".*site-packages/", "", name)


def _worker(conn: Any, seed_dir: str, seed: int, start: int, stop: int, tmp: str,
            deep_every: int) -> None:
    """Run inputs start..stop-1, reporting each to the parent: (index, outcome, detail)."""
    import resource

    signal.signal(signal.SIGTERM, signal.SIG_IGN)  # the parent stops the run, and kills
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # its workers with SIGKILL
    # A runaway allocation is a MemoryError here, not a machine out of memory.
    limit = 6 << 30
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    seeds = _load_seeds(Path(seed_dir))
    intake = Intake()
    for index in range(start, stop):
        base, data, _ = make_input(seeds, seed, index)
        path = Path(tmp) / f"input{base.suffix}"
        path.write_bytes(data)
        try:
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                outcome = intake.run(path, ignore_metadata=index % 4 == 3,
                                     deep=index % deep_every == 0)
            escaped = [f"{_short(w.filename)}:{w.lineno} {w.category.__name__}" for w in caught
                       if not issubclass(w.category, _SILENT)]
            conn.send((index, outcome, escaped[0] if escaped else None))
        except BaseException as exc:  # everything is a finding here
            detail = {"type": type(exc).__name__, "message": str(exc)[:300],
                      "site": failure_site(exc.__traceback__),
                      "traceback": traceback.format_exc()}
            conn.send((index, "crash", detail))
    conn.send((None, "done", None))


# What Python's default warning filters never print.
_SILENT = (DeprecationWarning, PendingDeprecationWarning, ImportWarning, ResourceWarning)


def _load_seeds(folder: Path) -> list[Seed]:
    names = json.loads((folder / "seeds.json").read_text())
    return [Seed(n, Path(n).suffix, (folder / n).read_bytes()) for n in names]


@dataclass
class Figures:
    tried: int = 0
    outcomes: Counter[str] = field(default_factory=Counter)
    crashes: int = 0
    hangs: int = 0
    sites: Counter[str] = field(default_factory=Counter)
    noise: int = 0  # not crashes: inputs that put more than one line on stderr
    noise_sites: Counter[str] = field(default_factory=Counter)
    seconds: float = 0.0


def keep(out: Path, index: int, base: Seed, data: bytes, labels: list[str], kind: str,
         detail: str) -> None:
    out.mkdir(parents=True, exist_ok=True)
    stem = f"{kind}-{index:07d}-{Path(base.name).stem}"
    (out / f"{stem}{base.suffix}").write_bytes(data)
    (out / f"{stem}.txt").write_text(f"seed photo: {base.name}\nmutations:\n"
                                     + "".join(f"  {m}\n" for m in labels) + "\n" + detail)


def run_in_process(seeds: list[Seed], seed_dir: Path, args: argparse.Namespace,
                   out: Path) -> Figures:
    """Inputs 0..count-1 (or until --seconds) in ``args.jobs`` watched worker processes."""
    figures = Figures()
    ctx = mp.get_context("fork")
    started = time.monotonic()
    deadline = started + args.seconds if args.seconds else None
    count = args.count if args.count else 10**9
    chunk = 2000
    next_start = 0
    workers: dict[int, dict[str, Any]] = {}
    tmp_root = Path(tempfile.mkdtemp(prefix="geosleuth-fuzz-"))
    last_print = started

    def launch(slot: int) -> None:
        nonlocal next_start
        start, stop = next_start, min(next_start + chunk, count)
        next_start = stop
        parent, child = ctx.Pipe(duplex=False)
        tmp = tmp_root / f"w{slot}"
        tmp.mkdir(exist_ok=True)
        proc = ctx.Process(target=_worker, args=(child, str(seed_dir), args.seed, start, stop,
                                                 str(tmp), args.deep_every), daemon=True)
        proc.start()
        child.close()
        workers[slot] = {"proc": proc, "conn": parent, "next": start, "stop": stop,
                         "since": time.monotonic()}

    def more() -> bool:
        return next_start < count and not STOP and (deadline is None
                                                    or time.monotonic() < deadline)

    for slot in range(args.jobs):
        if more():
            launch(slot)
    while workers:
        for slot, w in list(workers.items()):
            conn, proc = w["conn"], w["proc"]
            got = False
            for _ in range(500):  # then look at the other workers and the clock
                if not conn.poll(0.01 if len(workers) > 1 else 0.2):
                    break
                try:
                    index, outcome, detail = conn.recv()
                except EOFError:
                    break
                got = True
                w["since"] = time.monotonic()
                if outcome == "done":
                    break
                w["next"] = index + 1
                figures.tried += 1
                figures.outcomes[outcome] += 1
                if outcome != "crash" and detail:  # a warning Python would print on stderr
                    figures.noise += 1
                    figures.noise_sites[detail] += 1
                if outcome == "crash":
                    figures.crashes += 1
                    site = f"{detail['site']} {detail['type']}"
                    figures.sites[site] += 1
                    base, data, labels = make_input(seeds, args.seed, index)
                    keep(out, index, base, data, labels, "crash",
                         f"{detail['type']}: {detail['message']}\n\n{detail['traceback']}")
                    if figures.sites[site] == 1:
                        print(f"  crash #{figures.crashes} at input {index}: {site}: "
                              f"{detail['message'][:120]}", flush=True)
            now = time.monotonic()
            finished = w["next"] >= w["stop"] or (not got and not proc.is_alive())
            hung = not got and now - w["since"] > args.timeout
            if hung or (finished and w["next"] < w["stop"]):
                index = w["next"]  # the input in flight
                proc.kill()
                proc.join()
                figures.tried += 1
                base, data, labels = make_input(seeds, args.seed, index)
                if hung:
                    figures.hangs += 1
                    figures.outcomes["hang"] += 1
                    figures.sites[f"hang ({Path(base.name).suffix})"] += 1
                    keep(out, index, base, data, labels, "hang",
                         f"still running after {args.timeout} s")
                    print(f"  hang at input {index} ({'; '.join(labels)})", flush=True)
                else:  # the worker died in the input: a crash of the process
                    figures.crashes += 1
                    figures.outcomes["died"] += 1
                    site = f"worker died (exit {proc.exitcode})"
                    figures.sites[site] += 1
                    keep(out, index, base, data, labels, "died", site)
                    print(f"  worker died at input {index}: exit {proc.exitcode}", flush=True)
                conn.close()
                # the rest of its range, in a new worker
                parent, child = ctx.Pipe(duplex=False)
                tmp = tmp_root / f"w{slot}"
                if index + 1 < w["stop"] and not STOP and (deadline is None or now < deadline):
                    proc = ctx.Process(target=_worker, args=(
                        child, str(seed_dir), args.seed, index + 1, w["stop"], str(tmp),
                        args.deep_every),
                        daemon=True)
                    proc.start()
                    child.close()
                    workers[slot] = {"proc": proc, "conn": parent, "next": index + 1,
                                     "stop": w["stop"], "since": time.monotonic()}
                else:
                    del workers[slot]
                    if more():
                        launch(slot)
                continue
            over = STOP or (deadline is not None and now >= deadline)
            if finished or over:
                if over:
                    proc.kill()
                proc.join()
                conn.close()
                del workers[slot]
                if more():
                    launch(slot)
        if time.monotonic() - last_print > 30:
            last_print = time.monotonic()
            rate = figures.tried / (last_print - started)
            print(f"  {figures.tried:,} inputs, {figures.crashes} crashes, {figures.hangs} "
                  f"hangs, {rate:.0f}/s", flush=True)
    shutil.rmtree(tmp_root, ignore_errors=True)
    figures.seconds = time.monotonic() - started
    return figures


# -------------------------------------------------------------------------- the CLI

def cli_check(proc: subprocess.CompletedProcess[str]) -> tuple[str, str | None]:
    """(outcome, failure site or None) of one ``geosleuth locate`` run."""
    err = proc.stderr
    if "Traceback (most recent call last)" in err:
        frames = re.findall(r'File "([^"]+)", line (\d+)', err)
        where = f"{_short(frames[-1][0])}:{frames[-1][1]}" if frames else "?"
        last = err.strip().splitlines()[-1][:100]
        return "crash", f"traceback {where} {last}"
    if proc.returncode not in CONTRACT:
        return "crash", f"exit {proc.returncode}: {err.strip()[:100]}"
    if proc.returncode == 2:
        lines = err.strip().splitlines()
        if len(lines) != 1 or not lines[0].startswith("geosleuth: "):
            return "refused, stderr noise", None
        return "refused", None
    if proc.returncode == 0:
        try:
            record = json.loads(proc.stdout, parse_constant=_no_constant)
        except ValueError as exc:
            return "crash", f"stdout is not strict JSON: {exc}"
        steps = json.dumps(record.get("steps", []))
        if "failed unexpectedly" in steps:
            found = re.search(r"failed unexpectedly: ([^\"]{0,100})", steps)
            return "crash", f"tool failed unexpectedly: {found.group(1) if found else ''}"
        noise = [line for line in err.splitlines() if line.strip()
                 and not line.startswith("geosleuth:")]
        if noise:  # not a crash, but what a user would see: counted apart
            return "ok, stderr noise", None
        return "ok", None
    return "backend", None


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def run_cli(seeds: list[Seed], args: argparse.Namespace, out: Path) -> Figures:
    figures = Figures()
    started = time.monotonic()
    deadline = started + args.cli_seconds if args.cli_seconds else None
    tmp_root = Path(tempfile.mkdtemp(prefix="geosleuth-fuzz-cli-"))
    env = {**os.environ, "GEOSLEUTH_CACHE": "false", "NO_COLOR": "1"}
    if not args.cli_ocr:
        env["GEOSLEUTH_DISABLED_TOOLS"] = '["ocr_signage"]'
    exe = shutil.which("geosleuth") or str(Path(sys.executable).parent / "geosleuth")
    offset = 10_000_000  # CLI inputs are their own range of the same run seed
    running: list[tuple[int, subprocess.Popen[str], float, Path]] = []
    index = 0
    last_print = started

    def finish(i: int, proc: subprocess.Popen[str], began: float, folder: Path,
               hung: bool) -> None:
        if hung:
            os.killpg(proc.pid, 9)
        stdout, stderr = proc.communicate()
        figures.tried += 1
        base, data, labels = make_input(seeds, args.seed, offset + i)
        if hung:
            figures.hangs += 1
            figures.outcomes["hang"] += 1
            figures.sites["hang"] += 1
            keep(out, offset + i, base, data, labels, "cli-hang",
                 f"still running after {args.cli_timeout} s")
            print(f"  CLI hang at input {offset + i}", flush=True)
        else:
            done = subprocess.CompletedProcess(proc.args, proc.returncode, stdout, stderr)
            outcome, site = cli_check(done)
            figures.outcomes[outcome] += 1
            if outcome.endswith("stderr noise"):
                figures.noise += 1
                noisy = [line for line in stderr.splitlines()
                         if line.strip() and not line.startswith("geosleuth:")]
                figures.noise_sites[noisy[0][:120]] += 1
                if figures.noise_sites[noisy[0][:120]] == 1:
                    keep(out, offset + i, base, data, labels, "cli-noise",
                         f"exit {proc.returncode}\n--- stderr\n{stderr}")
            if site is not None:
                figures.crashes += 1
                figures.sites[site] += 1
                keep(out, offset + i, base, data, labels, "cli-crash",
                     f"{site}\nexit {proc.returncode}\n--- stderr\n{stderr}\n--- stdout\n"
                     f"{stdout[:4000]}")
                if figures.sites[site] == 1:
                    print(f"  CLI crash at input {offset + i}: {site}", flush=True)
        shutil.rmtree(folder, ignore_errors=True)

    while True:
        now = time.monotonic()
        for item in list(running):
            i, proc, began, folder = item
            if proc.poll() is not None or now - began > args.cli_timeout:
                running.remove(item)
                finish(i, proc, began, folder, hung=proc.poll() is None)
        can_start = index < args.cli_count and not STOP and (deadline is None or now < deadline)
        if not running and not can_start:
            break
        while can_start and len(running) < args.cli_jobs:
            base, data, _ = make_input(seeds, args.seed, offset + index)
            folder = tmp_root / f"i{index}"
            folder.mkdir()
            photo = folder / f"photo{base.suffix}"
            photo.write_bytes(data)
            proc = subprocess.Popen(
                [exe, "locate", str(photo), "--json", "--no-cache", "--out",
                 str(folder / "cases")], env=env, cwd=folder, stdout=subprocess.PIPE,
                stderr=subprocess.PIPE, text=True, errors="replace", start_new_session=True)
            running.append((index, proc, time.monotonic(), folder))
            index += 1
            can_start = index < args.cli_count and not STOP and (deadline is None
                                                                 or now < deadline)
        if time.monotonic() - last_print > 60:
            last_print = time.monotonic()
            print(f"  CLI: {figures.tried:,} inputs, {figures.crashes} crashes, "
                  f"{figures.hangs} hangs, {figures.outcomes}", flush=True)
        time.sleep(0.05)
    shutil.rmtree(tmp_root, ignore_errors=True)
    figures.seconds = time.monotonic() - started
    return figures


# ------------------------------------------------------------------------- reporting

def report(title: str, f: Figures) -> None:
    outcomes = ", ".join(f"{k} {v:,}" for k, v in sorted(f.outcomes.items()))
    print(f"{title}: {f.tried:,} inputs in {f.seconds:.0f} s ({outcomes})")
    print(f"  crashes {f.crashes}, hangs {f.hangs}, distinct failure sites {len(f.sites)}")
    for site, n in f.sites.most_common():
        print(f"    {n:6,}  {site}")
    print(f"  inputs with more than one line on stderr (warnings; not crashes) {f.noise}")
    for site, n in f.noise_sites.most_common(10):
        print(f"    {n:6,}  {site}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=10_000, help="inputs in process (0: none)")
    parser.add_argument("--seconds", type=float, default=0,
                        help="stop the in-process run after this long (with or without --count)")
    parser.add_argument("--cli-count", type=int, default=0, help="inputs through the CLI")
    parser.add_argument("--cli-seconds", type=float, default=0,
                        help="stop the CLI run after this long")
    parser.add_argument("--cli-jobs", type=int, default=2, help="CLI runs at a time")
    parser.add_argument("--cli-ocr", action="store_true", help="keep OCR on in CLI runs")
    parser.add_argument("--jobs", type=int, default=2, help="in-process worker processes")
    parser.add_argument("--deep-every", type=int, default=20,
                        help="every Nth in-process input also runs the gazetteer and the fusion")
    parser.add_argument("--seed", type=int, default=1, help="the run's seed")
    parser.add_argument("--timeout", type=float, default=30.0,
                        help="seconds one in-process input may take before it is a hang")
    parser.add_argument("--cli-timeout", type=float, default=180.0,
                        help="seconds one CLI run may take before it is a hang")
    parser.add_argument("--out", type=Path, default=None,
                        help="folder for failing inputs [benchmarks/out/fuzz-<time>]")
    args = parser.parse_args(argv)

    def stop(signum: int, frame: Any) -> None:
        global STOP
        STOP = True

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    out = args.out or ROOT / "benchmarks" / "out" / time.strftime("fuzz-%Y%m%d-%H%M%S")
    seed_dir = Path(tempfile.mkdtemp(prefix="geosleuth-fuzz-seeds-"))
    seeds = make_seeds(seed_dir)
    (seed_dir / "seeds.json").write_text(json.dumps([s.name for s in seeds]))
    commit = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
                            capture_output=True, text=True).stdout.strip()
    print(f"seeds: {', '.join(s.name for s in seeds)}; run seed {args.seed}; commit {commit}; "
          f"failures kept in {out}", flush=True)
    results = []
    if args.count or (args.seconds and not args.cli_count):
        results.append(("in process", run_in_process(seeds, seed_dir, args, out)))
    if args.cli_count or args.cli_seconds:
        if not args.cli_count:
            args.cli_count = 10**9
        results.append(("through the CLI", run_cli(seeds, args, out)))
    shutil.rmtree(seed_dir, ignore_errors=True)
    print(f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    for title, figures in results:
        report(title, figures)
    return 1 if any(f.crashes or f.hangs for _, f in results) else 0


if __name__ == "__main__":
    sys.exit(main())
