"""The CLI's side: hand a ``locate`` to a running server, or say that none can take it.

``run_served`` returns the exit code of the served command, or None when the command must
run here: no server (the common case: one ``stat``), a socket that is not the user's own,
a server of other code, a server that stopped. While the worker runs, Ctrl-C (and a
terminate or hang-up signal) is passed on to it, so an interrupted investigation stops
there the way it stops here.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import sys
from collections.abc import Sequence
from types import FrameType

from geosleuth.server import protocol
from geosleuth.server.address import private_folder, socket_path, source_stamp

SERVED_COMMANDS = frozenset({"locate"})
NO_SERVER_ENV = "GEOSLEUTH_NO_SERVER"  # set (to anything) to run every command here
FORWARDED = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


def _stream_encoding(stream: object) -> list[str]:
    return [getattr(stream, "encoding", None) or "utf-8", getattr(stream, "errors", None)
            or "strict"]


def run_served(args: Sequence[str]) -> int | None:
    """Run ``geosleuth <args>`` in a server's worker; None when it must run here."""
    if not args or args[0] not in SERVED_COMMANDS or os.environ.get(NO_SERVER_ENV):
        return None
    path = socket_path()
    if not path.exists() or not private_folder(path.parent):
        return None
    conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        conn.connect(str(path))
        protocol.send(conn, {
            "v": protocol.VERSION, "argv": ["geosleuth", *args], "cwd": os.getcwd(),
            "env": dict(os.environ), "stamp": source_stamp(),
            "encodings": [_stream_encoding(s) for s in (sys.stdin, sys.stdout, sys.stderr)],
        }, fds=[0, 1, 2])
        reply, _ = protocol.receive(conn)
    except OSError:
        conn.close()
        return None  # a socket left by a server that stopped, or one that hung up
    if "refused" in reply:
        conn.close()
        print(f"geosleuth: not served ({reply['refused']}); running here", file=sys.stderr)
        return None
    return _wait(conn, int(reply["pid"]))


def _wait(conn: socket.socket, pid: int) -> int:
    def forward(signum: int, _frame: FrameType | None) -> None:
        with contextlib.suppress(OSError):
            os.kill(pid, signum)

    previous = {s: signal.signal(s, forward) for s in FORWARDED}
    try:
        reply, _ = protocol.receive(conn)
        return int(reply.get("exit", 1))
    except OSError:
        print("geosleuth: the server's worker stopped before the command ended",
              file=sys.stderr)
        return 1
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)
        conn.close()
