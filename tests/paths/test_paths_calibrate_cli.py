"""``geosleuth calibrate``: fit a map on an eval run's rows; the settings load it."""

from __future__ import annotations

import json
from pathlib import Path

from geosleuth.paths.confidence import CalibrationMap
from geosleuth.testing.cli import run_cli as geosleuth


def test_calibrate_an_eval_run(tmp_path: Path) -> None:
    run = tmp_path / "eval"
    run.mkdir()
    rows = ([{"id": str(i), "confidence": 0.9, "within_radius": i % 2 == 0} for i in range(10)]
            + [{"id": f"b{i}", "confidence": 0.3, "within_radius": i < 3} for i in range(10)])
    (run / "per_photo.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    done = geosleuth("calibrate", str(run), "--out", "map.json", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "20 answered photos" in done.stdout
    cmap = CalibrationMap.load(tmp_path / "map.json")
    assert cmap.apply(0.9) == 0.5 and cmap.apply(0.3) == 0.3
    hist = geosleuth("calibrate", str(run / "per_photo.jsonl"), "-o", "h.json",
                     "--method", "histogram", cwd=tmp_path)
    assert hist.returncode == 0 and CalibrationMap.load(tmp_path / "h.json").method == "histogram"


def test_calibrate_bad_input(tmp_path: Path) -> None:
    missing = geosleuth("calibrate", "nowhere", cwd=tmp_path)
    assert missing.returncode == 2 and "eval output folder" in missing.stderr
    assert len(missing.stderr.strip().splitlines()) == 1
    method = geosleuth("calibrate", ".", "--method", "magic", cwd=tmp_path)
    assert method.returncode == 2 and "isotonic or histogram" in method.stderr
    (tmp_path / "per_photo.jsonl").write_text('{"confidence": 0.5, "within_radius": true}\n')
    few = geosleuth("calibrate", ".", cwd=tmp_path)
    assert few.returncode == 2 and "at least two" in few.stderr
