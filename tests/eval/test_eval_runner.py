"""evaluate(): a batch over a dataset, scored and reported; 'eval' and 'eval compare' commands."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from geosleuth.cli.app import app
from geosleuth.eval.adapters import load_dataset
from geosleuth.eval.compare import compare_runs
from geosleuth.eval.runner import evaluate
from geosleuth.settings import load_settings
from geosleuth.testing.photos import render_photo

# (file, EXIF GPS written into the photo, ground truth): the truth of the first two is
# 0.01° of latitude (about 1.11 km) north of their EXIF position.
PHOTOS = (
    ("a.jpg", (48.8584, 2.2945), (48.8684, 2.2945)),
    ("b.jpg", (35.6586, 139.7454), (35.6686, 139.7454)),
    ("c.jpg", (-33.8568, 151.2153), (-33.8568, 151.2153)),
)


@pytest.fixture
def dataset(tmp_path: Path) -> Path:
    lines = ["image,lat,lon,country,scene"]
    for i, (name, gps, truth) in enumerate(PHOTOS):
        render_photo(tmp_path / "imgs" / name, size=(96, 64), gps=gps, seed=i)
        lines.append(f"imgs/{name},{truth[0]},{truth[1]},,street")
    render_photo(tmp_path / "imgs" / "plain.jpg", size=(96, 64), seed=7)
    lines.append("imgs/plain.jpg,,,IT,indoor")
    path = tmp_path / "ds.csv"
    path.write_text("\n".join(lines) + "\n")
    return path


def test_evaluate_scores_and_writes_the_report(dataset: Path, tmp_path: Path) -> None:
    settings = load_settings({"cache": False})[0]
    out = tmp_path / "run"
    result = evaluate(load_dataset(dataset), out, settings, by=("scene",))
    m = result.document["metrics"]
    assert m["n"] == 4 and m["n_with_point"] == 3 and m["n_answered"] == 3
    errors = sorted(s.error_km for s in result.scores if s.error_km is not None)
    assert errors[0] == pytest.approx(0.0, abs=0.01)
    assert errors[1:] == pytest.approx([1.11, 1.11], abs=0.01)
    assert m["accuracy_km"]["0.5"] == pytest.approx(1 / 3)
    assert m["accuracy_km"]["2"] == pytest.approx(1.0)
    assert m["country_accuracy"] == 0.0  # the plain photo gets no answer
    assert set(result.document["by_label"]["scene"]) == {"street", "indoor"}

    saved = json.loads((out / "metrics.json").read_text())
    assert saved["schema"] == "geosleuth.eval/1"
    assert saved["metrics"]["accuracy_km"] == m["accuracy_km"]
    summary = (out / "summary.md").read_text()
    assert "| photos | answered | ≤0.5 km |" in summary and "## Calibration" in summary
    assert "## By scene" in summary and "| street | 3 | 100.0 % |" in summary
    with (out / "per_photo.csv").open(newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert [r["id"] for r in rows] == ["imgs/a.jpg", "imgs/b.jpg", "imgs/c.jpg", "imgs/plain.jpg"]
    for png in ("error_distribution.png", "reliability.png", "error_map.png"):
        assert (out / png).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert (out / "results.jsonl").is_file()  # the batch summaries live beside the report


def test_eval_and_compare_commands(dataset: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    with_meta = runner.invoke(app, ["eval", str(dataset), "--out", str(tmp_path / "a"),
                                    "--no-plots", "--no-cache"])
    assert with_meta.exit_code == 0, with_meta.output
    hidden = runner.invoke(app, ["eval", str(dataset), "--out", str(tmp_path / "b"),
                                 "--ignore-metadata", "--no-plots", "--no-cache"])
    assert hidden.exit_code == 0, hidden.output
    b = json.loads((tmp_path / "b" / "metrics.json").read_text())
    assert b["run"]["ignore_metadata"] is True
    assert b["metrics"]["answered_share"] == 0.0  # the rendered photos hold no other clue

    cmp = compare_runs(tmp_path / "a", tmp_path / "b")
    answered = next(r for r in cmp["metrics"] if r["metric"] == "answered")
    assert answered["a"] == pytest.approx(0.75) and answered["b"] == 0.0
    assert answered["better"] == "A"
    assert cmp["paired"]["answered_only_by_a"] == 3

    shown = runner.invoke(app, ["eval", "compare", str(tmp_path / "a"), str(tmp_path / "b"),
                                "--markdown"])
    assert shown.exit_code == 0, shown.output
    assert "| answered | 75.0 % | 0.0 % | -75.0 pt | A |" in shown.output


def test_compare_needs_eval_folders(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["eval", "compare", str(tmp_path), str(tmp_path)])
    assert result.exit_code != 0


def test_a_report_without_any_answer_is_still_complete(tmp_path: Path) -> None:
    from geosleuth.eval.datasets import DatasetItem
    from geosleuth.eval.metrics import compute_metrics, score_photo
    from geosleuth.eval.report import write_report

    scores = [score_photo(DatasetItem("a", Path("a"), 10.0, 20.0, "FR"), None),
              score_photo(DatasetItem("b", Path("b"), None, None, "DE"),
                          {"status": "no_answer", "lat": None, "lon": None})]
    metrics = compute_metrics(scores)
    assert metrics["n_missing"] == 1 and metrics["calibration"]["ece"] is None
    document = {"dataset": {"name": "x", "path": "x.csv", "format": "generic", "items": 2},
                "run": {"backend": "offline", "ignore_metadata": True, "steps": 1, "paths": 1,
                        "geosleuth_version": "0"},
                "metrics": metrics}
    write_report(tmp_path, document, scores)
    assert {p.name for p in tmp_path.iterdir()} >= {
        "metrics.json", "summary.md", "per_photo.csv", "per_photo.jsonl",
        "error_distribution.png", "reliability.png", "error_map.png"}
    assert "ECE –" in (tmp_path / "summary.md").read_text()
