"""``geosleuth serve``: a warm worker runs ``locate`` with the caller's folder, settings and
terminal, and gives the same output and exit code as a command run in its own process."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from geosleuth.server import protocol
from geosleuth.server.address import source_stamp
from geosleuth.server.client import run_served
from geosleuth.testing.cli import run_cli as geosleuth
from geosleuth.testing.photos import render_photo

VADUZ = (47.14103, 9.52093)
WARM_TIMEOUT_S = 300  # the first warm-up of a test session may build the gazetteer index


class Server:
    def __init__(self, sock: Path, log: Path, proc: subprocess.Popen[bytes]) -> None:
        self.sock, self.log, self.proc = sock, log, proc

    def lines(self) -> list[str]:
        return self.log.read_text(encoding="utf-8", errors="replace").splitlines()

    def wait_for(self, text: str, count: int = 1, timeout: float = WARM_TIMEOUT_S) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if sum(text in line for line in self.lines()) >= count:
                return
            assert self.proc.poll() is None, "\n".join(self.lines())
            time.sleep(0.1)
        raise AssertionError(f"no {text!r} in the server's log:\n" + "\n".join(self.lines()))

    def env(self, **extra: str) -> dict[str, str]:
        return {**os.environ, "GEOSLEUTH_SERVE_SOCKET": str(self.sock), **extra}


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    # a short folder: a Unix socket's path must stay under about 100 bytes
    folder = Path(tempfile.mkdtemp(prefix="gs-serve-"))
    sock = folder / "serve.sock"
    log = tmp_path / "serve.log"
    env = {**os.environ, "GEOSLEUTH_SERVE_SOCKET": str(sock)}
    with log.open("wb") as fh:
        proc = subprocess.Popen([sys.executable, "-m", "geosleuth", "serve"], env=env,
                                stdout=subprocess.DEVNULL, stderr=fh)
    running = Server(sock, log, proc)
    try:
        running.wait_for("warm (")
        yield running
    finally:
        proc.terminate()
        proc.wait(timeout=60)
        assert not sock.exists() and not sock.with_name("serve.pid").exists()
        folder.rmdir()


def _comparable(record: dict[str, Any]) -> dict[str, Any]:
    """A case record without what differs between two runs (times, paths, dates)."""
    def strip(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: strip(v) for k, v in value.items()
                    if not k.endswith("_ms") and k not in ("timing", "created", "out", "path")}
        if isinstance(value, list):
            return [strip(v) for v in value]
        return value
    return strip(record)


def test_a_served_locate_gives_what_a_locate_of_its_own_gives(server: Server,
                                                              tmp_path: Path) -> None:
    photo = render_photo(tmp_path / "gps.jpg", size=(640, 480), gps=VADUZ, make="Apple",
                         model="iPhone 14 Pro")
    # tool results not cached, so that the second run does not read the first one's
    served = geosleuth("locate", photo.name, "--json", "--no-cache", "--out", "served",
                       cwd=tmp_path, env=server.env())
    server.wait_for("served 'geosleuth locate', exit code 0")
    here = geosleuth("locate", photo.name, "--json", "--no-cache", "--out", "here",
                     cwd=tmp_path, env=server.env(GEOSLEUTH_NO_SERVER="1"))
    assert served.returncode == here.returncode == 0, served.stderr + here.stderr
    a, b = json.loads(served.stdout), json.loads(here.stdout)
    assert _comparable(a) == _comparable(b)
    assert a["verdict"]["country_code"] == "LI"
    # the worker wrote the case folder where the caller's relative --out points
    assert (tmp_path / "served" / f"gps-{a['image']['sha256'][:8]}" / "case.json").is_file()
    # the caller's environment holds in the worker: settings from it are applied
    quiet = geosleuth("locate", photo.name, "--json", "--out", "ignored", cwd=tmp_path,
                      env=server.env(GEOSLEUTH_STEPS="1"))
    server.wait_for("served 'geosleuth locate'", count=2)
    assert json.loads(quiet.stdout)["settings"]["steps"] == 1


def test_bad_input_through_the_server_is_one_line_and_exit_code_2(server: Server,
                                                                  tmp_path: Path) -> None:
    result = geosleuth("locate", "missing.jpg", cwd=tmp_path, env=server.env())
    assert result.returncode == 2
    [line] = result.stderr.strip().splitlines()
    assert line.startswith("geosleuth: ") and "missing.jpg" in line
    server.wait_for("served 'geosleuth locate', exit code 2")


def _request(sock: Path, stamp: str, argv: list[str]) -> dict[str, Any]:
    conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    conn.connect(str(sock))
    with conn, open(os.devnull, "rb") as null_in, open(os.devnull, "wb") as null_out:
        protocol.send(conn, {"v": protocol.VERSION, "argv": argv, "cwd": os.getcwd(),
                             "env": dict(os.environ), "stamp": stamp, "encodings": []},
                      fds=[null_in.fileno(), null_out.fileno(), null_out.fileno()])
        reply, _ = protocol.receive(conn)
    return reply


def test_other_code_or_another_command_is_refused_and_the_worker_stays_warm(
        server: Server) -> None:
    stale = _request(server.sock, "another-version", ["geosleuth", "locate", "x.jpg"])
    assert "started before an update" in stale["refused"]
    other = _request(server.sock, source_stamp(), ["geosleuth", "batch", "folder"])
    assert "only runs 'geosleuth locate'" in other["refused"]
    # a probe that connects and hangs up is no request either
    probe = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    probe.connect(str(server.sock))
    probe.close()
    assert sum("warm (" in line for line in server.lines()) == 1  # the same worker waits
    assert geosleuth("serve", "--status", env=server.env()).returncode == 0


def test_a_second_server_on_the_same_socket_is_refused(server: Server) -> None:
    second = geosleuth("serve", env=server.env())
    assert second.returncode == 2
    assert "already runs" in second.stderr and "Traceback" not in second.stderr


def test_stop_ends_the_server(server: Server) -> None:
    stopped = geosleuth("serve", "--stop", env=server.env())
    assert stopped.returncode == 0 and "stopped the server" in stopped.stdout
    server.proc.wait(timeout=60)
    assert geosleuth("serve", "--status", env=server.env()).returncode == 1


def test_no_server_or_an_unsafe_folder_means_the_command_runs_here(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GEOSLEUTH_SERVE_SOCKET", str(tmp_path / "none" / "serve.sock"))
    assert run_served(["locate", "photo.jpg"]) is None
    # a socket in a folder others may write to is never used
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o777)
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(str(shared / "s.sock"))
    listener.listen(1)
    monkeypatch.setenv("GEOSLEUTH_SERVE_SOCKET", str(shared / "s.sock"))
    try:
        assert run_served(["locate", "photo.jpg"]) is None
    finally:
        listener.close()


def test_commands_other_than_locate_never_reach_the_server(
        server: Server, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("GEOSLEUTH_SERVE_SOCKET", str(server.sock))
    assert run_served(["batch", "folder"]) is None
    assert run_served(["tools"]) is None
    # the client did not even ask (a worker would have refused, and the client said so)
    assert capsys.readouterr().err == ""
    assert not [line for line in server.lines() if "served" in line]
    # ... while a locate does reach it
    assert run_served(["locate", "--help"]) == 0
    server.wait_for("served 'geosleuth locate', exit code 0")


def test_the_warm_up_is_offline_whatever_the_configuration_says(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A worker's warm-up never sends its drawn photo to a model or a map service."""
    from geosleuth.server import worker

    said: list[str] = []
    monkeypatch.setattr(worker, "log", said.append)
    monkeypatch.setenv("GEOSLEUTH_BACKEND", "openai")  # and no key: a call would fail
    monkeypatch.setenv("GEOSLEUTH_NETWORK", "true")
    worker.warm_up()
    assert len(said) == 1 and "warm-up exit code 0" in said[0]
