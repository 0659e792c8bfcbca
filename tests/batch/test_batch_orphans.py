"""A batch killed with SIGKILL takes its worker processes with it: none stays behind
writing case folders (``geosleuth.batch.orphans``)."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from geosleuth.testing.photos import render_photo

pytestmark = pytest.mark.skipif(not Path("/proc/self/stat").exists(),
                                reason="finds processes through /proc")

N_PHOTOS = 12
GONE_WITHIN_S = 5.0


def _stat(pid: int) -> tuple[str, int, int] | None:
    """(state, parent pid, start time) of a process, from /proc; None when it is gone."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = text.rsplit(")", 1)[1].split()
    return fields[0], int(fields[1]), int(fields[19])


def _descendants(root: int) -> dict[int, int]:
    """Every process below ``root``, with its start time (to tell a reused pid apart)."""
    children: dict[int, list[tuple[int, int]]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and (st := _stat(int(entry.name))) is not None:
            children.setdefault(st[1], []).append((int(entry.name), st[2]))
    found: dict[int, int] = {}
    todo = [root]
    while todo:
        for pid, started in children.get(todo.pop(), []):
            if pid not in found:
                found[pid] = started
                todo.append(pid)
    return found


def _alive(pid: int, started: int) -> bool:
    st = _stat(pid)
    return st is not None and st[2] == started and st[0] not in ("Z", "X")


def _wait_gone(procs: dict[int, int], within_s: float) -> list[int]:
    """The processes of ``procs`` still alive after ``within_s`` (at most)."""
    deadline = time.monotonic() + within_s
    while True:
        alive = [pid for pid, started in procs.items() if _alive(pid, started)]
        if not alive or time.monotonic() > deadline:
            return alive
        time.sleep(0.05)


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def _rows(out: Path) -> int:
    path = out / "results.jsonl"
    return path.read_text().count("\n") if path.exists() else 0


def test_workers_die_with_a_killed_batch(tmp_path: Path) -> None:
    photos = tmp_path / "photos"
    for i in range(N_PHOTOS):
        render_photo(photos / f"p{i:02d}.jpg", size=(96, 64),
                     gps=(48.8584 + i * 0.01, 2.2945 + i * 0.01), seed=i)
    out = tmp_path / "out"
    proc = subprocess.Popen(
        [sys.executable, "-c", "from geosleuth.cli.app import main; main()", "batch",
         str(photos), "--out", str(out), "-j", "2", "--executor", "process"],
        env={**os.environ, "GEOSLEUTH_CACHE": "false"}, start_new_session=True,
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 300
        while _rows(out) < 1:  # the workers are up and writing
            assert proc.poll() is None, proc.stderr.read().decode() if proc.stderr else ""
            assert time.monotonic() < deadline, "the batch recorded nothing in time"
            time.sleep(0.05)
        below = _descendants(proc.pid)
        workers = [pid for pid in below if "multiprocessing" in _cmdline(pid)
                   and "resource_tracker" not in _cmdline(pid)]
        assert len(workers) >= 2, {pid: _cmdline(pid) for pid in below}
        proc.kill()  # the batch alone, not its process group
        proc.wait()
        assert _rows(out) < N_PHOTOS, "the batch must be killed mid-way"

        alive = _wait_gone(below, GONE_WITHIN_S)
        assert not alive, {pid: _cmdline(pid) for pid in alive}
        cases = sorted(p.name for p in out.iterdir())
        time.sleep(1.0)
        assert sorted(p.name for p in out.iterdir()) == cases  # nobody writes any more
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)  # strays of a failed run, if any
        proc.wait()


# A process that starts a child watching it, says the child's pid, and waits to be killed.
_PARENT = """
import subprocess, sys, time
child = subprocess.Popen([sys.executable, "-c", *sys.argv[1:]])
print(child.pid, flush=True)
time.sleep(600)
"""
_CHILD = """
import os, sys, time
from pathlib import Path
from geosleuth.batch.orphans import die_with_parent
die_with_parent(os.getppid(), kernel=sys.argv[1] == "kernel", interval_s=float(sys.argv[2]))
Path(sys.argv[3]).write_text("ready")
time.sleep(600)
"""


@pytest.mark.parametrize(("how", "interval_s"), [("kernel", 3600.0), ("watch", 0.05)])
def test_a_worker_ends_when_its_parent_dies(tmp_path: Path, how: str, interval_s: float) -> None:
    """Each way alone: the kernel's death signal (the watch sleeps for an hour), and the
    portable watch of ``os.getppid()`` (no kernel signal)."""
    if how == "kernel" and not sys.platform.startswith("linux"):
        pytest.skip("PR_SET_PDEATHSIG is Linux's")
    ready = tmp_path / "ready"
    parent = subprocess.Popen(
        [sys.executable, "-c", _PARENT, _CHILD, how, str(interval_s), str(ready)],
        stdout=subprocess.PIPE, text=True, start_new_session=True)
    try:
        assert parent.stdout is not None
        child = int(parent.stdout.readline())
        started = _stat(child)
        assert started is not None
        deadline = time.monotonic() + 60
        while not ready.exists():
            assert time.monotonic() < deadline and _alive(child, started[2])
            time.sleep(0.02)
        parent.kill()
        parent.wait()
        assert not _wait_gone({child: started[2]}, GONE_WITHIN_S)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(parent.pid, signal.SIGKILL)
        parent.wait()
