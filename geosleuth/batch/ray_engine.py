"""The Ray engine of ``run_batch``: the same batch, its photos investigated on a Ray cluster.

Only the investigations move. The driver (the ``geosleuth batch`` or ``eval`` process)
keeps everything else as the local engines do: it finds and hashes the photos, skips
those the journal holds, holds ``.batch.lock``, and is the one writer of the journal,
the summaries and the case folders. So crash-safety and ``--resume`` are the local
engine's, unchanged, and a photo is recorded exactly once whichever worker ran it (a
result for a photo already recorded is dropped). The workers need to read the photos
and nothing else of the driver's disk; the output folder can be on the driver alone.

Workers. ``ShardWorker`` is a long-lived Ray actor (one process, ``worker_cpus`` CPUs
reserved, by default one): it loads the clue tools and opens the gazetteer (building it
on its node's disk if missing) once, then investigates photos with its own threads
(``investigate_item``, the local engine's code), makes the case folder's files (the
reports, the map, the thumbnail: ``case_files``) and sends them back with the record
(``Investigated``, some hundreds of kB) as soon as a photo is done: ``run_shard`` is a
Ray streaming generator. The driver puts the folder in place and writes the row
(``finish_item``), a few milliseconds a photo. ``jobs`` is the number of photos at once
over the whole cluster, split over ``workers`` actors (default: one per CPU of the
cluster, at most ``jobs``).

Shards. The photos to run are cut into shards of ``shard_size`` (default: a quarter
of an even share per worker, at most 64); a worker has at most two shards in hand so
that its threads never wait for the next one. When a worker dies (its node is lost,
the OOM killer, ``kill -9``), the driver notices at once (Ray fails the worker's
generators), runs the unfinished photos of its shards again, each alone on a live
worker, and starts a replacement worker. A photo whose worker dies again while it
runs alone gets an error row, as with the process pool (``MAX_ATTEMPTS``).

Where it runs. No ``address``: a local cluster, started here and stopped at the end,
bound to 127.0.0.1, with a per-run authentication token kept in the environment (not
in ``~/.ray``) and a small object store. ``address="auto"`` (or the head's
``host:port``) joins a running cluster: every node needs geosleuth installed (the same
code: a worker whose code, tools or imported maps differ from the driver's refuses to
start, naming the difference), the photos under the same paths (or named by URIs in a
list file, which each worker reads itself: ``sources``), and its own cache
folder (built on first use, never shared: SQLite over NFS is not safe). The driver's
cache and data folder paths are used on every node unless the node's environment sets
``GEOSLEUTH_CACHE_DIR`` or ``GEOSLEUTH_DATA_DIR``.

Ctrl-C: the first stops handing out photos (workers skip the photos of their shards
not yet started; running ones finish and are recorded); the second stops the workers.

Ray is imported here only, and only when the engine runs: the core stays importable
without it, and ``require_ray`` says what to install.
"""

from __future__ import annotations

import contextlib
import math
import os
import secrets
import signal
import socket
import sys
import threading
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from geosleuth.batch.worker import (
    Investigated,
    WorkItem,
    WorkOptions,
    finish_item,
    investigate_item,
)
from geosleuth.errors import BadInputError, GeosleuthError

if TYPE_CHECKING:
    from geosleuth.batch.runner import BatchOutcome, Progress

RAY_EXTRA = "pip install 'geosleuth[ray]'"
MAX_ATTEMPTS = 2  # a photo whose worker died twice, the second time with it alone: an error row
SHARDS_IN_HAND = 2  # shards a worker holds at once (its second keeps its threads busy)
MAX_SHARD = 64
LOCAL_OBJECT_STORE_MB = 200  # rows and case records are small: Ray's minimum is 75 MB
POLL_S = 0.5  # how often the driver looks up from waiting (Ctrl-C, replacements)
# Variables a joined cluster's workers get from the driver: the model keys and endpoints
# the backends read from the environment (a local cluster's workers inherit them).
FORWARDED_ENV = ("OPENAI_API_KEY", "OPENAI_BASE_URL", "ANTHROPIC_API_KEY", "ANTHROPIC_BASE_URL",
                 "OLLAMA_HOST")


@dataclass(frozen=True)
class RayOptions:
    """Where and how the Ray engine runs (``--address``, ``--workers``, ``--shard-size``)."""

    address: str | None = None  # None: start a local cluster; "auto" or "host:port": join
    workers: int | None = None  # actors; default: one per CPU of the cluster, at most jobs
    shard_size: int | None = None  # photos handed out at once; default: from the counts
    num_cpus: int | None = None  # CPUs of a local cluster (default: this machine's)
    object_store_mb: int = LOCAL_OBJECT_STORE_MB  # object store of a local cluster
    worker_cpus: float = 1.0  # CPUs each worker reserves (how Ray places them)


def ray_missing() -> str | None:
    """One line saying what to install when Ray is not installed; None when it is.

    Ray is looked for, not imported: its environment must be set first (``connect``)."""
    from importlib.util import find_spec

    try:
        found = find_spec("ray") is not None
    except (ImportError, ValueError):  # a broken install, or sys.modules["ray"] = None
        found = False
    if not found or sys.modules.get("ray", False) is None:
        return f"--engine ray needs Ray, which is not installed here: {RAY_EXTRA}"
    return None


def require_ray() -> None:
    problem = ray_missing()
    if problem:
        raise BadInputError(problem)


# --- the worker (runs in a Ray actor process, on any node) ------------------------------


def node_options(options: WorkOptions) -> WorkOptions:
    """The options as this node uses them: its own cache and data folders when its
    environment names them, else the driver's paths (on this node's disk)."""
    update: dict[str, Any] = {}
    for name, env in (("cache_dir", "GEOSLEUTH_CACHE_DIR"), ("data_dir", "GEOSLEUTH_DATA_DIR")):
        if os.environ.get(env):
            update[name] = Path(os.environ[env]).expanduser()
    if not update:
        return options
    return replace(options, settings=options.settings.model_copy(update=update))


def node_identity(options: WorkOptions) -> dict[str, Any]:
    """What must be the same on every node for a photo to get the same answer anywhere:
    geosleuth's code, the installed clue tools, the imported map regions."""
    from geosleuth import __version__
    from geosleuth.cases.wiring import registry
    from geosleuth.maps.regions import RegionStore
    from geosleuth.tools.api import code_fingerprint

    tools = registry()
    return {
        "version": __version__,
        "code": code_fingerprint("geosleuth_plugins"),
        "tools": sorted(f"{t.name} {t.version}"
                        + ("" if t.availability().available else " (unavailable)")
                        for t in tools.tools.values()),
        "maps": sorted(f"{r.name} ({r.features} features)"
                       for r in RegionStore(options.settings.data_dir).list()),
    }


def identity_problem(mine: dict[str, Any], driver: dict[str, Any], host: str) -> str | None:
    """One line naming how this node differs from the driver, or None."""
    if mine["version"] != driver["version"] or mine["code"] != driver["code"]:
        return (f"the worker on {host} runs other geosleuth code (version {mine['version']}, "
                f"source {mine['code']}) than the driver ({driver['version']}, "
                f"{driver['code']}); install the same geosleuth on every node")
    for what, hint in (("tools", "install the same plugins on every node"),
                       ("maps", "import the same regions on every node (geosleuth maps "
                                "import), or point GEOSLEUTH_DATA_DIR at a copy")):
        missing = sorted(set(driver[what]) - set(mine[what]))
        extra = sorted(set(mine[what]) - set(driver[what]))
        if missing or extra:
            diff = "; ".join(part for part in (
                "missing " + ", ".join(missing) if missing else "",
                "extra " + ", ".join(extra) if extra else "") if part)
            return f"the worker on {host} has other {what} than the driver ({diff}); {hint}"
    return None


class ShardWorker:
    """A long-lived worker: the tools loaded once, photos investigated by ``threads``
    threads, each photo's result streamed back as soon as it is done.

    Wrapped by ``ray.remote`` when the engine starts (so this module imports without Ray).
    """

    def __init__(self, options: WorkOptions, threads: int, driver: dict[str, Any]) -> None:
        with contextlib.suppress(ValueError):  # not the main thread: nothing to undo
            signal.signal(signal.SIGINT, signal.SIG_IGN)  # the driver handles Ctrl-C
        self.options = node_options(options)
        self.threads = threads
        self.host = socket.gethostname()
        self.stopping = threading.Event()
        self.pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="geosleuth-ray")
        self.problem = identity_problem(node_identity(self.options), driver, self.host)
        if self.problem is None:
            from geosleuth.cases.wiring import geo_services

            with _node_lock(self.options.settings.cache_dir):
                geo_services(self.options.settings)  # open (or build) the gazetteer once

    def ready(self) -> dict[str, Any]:
        return {"pid": os.getpid(), "host": self.host, "threads": self.threads,
                "problem": self.problem}

    def stop(self) -> None:
        """Start no more photos (the running ones finish)."""
        self.stopping.set()

    def run_shard(self, items: list[WorkItem]) -> Iterator[Investigated]:
        if self.problem is not None:
            raise GeosleuthError(self.problem)
        futures = [self.pool.submit(self._one, item) for item in items]
        for future in as_completed(futures):
            done = future.result()
            if done is not None:
                yield done

    def _one(self, item: WorkItem) -> Investigated | None:
        if self.stopping.is_set():
            return None
        return investigate_item(item, self.options, with_files=True)


@contextlib.contextmanager
def _node_lock(cache_dir: Path) -> Iterator[None]:
    """One worker of a node at a time past this point, so that a node's first run builds
    its gazetteer once while its other workers wait (then open it)."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows
        yield
        return
    cache_dir.mkdir(parents=True, exist_ok=True)
    with open(cache_dir / ".ray-worker-start.lock", "a+b") as fh:
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)


# --- the driver ------------------------------------------------------------------------


@dataclass
class _Shard:
    items: list[WorkItem]
    alone: bool = False  # a photo run again after its worker died: alone on a worker


@dataclass
class _Worker:
    handle: Any
    threads: int
    ready_ref: Any
    info: dict[str, Any] = field(default_factory=dict)
    ready: bool = False
    running: list[Any] = field(default_factory=list)  # its shards' generators
    alone: bool = False  # running a photo alone

    def can_take(self, shard: _Shard) -> bool:
        if not self.ready or self.alone:
            return False
        return not self.running if shard.alone else len(self.running) < SHARDS_IN_HAND


@dataclass
class _Handed:
    worker: _Worker
    pending: dict[str, WorkItem]  # sha256 -> photo not yet back


def shard_size(todo: int, workers: int, threads: int, asked: int | None) -> int:
    """Photos per shard: as asked, else about a quarter of an even share per worker (so
    that the work evens out), no fewer than a worker's threads, at most ``MAX_SHARD``."""
    if asked:
        return max(1, asked)
    share = math.ceil(todo / max(1, workers * 4))
    return max(1, min(MAX_SHARD, max(share, threads)))


def split_threads(jobs: int, workers: int) -> list[int]:
    """``jobs`` photos at once over ``workers`` workers, as evenly as can be."""
    base, extra = divmod(jobs, workers)
    return [base + (1 if i < extra else 0) for i in range(workers)]


def _prepare_local_environment() -> None:
    """Before Ray is imported: a local cluster listens on 127.0.0.1 only, reports no usage
    statistics and keeps its authentication token in the environment, not in ~/.ray."""
    # Ray takes 127.0.0.1 for "this machine's address" only where it thinks clusters are not
    # supported; otherwise it binds the machine's network address.
    os.environ["RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER"] = "0"
    os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
    if "ray" in sys.modules:  # imported already (a library user): its constants are read
        from ray._private import ray_constants

        ray_constants.ENABLE_RAY_CLUSTER = False
        return  # and its authentication mode too: Ray's own default applies
    if not any(os.environ.get(v) for v in ("RAY_AUTH_MODE", "RAY_AUTH_TOKEN",
                                            "RAY_AUTH_TOKEN_PATH")):
        os.environ["RAY_AUTH_MODE"] = "token"
        os.environ["RAY_AUTH_TOKEN"] = secrets.token_hex(32)


def connect(options: RayOptions) -> tuple[Any, bool, str]:
    """Ray, connected: (the module, whether we started or joined it here and so must
    disconnect, a note saying where it runs)."""
    import logging

    os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
    local = options.address is None
    if local:
        _prepare_local_environment()
    import ray

    if ray.is_initialized():
        return ray, False, "the Ray cluster this process is connected to"
    try:
        if local:
            ray.init(num_cpus=options.num_cpus, include_dashboard=False,
                     object_store_memory=options.object_store_mb * 1024 * 1024,
                     _node_ip_address="127.0.0.1", logging_level=logging.WARNING)
        else:
            ray.init(address=options.address, logging_level=logging.WARNING)
    except (ConnectionError, RuntimeError, ValueError) as exc:
        where = options.address or "a local cluster"
        raise GeosleuthError(f"Ray: cannot start or join {where} ({exc})") from None
    cpus = int(ray.cluster_resources().get("CPU", 0))
    nodes = sum(1 for n in ray.nodes() if n.get("Alive"))
    where = ("local Ray cluster" if local
             else f"Ray cluster at {options.address}, {nodes} node{'s' * (nodes != 1)}")
    return ray, True, f"{where}, {cpus} CPU{'s' * (cpus != 1)}"


def _forwarded_env(options: WorkOptions) -> dict[str, str]:
    names = set(FORWARDED_ENV)
    names.update(s.api_key_env for s in options.settings.servers.values() if s.api_key_env)
    return {n: os.environ[n] for n in sorted(names) if os.environ.get(n)}


class _Engine:
    """The driver's loop: hand out shards, record results, replace dead workers."""

    def __init__(self, ray: Any, todo: list[WorkItem], options: WorkOptions,
                 ray_options: RayOptions, jobs: int | None,
                 record: Callable[[dict[str, Any]], None], outcome: BatchOutcome,
                 progress: Progress, on_progress: Callable[[Progress], None] | None) -> None:
        self.ray = ray
        self.options = options
        self.record = record
        self.outcome = outcome
        self.progress = progress
        self.on_progress = on_progress
        cpus = max(1, int(ray.cluster_resources().get("CPU", 1) // ray_options.worker_cpus))
        jobs = jobs or cpus
        workers = max(1, min(ray_options.workers or min(cpus, jobs), jobs, len(todo)))
        self.threads = split_threads(jobs, workers)
        size = shard_size(len(todo), workers, max(self.threads), ray_options.shard_size)
        self.queue: deque[_Shard] = deque(
            _Shard(todo[i:i + size]) for i in range(0, len(todo), size))
        outcome.jobs = jobs
        self.items = {item.sha256: item for item in todo}
        self.recorded: set[str] = set()
        self.attempts: dict[str, int] = {}
        self.handed: dict[Any, _Handed] = {}  # generator -> shard in a worker's hands
        self.workers: list[_Worker] = []
        self.max_deaths = 2 * workers + 3
        self.stopping = False
        self.identity = node_identity(options)
        remote_options: dict[str, Any] = {"num_cpus": ray_options.worker_cpus,
                                          "max_concurrency": SHARDS_IN_HAND + 1,
                                          "max_restarts": 0}
        env = _forwarded_env(options) if ray_options.address is not None else {}
        if env:
            remote_options["runtime_env"] = {"env_vars": env}
        self.actor_class = ray.remote(**remote_options)(ShardWorker)

    # workers

    def start_worker(self, threads: int) -> None:
        handle = self.actor_class.remote(self.options, threads, self.identity)
        self.workers.append(_Worker(handle, threads, handle.ready.remote()))
        self.outcome.workers += 1

    def worker_of_ready_ref(self, ref: Any) -> _Worker | None:
        return next((w for w in self.workers if not w.ready and w.ready_ref == ref), None)

    def on_ready(self, worker: _Worker) -> None:
        try:
            info = self.ray.get(worker.ready_ref)
        except self.ray.exceptions.RayError as exc:
            self.on_death(worker, exc)
            return
        if info.get("problem"):
            raise BadInputError(info["problem"])
        worker.info, worker.ready = info, True
        self.show()

    def on_death(self, worker: _Worker, exc: BaseException) -> None:
        if worker not in self.workers:
            return
        self.workers.remove(worker)
        self.outcome.worker_deaths += 1
        _kill(self.ray, worker)
        for gen in list(worker.running):
            self.give_back(self.handed.pop(gen), died=True)
        worker.running.clear()
        if self.outcome.worker_deaths > self.max_deaths:
            lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
            raise GeosleuthError(
                f"Ray workers died {self.outcome.worker_deaths} times (the last: "
                f"{lines[-1] if lines else type(exc).__name__}); the batch stopped: see the "
                "Ray logs (out of memory?), then --resume finishes it")
        if not self.stopping and (self.queue or self.handed):
            self.start_worker(worker.threads)
        self.show()

    def give_back(self, handed: _Handed, *, died: bool) -> None:
        """The unfinished photos of a shard that failed: each run again alone, or an error
        row for one that was already alone when its worker died."""
        from geosleuth.batch.summaries import error_row

        for sha, item in handed.pending.items():
            if sha in self.recorded:
                continue
            self.attempts[sha] = self.attempts.get(sha, 0) + 1
            if self.attempts[sha] >= MAX_ATTEMPTS:
                what = "its Ray worker died" if died else "its Ray worker failed"
                self.take(error_row(
                    path=item.rel, sha256=sha, size_bytes=item.size_bytes,
                    mtime_ns=item.mtime_ns, exit_code=1, elapsed_ms=0.0,
                    error=f"{what} twice while investigating this photo (out of memory?); "
                          "try it alone with 'geosleuth locate'"))
            elif not self.stopping:
                self.queue.appendleft(_Shard([item], alone=True))
                self.outcome.retried += 1
                self.progress.retried += 1

    # shards

    def hand_out(self) -> None:
        if self.stopping:
            return
        for worker in self.workers:
            while self.queue:
                shard = next((s for s in self.queue if worker.can_take(s)), None)
                if shard is None:
                    break
                self.queue.remove(shard)
                gen = worker.handle.run_shard.remote(shard.items)
                worker.running.append(gen)
                worker.alone = shard.alone
                self.handed[gen] = _Handed(worker, {i.sha256: i for i in shard.items})
        self.show()

    def on_result(self, gen: Any) -> None:
        handed = self.handed.get(gen)
        if handed is None:
            return
        try:
            ref = next(gen)
            done: Investigated = self.ray.get(ref)
        except StopIteration:
            self.finish_shard(gen, handed)
            return
        except self.ray.exceptions.RayActorError as exc:
            self.on_death(handed.worker, exc)
            return
        except self.ray.exceptions.RayError:  # the shard failed, not the worker
            self.finish_shard(gen, handed)
            self.give_back(handed, died=False)
            return
        item = handed.pending.pop(done.sha256, None) or self.items.get(done.sha256)
        if item is None or done.sha256 in self.recorded:
            return  # a photo already recorded (or never asked for): dropped
        self.take(finish_item(done, item, self.options))

    def finish_shard(self, gen: Any, handed: _Handed) -> None:
        self.handed.pop(gen, None)
        worker = handed.worker
        if gen in worker.running:
            worker.running.remove(gen)
        if not worker.running:
            worker.alone = False

    def take(self, row: dict[str, Any]) -> None:
        if row.get("sha256"):
            self.recorded.add(row["sha256"])
        self.record(row)

    def show(self) -> None:
        pending: dict[int, int] = {}
        for handed in self.handed.values():
            key = id(handed.worker)
            pending[key] = pending.get(key, 0) + len(handed.pending)
        self.progress.workers = [
            {**w.info, "threads": w.threads, "running": pending.get(id(w), 0)}
            for w in self.workers if w.ready]
        if self.on_progress:
            self.on_progress(self.progress)

    # the loop

    def stop_handing_out(self) -> None:
        self.stopping = True
        self.outcome.interrupted = True
        self.queue.clear()
        for worker in self.workers:
            if worker.ready:
                worker.handle.stop.remote()

    def run(self) -> None:
        self.progress.phase = "starting workers"
        for threads in self.threads:
            self.start_worker(threads)
        self.show()
        # Workers still starting when the last photo is back (more asked for than the
        # cluster has room for) are not waited for.
        while self.queue or self.handed:
            if not self.workers:
                raise GeosleuthError("Ray: no worker is left to run the photos")
            self.hand_out()
            if self.progress.phase != "running" and any(w.ready for w in self.workers):
                self.progress.phase = "running"
                self.show()
            waiting = [*self.handed, *(w.ready_ref for w in self.workers if not w.ready)]
            if not waiting:
                continue
            try:
                ready, _ = self.ray.wait(waiting, num_returns=1, timeout=POLL_S)
                if ready:
                    more, _ = self.ray.wait(waiting, num_returns=len(waiting), timeout=0)
                    ready = list({id(r): r for r in [*ready, *more]}.values())
            except KeyboardInterrupt:
                if self.stopping:
                    self.outcome.stopped_now = True
                    raise
                self.stop_handing_out()  # the first Ctrl-C
                continue
            for obj in ready:
                worker = self.worker_of_ready_ref(obj)
                if worker is not None:
                    self.on_ready(worker)
                else:
                    self.on_result(obj)
            if self.stopping:
                # Shards end once their running photos are back; workers not ready yet
                # are of no use any more.
                for worker in [w for w in self.workers if not w.ready]:
                    self.workers.remove(worker)
                    _kill(self.ray, worker)

    def kill_all(self) -> None:
        for worker in self.workers:
            _kill(self.ray, worker)
        self.workers.clear()


def _kill(ray: Any, worker: _Worker) -> None:
    with contextlib.suppress(Exception):  # already gone, or the cluster is
        ray.kill(worker.handle, no_restart=True)


def run_on_ray(
    todo: list[WorkItem],
    options: WorkOptions,
    ray_options: RayOptions,
    jobs: int | None,
    record: Callable[[dict[str, Any]], None],
    outcome: BatchOutcome,
    progress: Progress,
    on_progress: Callable[[Progress], None] | None,
) -> None:
    """Investigate ``todo`` on Ray; ``record`` each row in the driver as it arrives."""
    require_ray()
    if ray_options.workers is not None and ray_options.workers < 1:
        raise BadInputError(f"--workers must be at least 1, not {ray_options.workers}")
    progress.phase = "starting workers"
    if on_progress:
        on_progress(progress)
    ray, ours, note = connect(ray_options)
    outcome.engine_note = note
    engine: _Engine | None = None
    try:
        engine = _Engine(ray, todo, options, ray_options, jobs, record, outcome, progress,
                         on_progress)
        engine.run()
    finally:
        if engine is not None:
            engine.kill_all()
        if ours:
            ray.shutdown()
