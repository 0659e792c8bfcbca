"""One writer per batch output folder: an ``fcntl.flock`` on ``<out>/.batch.lock``.

The lock belongs to the open file, so the kernel drops it when its process ends, however
it ends: a batch killed with SIGKILL leaves the file behind but never a held lock, and
the next batch takes it. The file holds who took it (pid, host, start time) for the
message a second batch prints. It is removed when the batch ends, while still locked; a
batch that opened the file just before that removal sees, once it holds the lock, that
the path no longer names its file, and starts again with a new one.

Where ``fcntl`` does not exist (Windows), there is no lock.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import socket
from pathlib import Path
from types import TracebackType

from geosleuth.errors import BadInputError

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

LOCK_FILE = ".batch.lock"


class BatchLock:
    """The held lock of one output folder; ``release`` (or leaving the ``with``) ends it."""

    def __init__(self, path: Path, fd: int | None) -> None:
        self.path = path
        self._fd = fd

    def release(self) -> None:
        if self._fd is None:
            return
        with contextlib.suppress(OSError):
            if os.path.samestat(os.fstat(self._fd), os.stat(self.path)):
                self.path.unlink()
        os.close(self._fd)  # closing the last descriptor drops the lock
        self._fd = None

    def __enter__(self) -> BatchLock:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.release()


def holder(path: Path) -> str:
    """Who holds the lock, as its file says: "pid 123 on host, since 2026-…"."""
    try:
        info = json.loads(path.read_text(encoding="utf-8"))
        return f"pid {info['pid']} on {info['host']}, started {info['started']}"
    except (OSError, ValueError, KeyError, TypeError):
        return "its holder has not written its name yet"


def lock_output(out: Path) -> BatchLock:
    """Take the lock of ``out`` (created if needed) or raise at once, naming the holder."""
    path = out / LOCK_FILE
    try:
        out.mkdir(parents=True, exist_ok=True)
        if fcntl is None:
            return BatchLock(path, None)
        while True:
            fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                os.close(fd)
                raise BadInputError(
                    f"{out}: another batch is writing into this folder ({holder(path)}); "
                    "wait for it to end, or choose another --out") from None
            except BaseException:
                os.close(fd)
                raise
            try:
                current = os.stat(path)
            except FileNotFoundError:
                current = None
            if current is not None and os.path.samestat(os.fstat(fd), current):
                break
            os.close(fd)  # the file was removed by the batch that held it: take a new one
    except OSError as exc:
        raise BadInputError(f"{out}: cannot write into this folder "
                            f"({exc.strerror or exc})") from None
    lock = BatchLock(path, fd)
    info = {"pid": os.getpid(), "host": socket.gethostname(),
            "started": dt.datetime.now().astimezone().isoformat(timespec="seconds")}
    try:
        os.ftruncate(fd, 0)
        os.pwrite(fd, json.dumps(info).encode("utf-8"), 0)
    except OSError as exc:
        lock.release()
        raise BadInputError(f"{out}: cannot write into this folder "
                            f"({exc.strerror or exc})") from None
    return lock
