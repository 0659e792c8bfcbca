"""The process's memory settings: only a process that investigates one photo changes them."""

from __future__ import annotations

import ctypes
import sys

import pytest

from geosleuth import heap


@pytest.fixture
def fresh_flags(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    monkeypatch.setattr(heap, "_one_command", False)
    monkeypatch.setattr(heap, "_one_investigation", False)
    arenas: list[bool] = []
    monkeypatch.setattr(heap, "one_arena", lambda: arenas.append(True) or True)
    return arenas


def test_a_locate_in_a_one_command_process_drops_models(fresh_flags: list[bool]) -> None:
    heap.one_command_process()
    assert not heap.models_used_once()
    heap.investigating_one_photo()
    assert heap.models_used_once()
    assert fresh_flags == [True]


def test_a_locate_in_a_worker_keeps_them(fresh_flags: list[bool]) -> None:
    # a server worker runs its warm-up locate and then the served one in one process
    heap.investigating_one_photo()
    assert not heap.models_used_once()
    assert fresh_flags == []


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's calls")
def test_freed_pages_go_back_to_the_system() -> None:
    def resident_mb() -> float:
        with open("/proc/self/statm") as fh:
            return int(fh.read().split()[1]) * 4096 / 2**20

    # many blocks under the mmap threshold, freed but the last: glibc keeps the pages
    blocks = [ctypes.create_string_buffer(64 * 1024) for _ in range(3000)]
    keep = blocks[-1]
    grown = resident_mb()
    del blocks
    assert heap.return_freed_memory()
    assert resident_mb() < grown - 100
    assert keep.raw[:1] == b"\0"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's calls")
def test_glibc_takes_the_one_arena_setting() -> None:
    import subprocess

    code = "from geosleuth import heap; print(heap.one_arena())"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "True"
