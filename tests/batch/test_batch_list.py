"""'geosleuth batch LIST.txt': photos named one a line, as local paths or URIs read through
fsspec (``file://`` and an in-memory store here: no network), with the local engine."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from geosleuth.batch.sources import is_uri, read_list, uri_name
from geosleuth.cli.app import app
from geosleuth.errors import BadInputError
from geosleuth.testing.photos import render_photo

fsspec = pytest.importorskip("fsspec")


@pytest.fixture
def memory_store() -> Iterator[Any]:
    """fsspec's in-memory store, emptied after the test (it lives as long as the process)."""
    fs = fsspec.filesystem("memory")
    fs.mkdir("/bucket")
    yield fs
    fs.rm("/bucket", recursive=True)


def _rows(out: Path) -> dict[str, dict[str, Any]]:
    return {r["path"]: r for r in map(json.loads, (out / "results.jsonl").read_text().splitlines())}


def _listing(tmp_path: Path, fs: Any) -> tuple[Path, list[str]]:
    photos = tmp_path / "photos"
    render_photo(photos / "a.jpg", size=(96, 64), gps=(48.8584, 2.2945), seed=1)
    render_photo(photos / "b.jpg", size=(96, 64), seed=2)
    render_photo(photos / "c.jpg", size=(96, 64), gps=(35.6586, 139.7454), seed=3)
    render_photo(tmp_path / "d.jpg", size=(96, 64), seed=4)
    fs.pipe("/bucket/photos/d.jpg", (tmp_path / "d.jpg").read_bytes())
    render_photo(tmp_path / "other-a.jpg", size=(96, 64), seed=5)  # another photo named a.jpg
    fs.pipe("/bucket/sub/a.jpg", (tmp_path / "other-a.jpg").read_bytes())
    lines = [
        "photos/a.jpg",  # relative to the list's folder
        str(photos / "b.jpg"),
        (photos / "c.jpg").as_uri(),  # file://
        "memory://bucket/photos/d.jpg",
        "memory://bucket/sub/a.jpg",
        "photos/missing.jpg",
        "memory://bucket/gone.jpg",
        "nosuchscheme://host/e.jpg",
    ]
    listing = tmp_path / "list.txt"
    listing.write_text("# photos of the test\n\n" + "\n".join(lines) + "\n")
    return listing, lines


def test_a_list_of_paths_and_uris_runs_each_once_and_bad_lines_are_error_rows(
    tmp_path: Path, memory_store: Any
) -> None:
    listing, lines = _listing(tmp_path, memory_store)
    out = tmp_path / "out"
    runner = CliRunner()
    done = runner.invoke(app, ["batch", str(listing), "--out", str(out), "-j", "2",
                               "--no-cache"])
    assert done.exit_code == 2, done.output  # the bad lines; the batch went on
    rows = _rows(out)
    assert sorted(rows) == sorted(lines)  # each line once, named as written
    good = lines[:5]
    for line in good:
        row = rows[line]
        assert row["status"] != "error", row
        folder = out / row["case_dir"]
        assert (folder / "case.json").is_file() and (folder / "photo-thumbnail.jpg").is_file()
        assert json.loads((folder / "case.json").read_text())["image"]["path"] == line
    # A URI's case is named after its last path part, and kept apart from a photo of the
    # same name.
    assert rows["memory://bucket/photos/d.jpg"]["case_dir"].startswith("d-")
    assert rows["memory://bucket/sub/a.jpg"]["case_dir"].startswith("a-")
    assert rows["photos/a.jpg"]["case_dir"].startswith("a-")
    assert rows["memory://bucket/sub/a.jpg"]["case_dir"] != rows["photos/a.jpg"]["case_dir"]
    # The URI's bytes were read: the same sha256 as the file it was copied from.
    assert rows["photos/a.jpg"]["lat"] == pytest.approx(48.8584, abs=0.01)  # EXIF read
    assert rows[lines[2]]["lat"] == pytest.approx(35.6586, abs=0.01)  # file://, EXIF read
    errors = {line: rows[line]["error"] for line in lines[5:]}
    assert errors == {
        "photos/missing.jpg": "photos/missing.jpg: cannot read the file (No such file or "
                              "directory)",
        "memory://bucket/gone.jpg": "memory://bucket/gone.jpg: cannot read the file (no such "
                                    "file or object)",
        "nosuchscheme://host/e.jpg": "nosuchscheme://host/e.jpg: cannot read it (Protocol not "
                                     "known: nosuchscheme)",
    }
    assert all(rows[line]["exit_code"] == 2 for line in lines[5:])
    assert not list((tmp_path / "out").glob(".*"))  # no leftovers


def test_a_list_resumes_and_retries_its_errors(tmp_path: Path, memory_store: Any) -> None:
    listing, lines = _listing(tmp_path, memory_store)
    out = tmp_path / "out"
    runner = CliRunner()
    first = runner.invoke(app, ["batch", str(listing), "--out", str(out), "--no-cache"])
    assert first.exit_code == 2, first.output
    before = (out / "results.jsonl").read_text()
    again = runner.invoke(app, ["batch", str(listing), "--out", str(out), "--resume",
                                "--no-cache"])
    assert again.exit_code == 2, again.output  # the errors are still there
    assert "5 done before" in again.output
    assert (out / "results.jsonl").read_text().startswith(before)
    # The missing photo and object appear; --retry-errors runs the lines that failed.
    render_photo(tmp_path / "photos" / "missing.jpg", size=(96, 64), seed=6)
    render_photo(tmp_path / "gone.jpg", size=(96, 64), seed=7)
    memory_store.pipe("/bucket/gone.jpg", (tmp_path / "gone.jpg").read_bytes())
    lines_ok = [line for line in lines if not line.startswith("nosuchscheme")]
    retried = runner.invoke(app, ["batch", str(listing), "--out", str(out), "--resume",
                                  "--retry-errors", "--no-cache"])
    assert retried.exit_code == 2, retried.output  # the unknown scheme is left
    rows = _rows(out)
    assert sorted(rows) == sorted(lines)
    assert all(rows[line]["status"] != "error" for line in lines_ok)
    assert rows["memory://bucket/gone.jpg"]["case_dir"].startswith("gone-")
    assert len([p for p in out.iterdir() if p.is_dir()]) == len(lines_ok)


def test_without_fsspec_a_uri_says_what_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    listing = tmp_path / "list.txt"
    listing.write_text("s3://bucket/a.jpg\n")
    monkeypatch.setitem(sys.modules, "fsspec", None)  # as if fsspec were not installed
    done = CliRunner().invoke(app, ["batch", str(listing), "--out", str(tmp_path / "out")])
    assert done.exit_code == 2, done.output
    assert done.output.strip().splitlines() == [
        f"geosleuth: {listing}: s3://bucket/a.jpg: URIs need fsspec, which is not installed "
        "here: pip install 'geosleuth[remote]'"]
    assert not (tmp_path / "out").exists()


def test_list_usage_errors(tmp_path: Path) -> None:
    runner = CliRunner()
    empty = tmp_path / "empty.txt"
    empty.write_text("# nothing yet\n\n")
    done = runner.invoke(app, ["batch", str(empty), "--out", str(tmp_path / "out")])
    assert done.exit_code == 2 and "empty.txt: no photos listed" in done.output, done.output
    photo = tmp_path / "a.jpg"
    render_photo(photo, size=(96, 64), seed=1)
    done = runner.invoke(app, ["batch", str(photo), "--out", str(tmp_path / "out")])
    assert isinstance(done.exception, BadInputError)  # one line, exit 2, from the app's guard
    assert "a.jpg: not a folder; use 'geosleuth locate'" in str(done.exception)
    (tmp_path / "list.bin").write_bytes(b"\xff\xd8\xff\xe0 a photo, not a list")
    done = runner.invoke(app, ["batch", str(tmp_path / "list.bin"), "--out", str(tmp_path / "o")])
    assert isinstance(done.exception, BadInputError)
    assert "list.bin: not a text file of paths or URIs" in str(done.exception)


def test_list_lines_and_uri_names(tmp_path: Path) -> None:
    listing = tmp_path / "l.txt"
    listing.write_text("\ufeffa.jpg\n  # a comment\n/abs/b.jpg\ns3://b/x/c.jpg\n\nsub/d.png\n")
    entries = read_list(listing, exclude=["*.png"])
    assert entries == [("a.jpg", tmp_path / "a.jpg", None),
                       ("/abs/b.jpg", Path("/abs/b.jpg"), None),
                       ("s3://b/x/c.jpg", None, "s3://b/x/c.jpg")]
    assert is_uri("gs://b/a.jpg") and is_uri("file:///a.jpg") and not is_uri("C:/a.jpg")
    assert uri_name("https://h/p/photo%20one.jpg?x=1#f") == "photo_one.jpg"
    assert uri_name("https://h/") == "photo" and uri_name("s3://b/.hidden") == "hidden"
