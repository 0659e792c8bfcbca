"""``geosleuth serve``: the listening socket and the workers behind it.

The supervisor binds the socket (mode 0600, in a folder only the user can enter), writes
its pid next to it, and keeps ``workers`` worker processes alive: each warms up, takes one
command and exits, and a new one is started in its place. A worker that fails to start
three times in a row stops the server. SIGINT or SIGTERM (``geosleuth serve --stop``)
stops the workers, removes the socket and the pid file, and exits.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from types import FrameType

from geosleuth.errors import ConfigError
from geosleuth.server.address import make_private_folder, pid_path, socket_path

MAX_EARLY_FAILURES = 3
EARLY_S = 5.0  # a worker that exits this soon after its start, unserved, failed to start
POLL_S = 0.2


def running_pid(sock: Path) -> int | None:
    """The pid of the server listening on ``sock``, when one is."""
    try:
        pid = int(pid_path(sock).read_text().strip())
        os.kill(pid, 0)
    except (OSError, ValueError):
        return None
    probe = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        probe.connect(str(sock))
    except OSError:
        return None
    finally:
        probe.close()
    return pid


def stop(sock: Path | None = None) -> int | None:
    """Ask the server on ``sock`` to stop; its pid, or None when none runs."""
    sock = sock or socket_path()
    pid = running_pid(sock)
    if pid is not None:
        os.kill(pid, signal.SIGTERM)
    return pid


class _Stop(Exception):
    pass


def _raise_stop(_signum: int, _frame: FrameType | None) -> None:
    raise _Stop


def _spawn(listener: socket.socket) -> subprocess.Popen[bytes]:
    fd = listener.fileno()
    return subprocess.Popen([sys.executable, "-m", "geosleuth.server.worker", str(fd)],
                            pass_fds=(fd,), stdin=subprocess.DEVNULL)


def serve(workers: int = 1, sock: Path | None = None) -> int:
    """Run the server until stopped; the exit code."""
    sock = sock or socket_path()
    try:
        make_private_folder(sock.parent)
    except (OSError, ValueError) as exc:
        raise ConfigError(f"cannot serve on {sock}: {exc}") from None
    if running_pid(sock) is not None:
        raise ConfigError(f"a server already runs on {sock} (geosleuth serve --stop stops it)")
    with contextlib.suppress(FileNotFoundError):
        sock.unlink()  # left by a server that was killed
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    umask = os.umask(0o177)
    try:
        listener.bind(str(sock))
    finally:
        os.umask(umask)
    listener.listen(16)
    pid_path(sock).write_text(f"{os.getpid()}\n")
    print(f"geosleuth serve: listening on {sock} with {workers} worker(s); "
          "'geosleuth locate' uses it, Ctrl-C or 'geosleuth serve --stop' ends it",
          file=sys.stderr, flush=True)
    previous = {s: signal.signal(s, _raise_stop) for s in (signal.SIGINT, signal.SIGTERM)}
    pool: list[tuple[subprocess.Popen[bytes], float]] = []
    failures = 0
    code = 0
    try:
        while True:
            while len(pool) < workers:
                pool.append((_spawn(listener), time.monotonic()))
            time.sleep(POLL_S)
            for proc, started in list(pool):
                if proc.poll() is None:
                    continue
                pool.remove((proc, started))
                early = proc.returncode != 0 and time.monotonic() - started < EARLY_S
                failures = failures + 1 if early else 0
                if failures >= MAX_EARLY_FAILURES:
                    print(f"geosleuth serve: workers fail to start (exit code "
                          f"{proc.returncode}); stopping", file=sys.stderr)
                    code = 1
                    raise _Stop
    except _Stop:
        pass
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)
        listener.close()
        for path in (sock, pid_path(sock)):
            with contextlib.suppress(FileNotFoundError):
                path.unlink()
        for proc, _ in pool:
            proc.terminate()
        for proc, _ in pool:
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
        print("geosleuth serve: stopped", file=sys.stderr, flush=True)
    return code
