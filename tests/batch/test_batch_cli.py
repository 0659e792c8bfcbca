"""The 'geosleuth batch' command: exit codes, summaries, usage errors."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from geosleuth.cli.app import app
from geosleuth.testing.photos import render_photo


def test_batch_command_exit_codes_and_output(tmp_path: Path) -> None:
    photos = tmp_path / "photos"
    render_photo(photos / "a.jpg", size=(96, 64), seed=1)
    render_photo(photos / "skip" / "b.jpg", size=(96, 64), seed=2)
    out = tmp_path / "out"
    runner = CliRunner()
    ok = runner.invoke(app, ["batch", str(photos), "--out", str(out), "--exclude", "skip/*",
                             "--no-cache"])
    assert ok.exit_code == 0, ok.output
    assert (out / "results.jsonl").read_text().count("\n") == 1
    assert "1 photos in the summaries" in ok.output

    (photos / "broken.jpg").write_bytes(b"nope")
    again = runner.invoke(app, ["batch", str(photos), "--out", str(out), "--resume",
                                "--no-cache"])
    assert again.exit_code == 2  # a bad image: the batch went on, the exit code says so
    assert "failed broken.jpg" in again.output
    assert (out / "results.jsonl").read_text().count("\n") == 3


def test_batch_usage_errors(tmp_path: Path) -> None:
    runner = CliRunner()
    (tmp_path / "empty").mkdir()
    empty = runner.invoke(app, ["batch", str(tmp_path / "empty"), "--out", str(tmp_path / "o")])
    assert empty.exit_code == 2 and "no images found" in empty.output
    retry = runner.invoke(app, ["batch", str(tmp_path), "--retry-errors"])
    assert retry.exit_code == 2 and "--retry-errors needs --resume" in retry.output
