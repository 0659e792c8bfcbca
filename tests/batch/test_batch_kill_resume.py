"""A batch killed mid-way (SIGKILL to its whole process group) is finished by --resume,
with every photo exactly once in results.jsonl, summary.csv and all.geojson."""

from __future__ import annotations

import csv
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from geosleuth.testing.photos import render_photo

N_PHOTOS = 10
# Photos with GPS, so each takes a real investigation (fusion of the EXIF position).
PLACES = [(48.8584 + i * 0.01, 2.2945 + i * 0.01) for i in range(N_PHOTOS)]


def _geosleuth(*args: str) -> list[str]:
    return [sys.executable, "-c", "from geosleuth.cli.app import main; main()", *args]


def _rows(out: Path) -> list[dict]:
    path = out / "results.jsonl"
    if not path.exists():
        return []
    rows = []
    for line in path.read_text().splitlines():
        try:
            rows.append(json.loads(line))
        except json.JSONDecodeError:  # a line being written as we read
            continue
    return rows


def test_killed_batch_resumes_with_every_photo_exactly_once(tmp_path: Path) -> None:
    photos = tmp_path / "photos"
    for i, gps in enumerate(PLACES):
        render_photo(photos / f"p{i:02d}.jpg", size=(96, 64), gps=gps, seed=i)
    out = tmp_path / "out"
    env = {**os.environ, "GEOSLEUTH_CACHE": "false"}
    # Killed with worker processes (orphans must not corrupt anything), resumed with threads.
    proc = subprocess.Popen(_geosleuth("batch", str(photos), "--out", str(out), "-j", "2",
                                       "--executor", "process"),
                            env=env, start_new_session=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 300
    try:
        while len(_rows(out)) < 2:
            assert proc.poll() is None, proc.stderr.read().decode() if proc.stderr else ""
            assert time.monotonic() < deadline, "the batch recorded nothing in time"
            time.sleep(0.02)
    finally:
        os.killpg(proc.pid, signal.SIGKILL)  # the parent, its workers and the fork server
        proc.wait()
    done_at_kill = len(_rows(out))
    assert 2 <= done_at_kill < N_PHOTOS, "the batch must be killed mid-way"

    # A kill inside a write leaves a torn last line; make sure resume copes with one.
    with (out / "results.jsonl").open("ab") as fh:
        fh.write(b'{"schema": "geosleuth.batch-row/1", "path": "p0')
    with (out / "summary.csv").open("ab") as fh:
        fh.write(b"p03.jpg,abc")

    resumed = subprocess.run(_geosleuth("batch", str(photos), "--out", str(out), "-j", "2",
                                        "--resume"),
                             env=env, capture_output=True, text=True, timeout=600)
    assert resumed.returncode == 0, resumed.stderr
    assert "done before" in resumed.stderr

    expected = sorted(f"p{i:02d}.jpg" for i in range(N_PHOTOS))
    rows = _rows(out)
    assert sorted(r["path"] for r in rows) == expected  # each exactly once
    assert all(r["status"] == "answered" for r in rows)
    text = (out / "results.jsonl").read_text()
    assert text.endswith("\n") and text.count("\n") == N_PHOTOS
    with (out / "summary.csv").open(newline="") as fh:
        csv_rows = list(csv.DictReader(fh))
    assert sorted(r["path"] for r in csv_rows) == expected
    geojson = json.loads((out / "all.geojson").read_text())
    assert sorted(f["properties"]["path"] for f in geojson["features"]) == expected
    cases = [p for p in out.iterdir() if p.is_dir() and not p.name.startswith(".")]
    assert len(cases) == N_PHOTOS
    assert not [p.name for p in out.iterdir() if p.name.startswith(".")]  # no leftovers
