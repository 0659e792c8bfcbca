"""A case folder the OS refuses (full disk, read-only folder) is an "io" row of its own:
the case is kept elsewhere, the batch goes on, and --resume runs the photo again."""

from __future__ import annotations

import csv
import errno
import json
from pathlib import Path

import pytest

import geosleuth.cases.folder as folder_module
from geosleuth.batch import BatchTask, find_images, run_batch
from geosleuth.settings import Settings


def _tasks(root: Path) -> list[BatchTask]:
    return [BatchTask(p, p.relative_to(root).as_posix()) for p in find_images(root)]


def test_a_full_disk_for_one_photo_is_an_io_row_that_resume_retries(
    photo_dir: Path, settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out, unsaved = settings.out, tmp_path / "unsaved"
    real = folder_module._write_files

    def full_disk_for_paris(record: dict, tmp: Path, *args: object) -> None:
        if tmp.parent == out and record["image"]["path"] == "paris.jpg":
            raise OSError(errno.ENOSPC, "No space left on device")
        real(record, tmp, *args)

    monkeypatch.setattr(folder_module, "_write_files", full_disk_for_paris)
    monkeypatch.setattr(folder_module, "unsaved_dir", lambda cache_dir: unsaved)
    first = run_batch(_tasks(photo_dir), out, settings)
    by_path = {r["path"]: r for r in first.rows}
    paris = by_path["paris.jpg"]
    assert paris["status"] == "error" and paris["error_kind"] == "io"
    assert paris["exit_code"] == 2 and paris["case_dir"] is None
    assert "No space left on device" in paris["error"] and "--resume" in paris["error"]
    assert "internal error" not in paris["error"]
    assert paris["lat"] is not None  # the verdict is in the row all the same
    # The case itself is kept under the cache folder, and the message says where.
    [kept] = unsaved.iterdir()
    assert str(kept) in paris["error"]
    assert json.loads((kept / "case.json").read_text())["image"]["path"] == "paris.jpg"
    # The batch went on; the exit code says a photo failed, and not as a bug.
    assert {by_path[p]["status"] for p in ("sub/tokyo.png", "sub/deeper/plain.jpg")} == {
        "answered", "no_answer"}
    assert first.ran == 3 and first.failed == 1 and first.exit_code == 2
    with (out / "summary.csv").open(newline="") as fh:
        kinds = {r["path"]: r["error_kind"] for r in csv.DictReader(fh)}
    assert kinds == {"paris.jpg": "io", "sub/tokyo.png": "", "sub/deeper/plain.jpg": ""}

    monkeypatch.setattr(folder_module, "_write_files", real)  # space again
    resumed = run_batch(_tasks(photo_dir), out, settings, resume=True)  # no --retry-errors
    assert resumed.ran == 1 and resumed.skipped == 2 and resumed.exit_code == 0
    rows = [json.loads(line) for line in (out / "results.jsonl").read_text().splitlines()]
    assert sorted(r["path"] for r in rows) == ["paris.jpg", "sub/deeper/plain.jpg",
                                              "sub/tokyo.png"]  # each once
    paris = next(r for r in rows if r["path"] == "paris.jpg")
    assert paris["status"] == "answered" and paris["error_kind"] is None
    assert (out / paris["case_dir"] / "case.json").is_file()
    cases = [p for p in out.iterdir() if p.is_dir() and not p.name.startswith(".")]
    assert len(cases) == 3


def test_other_errors_are_still_retried_only_on_request(
    photo_dir: Path, settings: Settings
) -> None:
    (photo_dir / "broken.jpg").write_bytes(b"not a jpeg")
    first = run_batch(_tasks(photo_dir), settings.out, settings)
    broken = next(r for r in first.rows if r["path"] == "broken.jpg")
    assert broken["error_kind"] == "input"
    assert run_batch(_tasks(photo_dir), settings.out, settings, resume=True).ran == 0


def test_a_journal_the_disk_cannot_take_stops_the_batch_with_one_line(
    photo_dir: Path, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    from geosleuth.batch.journal import AppendLog
    from geosleuth.errors import BadInputError

    out = settings.out
    real = AppendLog.append
    appended: list[str] = []

    def full_after_one_row(self: AppendLog, line: str) -> None:
        if self.path.name == "results.jsonl":
            if appended:
                raise OSError(errno.ENOSPC, "No space left on device")
            appended.append(line)
        real(self, line)

    monkeypatch.setattr(AppendLog, "append", full_after_one_row)
    with pytest.raises(BadInputError) as stopped:
        run_batch(_tasks(photo_dir), out, settings)
    message = str(stopped.value)
    assert message.startswith(f"{out / 'results.jsonl'}: cannot write the batch's summaries")
    assert "No space left on device" in message and "--resume" in message
    assert "\n" not in message

    monkeypatch.setattr(AppendLog, "append", real)
    resumed = run_batch(_tasks(photo_dir), out, settings, resume=True)
    assert resumed.skipped == 1 and resumed.ran == 2 and resumed.exit_code == 0
    paths = [r["path"] for r in resumed.rows]
    assert sorted(paths) == ["paris.jpg", "sub/deeper/plain.jpg", "sub/tokyo.png"]
    # The photo whose row was refused had its folder written: resume replaced it.
    assert len([p for p in out.iterdir() if p.is_dir() and not p.name.startswith(".")]) == 3
