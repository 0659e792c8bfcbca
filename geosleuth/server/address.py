"""Where the server's socket lives, whether it can be trusted, and the stamp of the code.

The socket is ``$GEOSLEUTH_SERVE_SOCKET``, else ``serve.sock`` in a folder only the user
can enter: ``$XDG_RUNTIME_DIR/geosleuth`` or ``/tmp/geosleuth-<uid>`` (a Unix socket's path
must stay under about 100 bytes, so not the cache folder). A client only talks to a socket
in a folder that belongs to the user and that no one else can write to, and the worker
only serves a peer of the same user id.
"""

from __future__ import annotations

import hashlib
import os
import stat
import sys
from functools import lru_cache
from importlib.util import find_spec
from pathlib import Path

SOCKET_ENV = "GEOSLEUTH_SERVE_SOCKET"
SOCKET_NAME = "serve.sock"
PID_NAME = "serve.pid"


def socket_path() -> Path:
    given = os.environ.get(SOCKET_ENV)
    if given:
        return Path(given)
    runtime = os.environ.get("XDG_RUNTIME_DIR")
    folder = Path(runtime) / "geosleuth" if runtime else Path(f"/tmp/geosleuth-{os.getuid()}")
    return folder / SOCKET_NAME


def pid_path(sock: Path) -> Path:
    return sock.with_name(PID_NAME)


def private_folder(folder: Path) -> bool:
    """Whether ``folder`` is a real folder of this user that no one else may write to."""
    try:
        info = folder.lstat()
    except OSError:
        return False
    return (stat.S_ISDIR(info.st_mode) and info.st_uid == os.getuid()
            and not info.st_mode & (stat.S_IWGRP | stat.S_IWOTH))


def make_private_folder(folder: Path) -> None:
    """Create ``folder`` (mode 0700) or check the one there; ValueError when unsafe."""
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    if not private_folder(folder):
        raise ValueError(f"{folder} is not a folder only you can write to")


@lru_cache(maxsize=1)
def source_stamp() -> str:
    """What the worker's code is: the interpreter, and the name, size and time of every
    Python file of geosleuth and its plugins. A stat of each file, no reading: a client
    asks for it on every served command."""
    digest = hashlib.sha256(f"{sys.prefix}\n{sys.version}\n".encode())
    for package in ("geosleuth", "geosleuth_plugins"):
        spec = find_spec(package)
        for folder in (spec.submodule_search_locations or []) if spec else []:
            for path in sorted(Path(folder).rglob("*.py")):
                info = path.stat()
                digest.update(f"{path.relative_to(folder)}:{info.st_size}:"
                              f"{info.st_mtime_ns}\n".encode())
    return digest.hexdigest()[:20]
