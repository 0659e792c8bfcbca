"""run_batch: case folders and summaries, bad images, duplicates, resume, pools of workers."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from geosleuth.batch import BatchTask, find_images, run_batch
from geosleuth.errors import BadInputError
from geosleuth.settings import Settings


def _tasks(root: Path) -> list[BatchTask]:
    return [BatchTask(p, p.relative_to(root).as_posix()) for p in find_images(root)]


def _summaries(out: Path) -> tuple[list[dict], list[dict], dict]:
    rows = [json.loads(line) for line in (out / "results.jsonl").read_text().splitlines()]
    with (out / "summary.csv").open(newline="") as fh:
        csv_rows = list(csv.DictReader(fh))
    geojson = json.loads((out / "all.geojson").read_text())
    return rows, csv_rows, geojson


def test_batch_writes_a_case_folder_and_a_row_per_photo(
    photo_dir: Path, settings: Settings
) -> None:
    (photo_dir / "broken.jpg").write_bytes(b"not a jpeg at all")
    out = settings.out
    outcome = run_batch(_tasks(photo_dir), out, settings)
    rows, csv_rows, geojson = _summaries(out)
    by_path = {r["path"]: r for r in rows}
    assert sorted(by_path) == ["broken.jpg", "paris.jpg", "sub/deeper/plain.jpg", "sub/tokyo.png"]
    assert [r["path"] for r in csv_rows] == [r["path"] for r in rows]
    assert len(geojson["features"]) == 4

    paris = by_path["paris.jpg"]
    assert paris["status"] == "answered"
    assert paris["lat"] == pytest.approx(48.8584, abs=1e-3)
    assert paris["lon"] == pytest.approx(2.2945, abs=1e-3)
    case = json.loads((out / paris["case_dir"] / "case.json").read_text())
    assert case["image"]["sha256"] == paris["sha256"]
    assert case["image"]["path"] == "paris.jpg"
    assert (out / paris["case_dir"] / "report.md").is_file()

    assert by_path["sub/deeper/plain.jpg"]["status"] == "no_answer"
    broken = by_path["broken.jpg"]
    assert broken["status"] == "error"
    assert broken["exit_code"] == 2
    assert "not an image" in broken["error"]
    assert broken["case_dir"] is None
    # One bad image: the batch went on, and the exit code says a photo failed.
    assert outcome.ran == 4 and outcome.failed == 1
    assert outcome.exit_code == 2

    points = [f for f in geojson["features"] if f["geometry"]]
    assert {f["properties"]["path"] for f in points} == {"paris.jpg", "sub/tokyo.png"}
    tokyo = next(f for f in points if f["properties"]["path"] == "sub/tokyo.png")
    assert tokyo["geometry"]["coordinates"] == pytest.approx([139.7454, 35.6586], abs=1e-3)


def test_an_existing_batch_is_not_overwritten_without_resume(
    photo_dir: Path, settings: Settings
) -> None:
    run_batch(_tasks(photo_dir), settings.out, settings)
    with pytest.raises(BadInputError, match="--resume"):
        run_batch(_tasks(photo_dir), settings.out, settings)


def test_resume_runs_only_new_photos_and_retries_errors_on_request(
    photo_dir: Path, settings: Settings
) -> None:
    from geosleuth.testing.photos import render_photo

    (photo_dir / "broken.jpg").write_bytes(b"garbage")
    first = run_batch(_tasks(photo_dir), settings.out, settings)
    assert first.ran == 4

    render_photo(photo_dir / "new.jpg", size=(96, 64), gps=(-33.8568, 151.2153), seed=9)
    again = run_batch(_tasks(photo_dir), settings.out, settings, resume=True)
    assert again.ran == 1 and again.skipped == 4
    assert again.rows[-1]["path"] == "new.jpg"

    retried = run_batch(_tasks(photo_dir), settings.out, settings, resume=True,
                        retry_errors=True)
    assert retried.ran == 1  # only the broken one
    rows, csv_rows, geojson = _summaries(settings.out)
    paths = [r["path"] for r in rows]
    assert sorted(paths) == sorted(set(paths)) and len(paths) == 5  # each photo once
    assert len(csv_rows) == 5 and len(geojson["features"]) == 5


def test_same_bytes_under_two_names_run_once(photo_dir: Path, settings: Settings) -> None:
    (photo_dir / "copy.jpg").write_bytes((photo_dir / "paris.jpg").read_bytes())
    outcome = run_batch(_tasks(photo_dir), settings.out, settings)
    assert outcome.ran == 3
    assert outcome.duplicates == [("paris.jpg", "copy.jpg")]


@pytest.mark.parametrize("executor", ["process", "thread"])
def test_a_pool_of_two_workers_gives_the_same_rows(
    photo_dir: Path, settings: Settings, executor: str
) -> None:
    seen: list[int] = []
    outcome = run_batch(_tasks(photo_dir), settings.out, settings, jobs=2, executor=executor,
                        on_progress=lambda p: seen.append(p.done))
    assert outcome.executor == executor
    rows, _, _ = _summaries(settings.out)
    statuses = {r["path"]: r["status"] for r in rows}
    assert statuses == {"paris.jpg": "answered", "sub/tokyo.png": "answered",
                        "sub/deeper/plain.jpg": "no_answer"}
    assert seen[-1] == 3
    assert outcome.exit_code == 0


def test_a_file_that_cannot_be_read_is_an_error_row_kept_on_resume(
    photo_dir: Path, settings: Settings
) -> None:
    tasks = [*_tasks(photo_dir), BatchTask(photo_dir / "gone.jpg", "gone.jpg")]
    first = run_batch(tasks, settings.out, settings)
    gone = next(r for r in first.rows if r["path"] == "gone.jpg")
    assert gone["status"] == "error" and "cannot read" in gone["error"]
    resumed = run_batch(tasks, settings.out, settings, resume=True)
    assert resumed.ran == 0 and resumed.dropped_lines == 0
    retried = run_batch(tasks, settings.out, settings, resume=True, retry_errors=True)
    assert retried.ran == 1
    assert [r["path"] for r in retried.rows].count("gone.jpg") == 1


def test_ctrl_c_keeps_what_finished_and_resume_completes(
    photo_dir: Path, settings: Settings
) -> None:
    def interrupt_after_first(progress: object) -> None:
        if getattr(progress, "done", 0) == 1:
            raise KeyboardInterrupt

    stopped = run_batch(_tasks(photo_dir), settings.out, settings,
                        on_progress=interrupt_after_first)
    assert stopped.interrupted and stopped.exit_code == 130
    rows, csv_rows, geojson = _summaries(settings.out)
    assert len(rows) == len(csv_rows) == len(geojson["features"]) == 1
    finished = run_batch(_tasks(photo_dir), settings.out, settings, resume=True)
    assert not finished.interrupted and finished.ran == 2 and finished.skipped == 1
    rows, csv_rows, geojson = _summaries(settings.out)
    assert sorted(r["path"] for r in rows) == sorted(r["path"] for r in csv_rows) == [
        "paris.jpg", "sub/deeper/plain.jpg", "sub/tokyo.png"]
    assert len(geojson["features"]) == 3
