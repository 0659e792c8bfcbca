"""``run_batch``: many photos through a pool of workers, into case folders and summary files.

Concurrency. Workers are threads by default (``executor="auto"``), for every backend.
Model backends spend their time waiting on HTTP, which threads overlap fully. For the
offline backend, processes were expected to win on CPU, but measured on the 2-core
machine (benchmarks/bench_batch.py, benchmarks/eval.md) they did not: each worker
process pays its own start-up (imports, clue tools, gazetteer and country grids: some
seconds and about 300 MB each, 2.5 GB of PSS for 8 jobs against 0.5 GB for 8 threads),
and much of a photo's work (image decoding, numpy, h3, SQLite) releases the GIL.
``executor="process"`` remains for long CPU-bound batches on machines with many cores.
``engine="ray"`` runs the investigations on a Ray cluster instead (``ray_engine``): the
rest of this module, the journal, resume and the lock included, is the same for it.
Its workers are started with ``spawn`` (a fresh interpreter, so no thread of the parent
is forked) as children of the batch itself, so that they die with it, even when it is
killed with SIGKILL (``orphans``).

Resume. Photos are keyed by the sha256 of their bytes. A photo whose key is in the
journal (results.jsonl) is skipped; the journal also keeps each file's size and mtime,
so an unchanged file is not hashed again. Photos with the same bytes as another in the
batch are run once (``BatchOutcome.duplicates`` lists the others). Errors are run
again with ``retry_errors``, and I/O errors (a case folder the OS refused) always; a
photo run again replaces the case folder the batch wrote for it (``own_cases``).

One writer. ``run_batch`` holds ``<out>/.batch.lock`` (``lock``) from start to end; a
second batch on the same folder stops at once, naming the holder.

Interruption. Every finished photo is in the journal before the next is reported.
The first Ctrl-C stops handing out photos and lets the running ones finish and be
recorded (``BatchOutcome.interrupted``); a second one stops at once. A killed process
loses only the photos that were running; ``resume`` removes the half-written temporary
folders and files it may have left (``clean_leftovers``).
"""

from __future__ import annotations

import multiprocessing
import os
import re
import shutil
import time
from collections import deque
from collections.abc import Callable, Iterable
from concurrent.futures import (
    FIRST_COMPLETED,
    Executor,
    Future,
    ProcessPoolExecutor,
    ThreadPoolExecutor,
    wait,
)
from concurrent.futures.process import BrokenProcessPool
from contextlib import nullcontext
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

from geosleuth.batch.journal import read_jsonl
from geosleuth.batch.lock import BatchLock, lock_output
from geosleuth.batch.own_cases import own_case_dirs
from geosleuth.batch.ray_engine import RayOptions
from geosleuth.batch.summaries import Summaries, error_row, retried_on_resume, row_key
from geosleuth.batch.worker import WorkItem, WorkOptions, init_process, run_in_process, run_item
from geosleuth.errors import BadInputError
from geosleuth.images import sha256_of
from geosleuth.settings import Settings

ExecutorKind = Literal["auto", "process", "thread"]
EngineKind = Literal["local", "ray"]
OnProgress = Callable[["Progress"], None]
MAX_ATTEMPTS = 2  # a photo running when a worker process died twice gets an error row
URI_READERS = 8  # URIs looked up and hashed at once before a batch starts


@dataclass(frozen=True)
class BatchTask:
    """One photo to run: the file and the name it has in the summaries; or a URI
    (``sources``: read through fsspec), with ``path`` then the name of its copy."""

    path: Path
    rel: str
    uri: str | None = None

    @classmethod
    def of_uri(cls, uri: str, rel: str | None = None) -> BatchTask:
        from geosleuth.batch.sources import uri_name

        return cls(Path(uri_name(uri)), rel or uri, uri)


@dataclass
class Progress:
    """What a progress display needs after each event of the batch."""

    total: int  # photos to run in this session (after skipping done ones)
    done: int = 0
    answered: int = 0
    no_answer: int = 0
    failed: int = 0
    skipped: int = 0  # already in the journal (resume)
    last: dict[str, Any] | None = None  # the row just recorded
    phase: str = "hashing"  # hashing, starting workers (Ray), running
    retried: int = 0  # photos run again after their worker died (Ray)
    # The Ray engine's workers: {"pid", "host", "threads", "running"} each (running: its
    # photos handed out and not yet back).
    workers: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class BatchOutcome:
    out: Path
    rows: list[dict[str, Any]]  # every row in the journal, this session's and earlier
    ran: int = 0
    skipped: int = 0
    failed: int = 0
    duplicates: list[tuple[str, str]] = field(default_factory=list)  # (rel, same as rel)
    dropped_lines: int = 0
    interrupted: bool = False
    stopped_now: bool = False  # a second Ctrl-C: running photos were abandoned
    elapsed_s: float = 0.0
    executor: str = "inline"  # inline, thread, process or ray
    jobs: int = 1  # photos at once (with Ray: over the whole cluster)
    engine_note: str | None = None  # where the Ray engine ran ("local Ray cluster, 2 CPUs")
    workers: int = 0  # Ray workers (actors) started, replacements included
    worker_deaths: int = 0  # Ray workers that died while the batch ran
    retried: int = 0  # photos handed out again after their worker died

    @property
    def exit_code(self) -> int:
        """0 when no photo failed; else 3 (backend/network), 2 (bad input) or 1 (a bug)."""
        if self.interrupted:
            return 130
        codes = {int(r.get("exit_code") or 0) for r in self.rows if r.get("status") == "error"}
        for code in (3, 2, 1):
            if code in codes:
                return code
        return 1 if codes else 0


def choose_executor(kind: ExecutorKind, backend: str) -> Literal["process", "thread"]:
    """Threads unless processes are asked for (see the module docstring for why)."""
    del backend  # the measured choice is the same for every backend
    return "process" if kind == "process" else "thread"


def _mp_context() -> multiprocessing.context.BaseContext:
    # Not "forkserver": its workers would be children of the fork server, which a killed
    # batch leaves running, so they could not tell that the batch is gone.
    return multiprocessing.get_context("spawn")


# Leftovers of a killed run: write_case's temporary and old folders
# (".<stem>-<sha8>.<8 random>" and ".<stem>-<sha8>[-N].old") and the temporary files of the
# atomic summary rewrites (".<name>.<8 random>").
_STALE_CASE = re.compile(r"^\..+-[0-9a-f]{8}(-[0-9]+)?\.(old|[a-z0-9_]{8})$")
_STALE_SUMMARY = re.compile(r"^\.(results\.jsonl|summary\.csv|all\.geojson)\.[a-z0-9_]{8}$")


def clean_leftovers(out: Path) -> int:
    """Remove what an interrupted run left half-written in ``out``; return how many."""
    removed = 0
    if not out.is_dir():
        return 0
    for entry in out.iterdir():
        if entry.is_dir() and _STALE_CASE.match(entry.name):
            shutil.rmtree(entry, ignore_errors=True)
            removed += 1
        elif entry.is_file() and _STALE_SUMMARY.match(entry.name):
            entry.unlink(missing_ok=True)
            removed += 1
    return removed


def _item(task: BatchTask, known: dict[tuple[str, int, int], str]) -> WorkItem | dict[str, Any]:
    """A photo looked up and hashed, or the error row of one that cannot be read."""
    try:
        if task.uri is not None:
            from geosleuth.batch.sources import uri_sha256, uri_stat

            size, mtime_ns = uri_stat(task.uri)
            # A store that gives no modification time: the bytes are read again.
            sha = (known.get((task.rel, size, mtime_ns)) if mtime_ns else None) \
                or uri_sha256(task.uri)
        else:
            st = task.path.stat()
            size, mtime_ns = st.st_size, st.st_mtime_ns
            sha = known.get((task.rel, size, mtime_ns)) or sha256_of(task.path)
    except OSError as exc:
        reason = exc.strerror or str(exc) or type(exc).__name__
        if task.uri is not None and isinstance(exc, FileNotFoundError):
            reason = "no such file or object"
        return error_row(path=task.rel, sha256="", size_bytes=0, mtime_ns=0, exit_code=2,
                         error=f"{task.rel}: cannot read the file ({reason})", elapsed_ms=0.0)
    except Exception as exc:  # a URI: an unknown scheme, a store's package missing, …
        if task.uri is None:
            raise
        reason = " ".join(str(exc).split()) or type(exc).__name__
        return error_row(path=task.rel, sha256="", size_bytes=0, mtime_ns=0, exit_code=2,
                         error=f"{task.rel}: cannot read it ({reason})", elapsed_ms=0.0)
    return WorkItem(task.path, task.rel, sha, size, mtime_ns, uri=task.uri)


def _items(
    tasks: Iterable[BatchTask], known: dict[tuple[str, int, int], str]
) -> tuple[list[WorkItem], list[dict[str, Any]]]:
    """Stat and hash the photos; a photo that cannot be read becomes an error row. URIs
    are read by a few threads at once (a store's latency, not its bandwidth, dominates)."""
    tasks = list(tasks)
    if any(t.uri is not None for t in tasks):
        with ThreadPoolExecutor(max_workers=URI_READERS) as pool:
            found = list(pool.map(lambda t: _item(t, known), tasks))
    else:
        found = [_item(t, known) for t in tasks]
    items = [f for f in found if isinstance(f, WorkItem)]
    unreadable = [f for f in found if not isinstance(f, WorkItem)]
    return items, unreadable


def run_batch(
    tasks: list[BatchTask],
    out: Path,
    settings: Settings,
    *,
    jobs: int | None = 1,
    executor: ExecutorKind = "auto",
    engine: EngineKind = "local",
    ray: RayOptions | None = None,
    resume: bool = False,
    retry_errors: bool = False,
    clues: tuple[str, ...] = (),
    ignore_metadata: bool = False,
    on_progress: OnProgress | None = None,
    geojson_every_s: float = 2.0,
    force: bool = False,
    lock: BatchLock | None = None,
) -> BatchOutcome:
    """Run every task not already done; record each result as it arrives.

    Raises BadInputError when ``out`` already holds a batch and ``resume`` is false
    (so a finished batch is never overwritten by accident), and at once when another
    batch is writing into ``out`` (``.batch.lock``; ``lock``: the caller took it already).
    ``force`` lets a case replace a folder of its name that is not the batch's own (else
    it takes ``<stem>-<sha8>-2``).

    ``engine="ray"`` runs the photos on a Ray cluster (``ray_engine``; ``ray`` says which
    and how) instead of this machine's threads or processes: everything else, the journal,
    resume, the lock and the case folders, is the same and stays here. ``jobs=None``: one
    photo at a time locally, one per CPU of the cluster with Ray.
    """
    if jobs is not None and jobs < 1:
        raise BadInputError(f"--jobs must be at least 1, not {jobs}")
    if engine not in ("local", "ray"):
        raise BadInputError(f"--engine must be local or ray, not {engine!r}")
    if engine == "ray":
        from geosleuth.batch.ray_engine import require_ray

        require_ray()  # before the lock and the journal: one line, exit 2
    started = time.perf_counter()
    out = Path(out)
    with nullcontext(lock) if lock is not None else lock_output(out):
        return _run_locked(
            tasks, out, settings, started, jobs=jobs, executor=executor, engine=engine,
            ray=ray, resume=resume, retry_errors=retry_errors, force=force, clues=clues,
            ignore_metadata=ignore_metadata, on_progress=on_progress,
            geojson_every_s=geojson_every_s)


def _run_locked(
    tasks: list[BatchTask], out: Path, settings: Settings, started: float, *,
    jobs: int | None, executor: ExecutorKind, engine: EngineKind, ray: RayOptions | None,
    resume: bool, retry_errors: bool, force: bool,
    clues: tuple[str, ...], ignore_metadata: bool, on_progress: OnProgress | None,
    geojson_every_s: float,
) -> BatchOutcome:
    summaries = Summaries(out, geojson_every_s=geojson_every_s)
    if summaries.existing() and not resume:
        raise BadInputError(
            f"{out} already holds a batch ({summaries.results_path.name}); pass --resume to "
            "finish it, or choose another --out"
        )
    if resume:
        clean_leftovers(out)
    # Read what is done before deciding what to forget: I/O errors are retried, other
    # errors on request.
    previous, _ = read_jsonl(summaries.results_path) if resume else ([], 0)
    forget = frozenset(row_key(r) or "" for r in previous
                       if retried_on_resume(r, retry_errors))
    dropped = summaries.open(resume=resume, forget=forget)
    own = own_case_dirs(out, summaries.rows) if resume else {}
    done_keys = {r["sha256"] for r in summaries.rows if r.get("sha256")}
    done_paths = {r["path"] for r in summaries.rows if not r.get("sha256")}
    known = {(r["path"], r.get("size_bytes"), r.get("mtime_ns")): r["sha256"]
             for r in summaries.rows if r.get("sha256")}

    progress = Progress(total=len(tasks))
    if on_progress:
        on_progress(progress)
    items, unreadable = _items([t for t in tasks if t.rel not in done_paths], known)

    outcome = BatchOutcome(out=out, rows=summaries.rows, dropped_lines=dropped, jobs=jobs or 1)
    todo: list[WorkItem] = []
    first_by_key: dict[str, str] = {}
    for item in items:
        if item.sha256 in done_keys:
            outcome.skipped += 1
        elif item.sha256 in first_by_key:
            outcome.duplicates.append((item.rel, first_by_key[item.sha256]))
        else:
            first_by_key[item.sha256] = item.rel
            todo.append(replace(item, own_dir=own.get((item.sha256, item.rel))))
    progress.total = len(todo) + len(unreadable)
    progress.skipped = outcome.skipped
    progress.phase = "running"

    def record(row: dict[str, Any]) -> None:
        summaries.add(row)
        progress.done += 1
        outcome.ran += 1
        if row["status"] == "error":
            progress.failed += 1
            outcome.failed += 1
        elif row["status"] == "answered":
            progress.answered += 1
        else:
            progress.no_answer += 1
        progress.last = row
        if on_progress:
            on_progress(progress)

    options = WorkOptions(settings=settings, out=out, clues=clues,
                          ignore_metadata=ignore_metadata, force=force)
    try:
        for row in unreadable:
            record(row)
        if on_progress:
            on_progress(progress)
        if engine == "ray":
            if todo:  # a finished batch resumed starts no cluster
                from geosleuth.batch.ray_engine import run_on_ray

                outcome.executor = "ray"
                run_on_ray(todo, options, ray or RayOptions(), jobs, record, outcome,
                           progress, on_progress)
        elif jobs is None or jobs == 1 or len(todo) <= 1:
            outcome.executor = "inline"
            for item in todo:
                record(run_item(item, options))
        else:
            kind = choose_executor(executor, settings.backend)
            outcome.executor = kind
            _run_pool(todo, options, kind, jobs, record, outcome)
    except KeyboardInterrupt:
        outcome.interrupted = True
    finally:
        summaries.close()
    outcome.rows = summaries.rows
    outcome.elapsed_s = time.perf_counter() - started
    return outcome


def _make_pool(kind: str, jobs: int, options: WorkOptions) -> Executor:
    if kind == "process":
        return ProcessPoolExecutor(max_workers=jobs, mp_context=_mp_context(),
                                   initializer=init_process, initargs=(options, os.getpid()))
    from geosleuth.cases.wiring import registry

    registry()  # load the clue tools once, here, rather than racing in every thread
    return ThreadPoolExecutor(max_workers=jobs, thread_name_prefix="geosleuth-batch")


def _run_pool(
    todo: list[WorkItem],
    options: WorkOptions,
    kind: str,
    jobs: int,
    record: Callable[[dict[str, Any]], None],
    outcome: BatchOutcome,
) -> None:
    """Keep ``jobs`` photos running (a few more queued) until all are recorded."""
    queue: deque[WorkItem] = deque(todo)
    attempts: dict[str, int] = {}
    pool = _make_pool(kind, jobs, options)
    running: dict[Future[dict[str, Any]], WorkItem] = {}
    stopping = False

    def submit() -> None:
        while queue and len(running) < jobs * 2 and not stopping:
            item = queue.popleft()
            if kind == "process":
                fut = pool.submit(run_in_process, item)
            else:
                fut = pool.submit(run_item, item, options)
            running[fut] = item

    try:
        submit()
        while running:
            try:
                finished, _ = wait(list(running), timeout=0.5, return_when=FIRST_COMPLETED)
            except KeyboardInterrupt:
                if stopping:
                    outcome.stopped_now = True
                    raise
                # First Ctrl-C: hand out nothing more, let the running photos finish.
                stopping = True
                outcome.interrupted = True
                for fut, _item in list(running.items()):
                    if fut.cancel():
                        del running[fut]
                continue
            broken = False
            for fut in finished:
                item = running.pop(fut)
                try:
                    row = fut.result()
                except BrokenProcessPool:
                    broken = True
                    attempts[item.sha256] = attempts.get(item.sha256, 0) + 1
                    if attempts[item.sha256] >= MAX_ATTEMPTS:
                        record(error_row(
                            path=item.rel, sha256=item.sha256, size_bytes=item.size_bytes,
                            mtime_ns=item.mtime_ns, exit_code=1, elapsed_ms=0.0,
                            error="a worker process died while investigating this photo "
                                  "(out of memory?); try it alone with 'geosleuth locate'"))
                    else:
                        queue.appendleft(item)
                    continue
                record(row)
            if broken:
                # Every future of a broken pool fails: requeue the innocent ones too.
                for fut, item in list(running.items()):
                    del running[fut]
                    queue.appendleft(item)
                pool.shutdown(wait=False, cancel_futures=True)
                pool = _make_pool(kind, jobs, options)
            submit()
    except BaseException:  # e.g. a journal the disk cannot take: hand out nothing more
        stopping = True
        raise
    finally:
        if stopping or outcome.interrupted:
            _stop_now(pool, kind)
        else:
            pool.shutdown(wait=True)


def _stop_now(pool: Executor, kind: str) -> None:
    """Stop workers without waiting for their photos (second Ctrl-C or an error)."""
    pool.shutdown(wait=False, cancel_futures=True)
    if kind == "process" and isinstance(pool, ProcessPoolExecutor):
        # ProcessPoolExecutor has no public way to end running workers; its process
        # table is the documented-by-use way the standard library's own tests do it.
        for proc in list(getattr(pool, "_processes", {}).values()):
            if proc.is_alive():
                proc.terminate()
