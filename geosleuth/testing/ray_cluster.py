"""A real Ray cluster on 127.0.0.1 for the tests and benchmarks: ``ray start --head`` in a
child process, stopped (its process group, by id) when the ``with`` ends.

It is small on purpose (the machine is shared): ``num_cpus`` CPUs (two by default, so
two worker processes), a 100 MB object store, no dashboard, no usage statistics. It
listens on the loopback address only, and an authentication token made for it is passed
in the environment (``env``) to whatever joins it, so nothing is written to ``~/.ray``.
Its files go to a temporary folder of its own, removed at the end.

    with LocalRayCluster() as cluster:
        run_cli("batch", "photos", "--engine", "ray", "--address", cluster.address,
                env=cluster.env)
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import TracebackType


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def ray_environment(token: str) -> dict[str, str]:
    """The variables that keep a cluster and its drivers on 127.0.0.1, quiet, with a token."""
    return {
        "RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER": "0",  # Ray then binds 127.0.0.1, not the NIC
        "RAY_USAGE_STATS_ENABLED": "0",
        "RAY_AUTH_MODE": "token",
        "RAY_AUTH_TOKEN": token,
    }


def descendants(pid: int) -> list[int]:
    """Every process below ``pid`` (Linux ``/proc``)."""
    found: list[int] = []
    todo = [pid]
    while todo:
        p = todo.pop()
        try:
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children") as fh:
                    children = [int(c) for c in fh.read().split()]
                found.extend(children)
                todo.extend(children)
        except OSError:
            continue
    return found


def process_title(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as fh:
            return fh.read().replace(b"\0", b" ").decode(errors="replace").strip()
    except OSError:
        return ""


def processes_with(variable: str, value: str) -> list[int]:
    """The live processes whose environment has ``variable=value`` (Linux ``/proc``; the
    user's own and those it may read): what a run given a variable of its own left behind,
    wherever they were reparented."""
    wanted = f"{variable}={value}".encode()
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit() or int(entry) == os.getpid():
            continue
        try:
            with open(f"/proc/{entry}/environ", "rb") as fh:
                if wanted in fh.read().split(b"\0") and process_alive(int(entry)):
                    found.append(int(entry))
        except OSError:
            continue
    return found


def process_alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().rsplit(")", 1)[1].split()[0] not in ("Z", "X")
    except (OSError, IndexError):
        return False


class LocalRayCluster:
    """A Ray head node on 127.0.0.1 with ``num_cpus`` CPUs; see the module docstring."""

    def __init__(self, num_cpus: int = 2, object_store_mb: int = 100,
                 start_timeout_s: float = 240.0) -> None:
        self.num_cpus = num_cpus
        self.object_store_mb = object_store_mb
        self.start_timeout_s = start_timeout_s
        self.port = _free_port()
        self.address = f"127.0.0.1:{self.port}"
        self.env = {**os.environ, **ray_environment(secrets.token_hex(16))}
        self.temp_dir = Path(tempfile.mkdtemp(prefix="gsray-", dir="/tmp"))  # short: sockets
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> LocalRayCluster:
        ray_cli = Path(sys.executable).with_name("ray")
        command = [str(ray_cli) if ray_cli.exists() else "ray", "start", "--head", "--block",
                   "--node-ip-address", "127.0.0.1", "--port", str(self.port),
                   "--num-cpus", str(self.num_cpus),
                   "--object-store-memory", str(self.object_store_mb * 1024 * 1024),
                   "--include-dashboard", "false", "--disable-usage-stats",
                   "--temp-dir", str(self.temp_dir)]
        log = (self.temp_dir / "head.log").open("wb")
        self.proc = subprocess.Popen(command, env=self.env, stdout=log,
                                     stderr=subprocess.STDOUT, start_new_session=True)
        self._wait_ready()
        return self

    def _wait_ready(self) -> None:
        probe = (f"import ray; ray.init(address={self.address!r}, logging_level='ERROR'); "
                 f"assert ray.cluster_resources().get('CPU') == {self.num_cpus}")
        deadline = time.monotonic() + self.start_timeout_s
        while True:
            if self.proc is not None and self.proc.poll() is not None:
                raise RuntimeError(f"ray start exited ({self.proc.returncode}): {self.log()}")
            done = subprocess.run([sys.executable, "-c", probe], env=self.env,
                                  capture_output=True, text=True, timeout=120, check=False)
            if done.returncode == 0:
                return
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"the Ray head did not start in time: {done.stderr[-2000:]}")
            time.sleep(1.0)

    def log(self) -> str:
        with contextlib.suppress(OSError):
            return (self.temp_dir / "head.log").read_text(errors="replace")[-3000:]
        return ""

    def workers(self, title: str = "ray::ShardWorker") -> list[int]:
        """The live processes of the cluster whose title starts with ``title``."""
        if self.proc is None:
            return []
        return [p for p in descendants(self.proc.pid)
                if process_title(p).startswith(title) and process_alive(p)]

    def stop(self) -> None:
        """SIGTERM to the head's process group (``ray start --block`` then stops its node),
        SIGKILL if it is still there after a while; then its folder is removed."""
        proc, self.proc = self.proc, None
        if proc is not None and proc.poll() is None:
            below = descendants(proc.pid)
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=30)
            for pid in below:  # workers run in process groups of their own
                if process_alive(pid) and "ray" in process_title(pid):
                    with contextlib.suppress(ProcessLookupError):
                        os.kill(pid, signal.SIGKILL)
        shutil.rmtree(self.temp_dir, ignore_errors=True)

    def __enter__(self) -> LocalRayCluster:
        return self.start()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()
