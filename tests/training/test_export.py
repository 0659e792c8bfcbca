"""'geosleuth export' from an eval run of a scripted model server: every format, the filters,
embedded images, old and offline cases, and bad input."""

from __future__ import annotations

import base64
import io
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from geosleuth.testing.cli import run_cli
from geosleuth.training import rewards as R
from geosleuth.training.export import Filters
from geosleuth.training.export import export as run_export


def rows(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def export(source: Path, out: Path, *args: str) -> Any:
    proc = run_cli("export", str(source), "--out", str(out), *args)
    assert proc.returncode == 0, proc.stderr
    return proc


@pytest.fixture(scope="module")
def exported(eval_run: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("export")
    proc = export(eval_run, out)
    assert "Exported 6 of 6 paths from 2 cases" in proc.stdout
    return out


def test_every_path_is_a_trajectory_with_its_own_reward(
    exported: Path, truths: set[tuple[float, float]]
) -> None:
    ts = rows(exported / "trajectories.jsonl")
    assert len(ts) == 6 and {t["schema"] for t in ts} == {"geosleuth.trajectory/1"}
    by_group: dict[str, list[dict[str, Any]]] = {}
    for t in ts:
        by_group.setdefault(t["group"], []).append(t)
    assert len(by_group) == 2
    for group in by_group.values():
        assert sorted(t["path"] for t in group) == [0, 1, 2]
        assert sum(t["chosen"] for t in group) == 1  # the verifier's pick, and the others
        p0, p1, p2 = sorted(group, key=lambda t: t["path"])
        truth = (p0["truth"]["lat"], p0["truth"]["lon"])
        assert truth in truths
        # 0.05 and 0.2 degrees of latitude north of the truth: about 5.56 and 22.2 km.
        assert p0["distance_km"] == pytest.approx(0.0, abs=0.01)
        assert p1["distance_km"] == pytest.approx(5.55, abs=0.05)
        assert p2["distance_km"] == pytest.approx(22.2, abs=0.2)
        assert [t["rewards"]["twm"] for t in (p0, p1, p2)] == [1.0, 0.6, 0.4]
        assert p1["rewards"]["geoscore"] == pytest.approx(
            R.geoscore_reward(p1["distance_km"]))
        assert (p0["tool_errors"], p2["tool_errors"]) == (0, 1)
        assert (p0["rewards"]["tool_use"], p2["rewards"]["tool_use"]) == (1.0, 0.5)
        assert p0["rewards"]["reverse"] == pytest.approx(1.0)
        assert p2["rewards"]["reverse"] == pytest.approx(
            0.6 * R.reverse_accuracy(p2["distance_km"]) + 0.1 + 0.3 * 0.5)
        for t in group:
            assert t["backend"]["name"] == "scripted" and t["backend"]["model"] == "scripted-vlm"
            assert t["system_prompt_source"] == "current (same prompts version)"
            assert t["tools_source"] == "current, the same as the case's"
            assert {"exif_metadata", "submit_verdict", "conclude"} <= set(t["tools"])
            first = t["steps"][0]
            assert first["request"]["tools"][-2:] == ["submit_verdict", "conclude"]
            assert first["request"]["images"][0]["label"] == "photo"
            assert "Step 1 of 4." in "".join(p.get("text", "") for p in first["request"]["user"])
            assert first["reply"]["tool_calls"][0]["name"] == "exif_metadata"
            assert first["observations"][0]["evidence"][0]["summary"]
            assert Path(t["image"]["path"]).is_file()
        assert p2["steps"][0]["observations"][1]["error"].startswith("unknown tool 'teleport'")


def test_sft_rows_are_chat_messages_with_images_as_files(exported: Path) -> None:
    text = (exported / "sft.jsonl").read_text(encoding="utf-8")
    assert "data:image" not in text  # no pixels unless --embed-images
    sft = rows(exported / "sft.jsonl")
    assert len(sft) == 6
    for row in sft:
        roles = [m["role"] for m in row["messages"]]
        assert roles[0] == "system" and roles[1:] == ["user", "assistant"] * (len(roles) // 2)
        placeholders = sum(p["type"] == "image" for m in row["messages"] for p in m["content"])
        assert placeholders == len(row["images"]) == len(row["image_crops"]) >= 2
        assert all(Path(p).is_file() for p in row["images"])
        calls = [c for m in row["messages"] for c in m.get("tool_calls", [])]
        assert calls[0]["function"]["name"] == "exif_metadata"
        submit = [c for c in calls if c["function"]["name"] == "submit_verdict"]
        assert "lat" in json.loads(submit[-1]["function"]["arguments"])
        tools = json.loads(row["tools"])
        assert {t["function"]["name"] for t in tools} >= {"exif_metadata", "submit_verdict"}
    assert (exported / "export.json").is_file()


def test_per_step_sft_rows_are_one_request_and_its_reply(eval_run: Path, tmp_path: Path
                                                        ) -> None:
    export(eval_run, tmp_path, "--format", "sft", "--per-step")
    sft = rows(tmp_path / "sft.jsonl")
    steps = sum(len(t["steps"]) for t in rows_of_json(eval_run, tmp_path / "json"))
    assert len(sft) == steps
    for row in sft:
        assert [m["role"] for m in row["messages"]] == ["system", "user", "assistant"]
        assert len(row["images"]) == 1 and row["id"].rsplit("-s", 1)[1].isdigit()


def rows_of_json(eval_run: Path, out: Path) -> list[dict[str, Any]]:
    export(eval_run, out, "--format", "json")
    return rows(out / "trajectories.jsonl")


def test_rl_rows_carry_the_ground_truth_and_the_group(
    exported: Path, truths: set[tuple[float, float]]
) -> None:
    rl = rows(exported / "rl.jsonl")
    assert len(rl) == 6
    for row in rl:
        assert [m["role"] for m in row["prompt"]] == ["system", "user"]
        truth = row["ground_truth"]
        assert (truth["lat"], truth["lon"]) in truths
        assert json.loads(row["reward_model"]["ground_truth"]) == truth
        assert row["reward_model"]["style"] == "rule" and row["data_source"] == "geosleuth"
        # The exported answer, scored by the trainer's callback, gives the row's reward.
        assert R.reward([row["answer"]], [truth]) == [row["reward"]]
    assert len({r["group"] for r in rl}) == 2


def test_parquet(eval_run: Path, tmp_path: Path) -> None:
    pq = pytest.importorskip("pyarrow.parquet")
    export(eval_run, tmp_path, "--format", "rl", "--parquet")
    table = pq.read_table(tmp_path / "rl.parquet").to_pylist()
    assert len(table) == 6 and table[0]["ground_truth"]["lat"] is not None
    assert not (tmp_path / "sft.jsonl").exists()


@pytest.mark.parametrize(("filters", "kept"), [
    ({"no_tool_errors": True}, 4), ({"max_km": 10.0}, 4), ({"min_reward": 0.7}, 2),
    ({"min_reward": 0.9, "reward": "geoscore"}, 6), ({"backends": ("openai",)}, 0),
    ({"models": ("scripted-vlm",)}, 6), ({"max_km": 1.0, "no_tool_errors": True}, 2),
])
def test_filters(eval_run: Path, tmp_path: Path, filters: dict[str, Any], kept: int) -> None:
    result = run_export([eval_run], tmp_path, formats=("json",), filters=Filters(**filters))
    assert (result.paths, result.kept) == (6, kept)
    assert len(rows(tmp_path / "trajectories.jsonl")) == kept
    assert sum(result.left_out.values()) == 6 - kept


def test_filters_on_the_command_line(eval_run: Path, tmp_path: Path) -> None:
    proc = export(eval_run, tmp_path, "--format", "json", "--min-reward", "0.5", "--reward",
                  "twm", "--max-km", "10", "--no-tool-errors", "--backend", "scripted",
                  "--model", "scripted-vlm")
    assert "Exported 4 of 6 paths" in proc.stdout and "left out 2: tool errors" in proc.stdout


def test_embedded_images_are_the_photo_as_the_model_saw_it(eval_run: Path, tmp_path: Path
                                                          ) -> None:
    export(eval_run, tmp_path, "--format", "sft", "--embed-images", "--max-km", "1")
    sft = rows(tmp_path / "sft.jsonl")
    assert len(sft) == 2 and "image_crops" not in sft[0]
    url = sft[0]["images"][0]
    assert url.startswith("data:image/jpeg;base64,")
    image = Image.open(io.BytesIO(base64.b64decode(url.split(",", 1)[1])))
    assert image.size == (96, 64)
    assert not image.getexif()  # the GPS position does not ride along


def _copy_case(eval_run: Path, to: Path) -> tuple[Path, dict[str, Any]]:
    folder = next(p.parent for p in eval_run.glob("*/case.json"))
    shutil.copytree(folder, to)
    record = json.loads((to / "case.json").read_text(encoding="utf-8"))
    return to, record


@pytest.mark.parametrize(("change", "source"), [
    ("drop", "current (the case recorded no tool fingerprints)"),
    ("edit", "current; changed since the case: exif_metadata"),
    ("add", "current; not installed: teleport"),
])
def test_tool_specs_say_whether_they_are_those_the_model_saw(
    eval_run: Path, tmp_path: Path, change: str, source: str
) -> None:
    old, record = _copy_case(eval_run, tmp_path / "old" / "case")
    tools = record["backend"]["tools"]
    assert len(tools["exif_metadata"]) == 12  # a fingerprint, not the spec
    if change == "drop":
        del record["backend"]["tools"]
    elif change == "edit":
        tools["exif_metadata"] = "0" * 12
    else:
        tools["teleport"] = "1" * 12
    record["image"]["path"] = str(next(eval_run.parent.glob("imgs/*.jpg")).resolve())
    (old / "case.json").write_text(json.dumps(record), encoding="utf-8")
    export(old, tmp_path / "out", "--format", "json")
    (t, *_) = rows(tmp_path / "out" / "trajectories.jsonl")
    assert t["tools_source"] == source
    assert t["tools"]["exif_metadata"]["parameters"]["type"] == "object"
    assert t["truth"] is None and t["rewards"]["twm"] is None  # a case folder has no truth


def test_truth_from_a_dataset_file(eval_run: Path, tmp_path: Path) -> None:
    export(eval_run, tmp_path / "a", "--format", "json")
    folders = [str(p.parent) for p in eval_run.glob("*/case.json")]
    proc = run_cli("export", *folders, "--out", str(tmp_path / "b"), "--format", "json",
                   "--truth", str(eval_run.parent / "ds.csv"))
    assert proc.returncode == 0, proc.stderr
    a = {t["id"]: t["rewards"] for t in rows(tmp_path / "a" / "trajectories.jsonl")}
    b = {t["id"]: t["rewards"] for t in rows(tmp_path / "b" / "trajectories.jsonl")}
    assert a == b


def test_an_offline_case_has_no_model_request(tmp_path: Path) -> None:
    from geosleuth.testing.photos import render_photo

    photo = render_photo(tmp_path / "p.jpg", size=(96, 64), gps=(47.141, 9.5209))
    proc = run_cli("locate", str(photo), "--out", str(tmp_path / "cases"), "--no-cache")
    assert proc.returncode == 0, proc.stderr
    proc = export(tmp_path / "cases", tmp_path / "out")
    assert "left out 1: no model request recorded (sft, rl)" in proc.stdout
    again = export(tmp_path / "cases", tmp_path / "out", "--format", "json")  # replaced
    assert "left out" not in again.stdout
    (t,) = rows(tmp_path / "out" / "trajectories.jsonl")
    assert t["modelled"] is False and t["steps"] and t["steps"][0]["request"] is None
    assert t["system_prompt"] is None and t["tools"] == {}
    assert rows(tmp_path / "out" / "sft.jsonl") == []


@pytest.mark.parametrize(("args", "message"), [
    (("nowhere",), "nowhere: no such file or folder"),
    (("{run}", "--format", "csv"), "unknown format csv"),
    (("{run}", "--reward", "best"), "unknown reward 'best'"),
    (("{run}", "--out", "{file}"), "a file is in the way"),
    (("{empty}",), "no case.json, per_photo.jsonl or results.jsonl here"),
    (("{run}", "--out", "{tmp}"), "a folder that holds other files"),
])
def test_bad_input_is_one_line_and_exit_2(eval_run: Path, tmp_path: Path,
                                          args: tuple[str, ...], message: str) -> None:
    (tmp_path / "file").write_text("x")
    (tmp_path / "empty").mkdir()
    names = {"run": str(eval_run), "file": str(tmp_path / "file"),
             "empty": str(tmp_path / "empty"), "tmp": str(tmp_path)}
    argv = [a.format(**names) for a in args]
    if "--out" not in argv:
        argv += ["--out", str(tmp_path / "out")]
    proc = run_cli("export", *argv)
    assert proc.returncode == 2
    assert proc.stderr.count("\n") == 1 and message in proc.stderr, proc.stderr
