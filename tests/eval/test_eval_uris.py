"""'geosleuth eval' over a dataset whose image column holds URIs (read through fsspec: an
in-memory store and file:// here, no network) as well as paths."""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from geosleuth.cli.app import app
from geosleuth.eval.adapters import load_dataset
from geosleuth.testing.photos import render_photo

fsspec = pytest.importorskip("fsspec")


@pytest.fixture
def memory_store() -> Iterator[Any]:
    fs = fsspec.filesystem("memory")
    fs.mkdir("/evalbucket")
    yield fs
    fs.rm("/evalbucket", recursive=True)


def test_eval_reads_uris_in_the_image_column(tmp_path: Path, memory_store: Any) -> None:
    render_photo(tmp_path / "imgs" / "a.jpg", size=(96, 64), gps=(48.8584, 2.2945), seed=1)
    render_photo(tmp_path / "imgs" / "b.jpg", size=(96, 64), gps=(35.6586, 139.7454), seed=2)
    render_photo(tmp_path / "c.jpg", size=(96, 64), gps=(-33.8568, 151.2153), seed=3)
    memory_store.pipe("/evalbucket/set/c.jpg", (tmp_path / "c.jpg").read_bytes())
    b_uri = (tmp_path / "imgs" / "b.jpg").as_uri()
    dataset = tmp_path / "ds.csv"
    dataset.write_text("image,lat,lon\n"
                       "imgs/a.jpg,48.8584,2.2945\n"
                       f"{b_uri},35.6586,139.7454\n"
                       "memory://evalbucket/set/c.jpg,-33.8568,151.2153\n"
                       "memory://evalbucket/set/gone.jpg,0,0\n")
    items = load_dataset(dataset).items
    assert [i.uri for i in items] == [None, b_uri, "memory://evalbucket/set/c.jpg",
                                      "memory://evalbucket/set/gone.jpg"]
    out = tmp_path / "run"
    done = CliRunner().invoke(app, ["eval", str(dataset), "--out", str(out), "--no-plots",
                                    "--no-cache", "-j", "2"])
    assert done.exit_code == 0, done.output  # the eval ran; the missing object is an error row
    assert "cannot read the file (no such file or object)" in done.output
    metrics = json.loads((out / "metrics.json").read_text())["metrics"]
    assert metrics["n"] == 4 and metrics["n_answered"] == 3
    assert metrics["accuracy_km"]["1"] == pytest.approx(3 / 4)  # EXIF read from each URI
    with (out / "per_photo.csv").open(newline="") as fh:
        rows = {r["id"]: r for r in csv.DictReader(fh)}
    assert rows["memory://evalbucket/set/c.jpg"]["status"] == "answered"
    assert rows["memory://evalbucket/set/gone.jpg"]["status"] == "error"


def test_eval_without_fsspec_names_what_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    dataset = tmp_path / "ds.csv"
    dataset.write_text("image,lat,lon\ns3://bucket/a.jpg,1,2\n")
    monkeypatch.setitem(sys.modules, "fsspec", None)
    done = CliRunner().invoke(app, ["eval", str(dataset), "--out", str(tmp_path / "out")])
    assert done.exit_code == 2, done.output
    assert done.output.strip().splitlines() == [
        f"geosleuth: {dataset}: s3://bucket/a.jpg: URIs need fsspec, which is not installed "
        "here: pip install 'geosleuth[remote]'"]
