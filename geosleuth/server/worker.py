"""A server's worker: warm up, serve one command, exit.

    python -m geosleuth.server.worker FD    (started by the supervisor; FD is its socket)

The warm-up investigates a photo the worker draws (a street sign with a place name and a
phone number) with the offline backend and no network whatever the configuration says,
the caching of tool results off, into a folder it removes, with its output discarded:
that loads what a ``locate`` uses (the OCR and language models, the gazetteer, the
country raster, the report's fonts). Then it takes one connection of the same user,
checks that the client runs the same code, takes the client's working folder,
environment, command line and terminal, runs the command as the CLI does, sends the exit
code, and exits.
"""

from __future__ import annotations

import contextlib
import os
import resource
import shutil
import socket
import struct
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from geosleuth.server import protocol
from geosleuth.server.address import source_stamp
from geosleuth.server.client import SERVED_COMMANDS

# The server's own stderr, kept apart: once serving, fd 2 is the client's terminal.
_LOG = os.fdopen(os.dup(2), "w", buffering=1, encoding="utf-8", errors="backslashreplace")


def log(message: str) -> None:
    print(f"geosleuth serve [{os.getpid()}]: {message}", file=_LOG, flush=True)


def warm_up_photo(folder: Path) -> Path:
    """A 1200 x 800 photo of a blue street sign: "Rua Augusta", "Lisboa", a phone number."""
    from PIL import Image, ImageDraw

    from geosleuth.report.mapdraw import font

    image = Image.new("RGB", (1200, 800), (168, 178, 186))
    draw = ImageDraw.Draw(image)
    draw.rectangle((80, 140, 1120, 460), fill=(22, 64, 140), outline=(240, 240, 240), width=8)
    draw.text((130, 170), "Rua Augusta", font=font(96, bold=True), fill=(250, 250, 250))
    draw.text((130, 300), "Lisboa", font=font(72), fill=(250, 250, 250))
    draw.text((130, 390), "+351 21 342 0000", font=font(44), fill=(250, 250, 250))
    path = folder / "warm-up.jpg"
    image.save(path, quality=90)
    return path


@contextlib.contextmanager
def _quiet() -> Iterator[None]:
    """stdout and stderr to /dev/null at the descriptor level (Rich, Tesseract, libraries)."""
    sys.stdout.flush()
    sys.stderr.flush()
    saved = [os.dup(1), os.dup(2)]
    null = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(null, 1)
        os.dup2(null, 2)
        yield
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os.dup2(saved[0], 1)
        os.dup2(saved[1], 2)
        for fd in (*saved, null):
            os.close(fd)


def warm_up() -> None:
    from geosleuth.cli.app import app
    from geosleuth.cli.errors import run_guarded

    folder = Path(tempfile.mkdtemp(prefix="geosleuth-warm-up-"))
    started = time.process_time()
    saved_argv = sys.argv
    try:
        photo = warm_up_photo(folder)
        # offline whatever the configuration says: a warm-up sends nothing anywhere
        sys.argv = ["geosleuth", "locate", str(photo), "--no-cache", "--out",
                    str(folder / "cases"), "--json", "--backend", "offline", "--offline",
                    "--paths", "1"]
        with _quiet():
            code = run_guarded(app)
    finally:
        sys.argv = saved_argv
        shutil.rmtree(folder, ignore_errors=True)
    log(f"warm ({time.process_time() - started:.1f} CPU-s; warm-up exit code {code})")


def _peer_uid(conn: socket.socket) -> int:
    creds = conn.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize("3i"))
    return int(struct.unpack("3i", creds)[2])


def _take_terminal(fds: list[int], encodings: Any) -> None:
    """Make the client's stdin, stdout and stderr this process's, at both levels."""
    for target, fd in zip((0, 1, 2), fds, strict=True):
        os.dup2(fd, target)
        os.close(fd)
    pairs = encodings if isinstance(encodings, list) and len(encodings) == 3 else [
        ["utf-8", "strict"]] * 3
    (e0, r0), (e1, r1), (e2, r2) = ((str(e), str(r)) for e, r in pairs)
    sys.stdin = open(0, encoding=e0, errors=r0, closefd=False)  # noqa: SIM115
    sys.stdout = open(1, "w", encoding=e1, errors=r1, closefd=False,  # noqa: SIM115
                      buffering=1 if os.isatty(1) else -1)
    sys.stderr = open(2, "w", encoding=e2, errors=r2, closefd=False, buffering=1)  # noqa: SIM115


def _refusal(request: dict[str, Any], stamp: str) -> str:
    if request.get("v") != protocol.VERSION:
        return "the server speaks another protocol version"
    if request.get("stamp") != stamp:
        return ("the server runs other code than this command (it was started before an "
                "update): run 'geosleuth serve --stop' and start it again")
    argv = request.get("argv")
    if not isinstance(argv, list) or len(argv) < 2 or argv[1] not in SERVED_COMMANDS:
        return "the server only runs 'geosleuth locate'"
    if not isinstance(request.get("env"), dict) or not isinstance(request.get("cwd"), str):
        return "a request without its environment or working folder"
    return ""


def take(conn: socket.socket, stamp: str) -> tuple[dict[str, Any], list[int]] | None:
    """The request on ``conn`` when this worker will run it; None (after saying why, when
    the client asked) when it will not: the worker then waits for the next connection, as
    warm as before (a probe that connects and hangs up costs nothing)."""
    try:
        request, fds = protocol.receive(conn, max_fds=3)
    except protocol.ProtocolError:
        return None
    why = _refusal(request, stamp) or ("" if len(fds) == 3 else "no terminal came with it")
    if not why:
        try:
            os.chdir(request["cwd"])
        except OSError as exc:
            why = f"cannot enter {request['cwd']}: {exc.strerror}"
    if why:
        for fd in fds:
            os.close(fd)
        with contextlib.suppress(OSError):
            protocol.send(conn, {"refused": why})
        return None
    return request, fds


def serve_one(conn: socket.socket, request: dict[str, Any], fds: list[int]) -> int:
    """Run the request's command with its environment and terminal; send the exit code."""
    from geosleuth.cli.app import app
    from geosleuth.cli.errors import run_guarded

    protocol.send(conn, {"pid": os.getpid()})
    os.environ.clear()
    os.environ.update({str(k): str(v) for k, v in request["env"].items()})
    time.tzset()
    _take_terminal(fds, request.get("encodings"))
    sys.argv = [str(a) for a in request["argv"]]
    code = run_guarded(app)
    with contextlib.suppress(OSError, ValueError):
        sys.stdout.flush()
        sys.stderr.flush()
    with contextlib.suppress(OSError):
        protocol.send(conn, {"exit": code})
    return code


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    listener = socket.socket(fileno=int(args[0]))
    stamp = source_stamp()
    try:
        warm_up()
    except Exception as exc:  # the warm-up is an optimisation: serve even when it fails
        log(f"warm-up failed ({type(exc).__name__}: {exc}); serving cold")
    while True:
        conn, _ = listener.accept()
        taken = take(conn, stamp) if _peer_uid(conn) == os.getuid() else None
        if taken is not None:
            break
        conn.close()
    listener.close()
    before = _cpu_s()
    with conn:
        try:
            code = serve_one(conn, *taken)
        except OSError as exc:  # the client went away before the command started
            log(f"the client hung up ({exc})")
            return 0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    log(f"served 'geosleuth {' '.join(sys.argv[1:2])}', exit code {code} "
        f"({_cpu_s() - before:.2f} CPU-s; peak {peak:.0f} MB)")
    return 0


def _cpu_s() -> float:
    """CPU seconds of this process and its finished children (Tesseract)."""
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


if __name__ == "__main__":
    sys.exit(main())
