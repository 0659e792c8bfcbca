"""The Ray engine's choices that need no cluster: what it says without Ray, its flags, how it
cuts the work, and how a node that differs from the driver is named."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from geosleuth.batch import BatchTask, run_batch
from geosleuth.batch.ray_engine import identity_problem, shard_size, split_threads
from geosleuth.cli.app import app
from geosleuth.errors import BadInputError
from geosleuth.settings import Settings
from geosleuth.testing.photos import render_photo


def test_without_ray_the_engine_says_what_to_install(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, settings: Settings
) -> None:
    monkeypatch.setitem(sys.modules, "ray", None)  # as if Ray were not installed
    render_photo(tmp_path / "photos" / "a.jpg", size=(96, 64), seed=1)
    for command in (["batch", str(tmp_path / "photos")], ["eval", str(tmp_path / "x.csv")]):
        done = CliRunner().invoke(app, [*command, "--engine", "ray", "--out",
                                        str(tmp_path / "out")])
        assert done.exit_code == 2, done.output
        lines = done.output.strip().splitlines()
        assert lines == ["geosleuth: --engine ray needs Ray, which is not installed here: "
                         "pip install 'geosleuth[ray]'"]
    with pytest.raises(BadInputError, match=r"geosleuth\[ray\]"):
        run_batch([BatchTask(tmp_path / "photos" / "a.jpg", "a.jpg")], settings.out, settings,
                  engine="ray")
    assert not (settings.out / "results.jsonl").exists()  # refused before anything was written


def test_ray_flags_need_the_ray_engine(tmp_path: Path) -> None:
    render_photo(tmp_path / "a.jpg", size=(96, 64), seed=1)
    for flags, message in ((["--address", "auto"], "--address needs --engine ray"),
                           (["--workers", "2", "--shard-size", "4"],
                            "--workers, --shard-size need --engine ray"),
                           (["--engine", "spark"], "--engine must be local or ray")):
        done = CliRunner().invoke(app, ["batch", str(tmp_path), *flags])
        assert done.exit_code == 2 and message in done.output, done.output


def test_the_work_is_cut_in_shards_and_threads() -> None:
    assert split_threads(8, 2) == [4, 4]
    assert split_threads(5, 2) == [3, 2]  # never more photos at once than --jobs
    assert split_threads(2, 2) == [1, 1]
    # About four shards per worker, no fewer photos than a worker's threads, at most 64.
    assert shard_size(100, 2, 1, None) == 13
    assert shard_size(10, 2, 1, None) == 2
    assert shard_size(16, 1, 8, None) == 8
    assert shard_size(210_000, 40, 1, None) == 64
    assert shard_size(3, 4, 1, None) == 1
    assert shard_size(100, 2, 1, 5) == 5


def test_a_node_that_differs_from_the_driver_is_named() -> None:
    driver = {"version": "0.1.0", "code": "abc-def", "tools": ["ocr_signage 1.0", "zoom 1.0"],
              "maps": ["monaco (1200 features)"]}
    assert identity_problem(dict(driver), driver, "node-1") is None
    other_code = identity_problem({**driver, "code": "abc-xyz"}, driver, "node-1")
    assert other_code is not None and "node-1 runs other geosleuth code" in other_code
    no_maps = identity_problem({**driver, "maps": []}, driver, "node-2")
    assert no_maps == ("the worker on node-2 has other maps than the driver (missing monaco "
                       "(1200 features)); import the same regions on every node (geosleuth "
                       "maps import), or point GEOSLEUTH_DATA_DIR at a copy")
    tools = identity_problem({**driver, "tools": ["ocr_signage 1.0 (unavailable)", "zoom 1.0"]},
                             driver, "node-3")
    assert tools is not None
    assert "missing ocr_signage 1.0; extra ocr_signage 1.0 (unavailable)" in tools
