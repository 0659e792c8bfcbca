"""``batch`` and ``eval`` with ``--engine ray`` on a real Ray cluster on 127.0.0.1 (a head
with two worker processes, started and stopped here): every photo once, a worker killed
mid-shard, a driver killed and resumed, and outputs identical to the local engine's."""

from __future__ import annotations

import csv
import json
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from geosleuth.testing.cli import run_cli
from geosleuth.testing.photos import render_photo

pytest.importorskip("ray")

from geosleuth.testing.ray_cluster import LocalRayCluster, process_title, processes_with

CASE_FILES = ("case.json", "report.md", "hypotheses.geojson")
VOLATILE = {"elapsed_ms", "total_ms", "created", "finished"}


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalRayCluster]:
    with LocalRayCluster(num_cpus=2, object_store_mb=100) as head:
        # The session's cache (conftest) is inherited by the workers; build the gazetteer
        # once here, not in two workers at once inside the first test's timing.
        from geosleuth.cli.render import prepare_gazetteer
        from geosleuth.settings import load_settings

        prepare_gazetteer(load_settings({})[0])
        yield head


def _photos(folder: Path, n: int, *, broken: bool = False) -> Path:
    for i in range(n):
        gps = None if i % 5 == 4 else (48.85 + i * 0.01, 2.29 + i * 0.01)
        render_photo(folder / f"p{i:02d}.jpg", size=(96, 64), gps=gps, seed=i)
    if broken:
        (folder / "broken.jpg").write_bytes(b"not a jpeg")
    return folder


def _env(cluster: LocalRayCluster) -> dict[str, str]:
    return {**cluster.env, "GEOSLEUTH_CACHE": "false"}


def _ray(cluster: LocalRayCluster, *args: str) -> list[str]:
    return [*args, "--engine", "ray", "--address", cluster.address]


def _rows(out: Path) -> list[dict[str, Any]]:
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


def _stable(value: Any) -> Any:
    """A record without what changes from run to run (timings, dates)."""
    if isinstance(value, dict):
        return {k: _stable(v) for k, v in value.items() if k not in VOLATILE}
    if isinstance(value, list):
        return [_stable(v) for v in value]
    return value


def _stable_text(text: str) -> str:
    text = re.sub(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d", "TIME", text)
    text = re.sub(r" in \d+(\.\d+)? s\b", " in _ s", text)
    return re.sub(r"\| \d+ \|$", "| _ |", text, flags=re.MULTILINE)


def _outputs(out: Path) -> dict[str, Any]:
    """Everything a batch wrote, keyed by photo, with the run-to-run noise taken out."""
    rows = {r["path"]: _stable(r) for r in _rows(out)}
    with (out / "summary.csv").open(newline="") as fh:
        table = {r["path"]: {k: v for k, v in r.items() if k != "elapsed_s"}
                 for r in csv.DictReader(fh)}
    geojson = json.loads((out / "all.geojson").read_text())
    features = {f["properties"]["path"]: f for f in geojson["features"]}
    cases = {}
    for row in rows.values():
        if row["case_dir"]:
            folder = out / row["case_dir"]
            cases[row["case_dir"]] = {
                "files": sorted(p.name for p in folder.iterdir()),
                "case.json": _stable(json.loads((folder / "case.json").read_text())),
                "report.md": _stable_text((folder / "report.md").read_text()),
                "hypotheses.geojson": json.loads((folder / "hypotheses.geojson").read_text()),
            }
    folders = sorted(p.name for p in out.iterdir() if p.is_dir())
    return {"rows": rows, "csv": table, "geojson": features, "cases": cases,
            "folders": folders}


def _assert_each_once(out: Path, expected: list[str]) -> None:
    rows = _rows(out)
    assert sorted(r["path"] for r in rows) == sorted(expected)  # each exactly once
    text = (out / "results.jsonl").read_text()
    assert text.endswith("\n") and text.count("\n") == len(expected)
    with (out / "summary.csv").open(newline="") as fh:
        assert sorted(r["path"] for r in csv.DictReader(fh)) == sorted(expected)
    geojson = json.loads((out / "all.geojson").read_text())
    assert sorted(f["properties"]["path"] for f in geojson["features"]) == sorted(expected)
    case_dirs = [p.name for p in out.iterdir() if p.is_dir() and not p.name.startswith(".")]
    assert sorted(case_dirs) == sorted(r["case_dir"] for r in rows if r["case_dir"])
    assert not [p.name for p in out.iterdir() if p.name.startswith(".")]  # no leftovers


def test_without_an_address_a_local_cluster_is_started_and_stopped(tmp_path: Path) -> None:
    photos = _photos(tmp_path / "photos", 3)
    home = tmp_path / "home"
    home.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith("RAY_")}
    mark = f"{os.getpid()}-{time.monotonic_ns()}"  # inherited by every process of the run
    env.update(HOME=str(home), GEOSLEUTH_CACHE="false", GEOSLEUTH_TEST_RUN=mark)
    proc = subprocess.Popen(
        [sys.executable, "-m", "geosleuth", "batch", str(photos), "--out", str(tmp_path / "out"),
         "--engine", "ray", "--workers", "1"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    seen: set[int] = set()
    try:
        while proc.poll() is None:  # the cluster's processes, while the batch runs
            seen.update(processes_with("GEOSLEUTH_TEST_RUN", mark))
            time.sleep(0.2)
        _, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, err
    assert "ray: 1 worker on the local Ray cluster" in err
    assert len(_rows(tmp_path / "out")) == 3
    assert len(seen - {proc.pid}) >= 3  # a head (GCS, raylet, …) and a worker were started
    assert not (home / ".ray").exists()  # its token stayed in the environment
    # ... and every process of the cluster is gone, wherever it had been reparented.
    deadline = time.monotonic() + 10
    while (left := processes_with("GEOSLEUTH_TEST_RUN", mark)) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not left, [process_title(p) for p in left]


def test_ray_engine_writes_what_the_local_engine_writes(
    cluster: LocalRayCluster, tmp_path: Path
) -> None:
    photos = _photos(tmp_path / "photos", 9, broken=True)
    out = tmp_path / "out"  # the same --out for both: case.json records it
    local = run_cli("batch", str(photos), "--out", str(out), "-j", "2", env=_env(cluster))
    assert local.returncode == 2, local.stderr  # the broken photo
    expected = _outputs(out)
    out.rename(tmp_path / "local")

    ray = run_cli(*_ray(cluster, "batch", str(photos), "--out", str(out), "--shard-size", "2"),
                  env=_env(cluster))
    assert ray.returncode == 2, ray.stderr
    assert "ray: 2 workers on the Ray cluster at 127.0.0.1" in ray.stderr
    counts = re.compile(r"10 photos in the summaries: [^;]*")
    assert counts.search(ray.stderr)[0] == counts.search(local.stderr)[0]  # type: ignore[index]
    _assert_each_once(out, [*(f"p{i:02d}.jpg" for i in range(9)), "broken.jpg"])
    got = _outputs(out)
    assert got["rows"]["broken.jpg"]["error"] == expected["rows"]["broken.jpg"]["error"]
    for key in ("rows", "csv", "geojson", "folders", "cases"):
        assert got[key] == expected[key], key


def test_eval_on_ray_scores_as_the_local_engine(cluster: LocalRayCluster, tmp_path: Path) -> None:
    photos = _photos(tmp_path / "photos", 6)
    lines = ["image,lat,lon,country"]
    lines += [f"p{i:02d}.jpg,{48.85 + i * 0.01},{2.29 + i * 0.01},FR" for i in range(6)]
    dataset = photos / "truth.csv"
    dataset.write_text("\n".join(lines) + "\n")
    docs = []
    for name, extra in (("local", ()), ("ray", ("--engine", "ray", "--address", cluster.address))):
        done = run_cli("eval", str(dataset), "--out", str(tmp_path / name), "--no-plots",
                       "--json", *extra, env=_env(cluster))
        assert done.returncode == 0, done.stderr
        docs.append(json.loads(done.stdout))
    local, ray = docs
    assert ray["run"]["executor"] == "ray" and ray["run"]["workers"] == 2
    assert ray["metrics"]["n"] == 6
    drop = ("time_s",)
    assert ({k: v for k, v in ray["metrics"].items() if k not in drop}
            == {k: v for k, v in local["metrics"].items() if k not in drop})


def test_a_worker_killed_mid_shard_has_its_photos_run_again(
    cluster: LocalRayCluster, tmp_path: Path
) -> None:
    photos = _photos(tmp_path / "photos", 12)
    out = tmp_path / "out"
    before = set(cluster.workers())  # a previous test's, on their way out
    proc = subprocess.Popen(
        [sys.executable, "-m", "geosleuth",
         *_ray(cluster, "batch", str(photos), "--out", str(out), "--workers", "2",
               "--shard-size", "3")],
        env=_env(cluster), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 300
    killed = None
    try:
        while killed is None:
            assert proc.poll() is None, proc.communicate()[1]
            assert time.monotonic() < deadline, "the batch recorded nothing in time"
            workers = [p for p in cluster.workers() if p not in before]
            if len(_rows(out)) >= 2 and workers:
                killed = workers[0]
                os.kill(killed, signal.SIGKILL)  # a worker of our own cluster, by its id
            time.sleep(0.05)
        _, err = proc.communicate(timeout=600)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, err
    assert "1 Ray worker(s) died" in err, err
    assert re.search(r"[1-9]\d* unfinished photo\(s\) of theirs were run again", err), err
    _assert_each_once(out, [f"p{i:02d}.jpg" for i in range(12)])
    assert killed not in cluster.workers()


def test_resume_after_the_driver_is_killed(cluster: LocalRayCluster, tmp_path: Path) -> None:
    photos = _photos(tmp_path / "photos", 12)
    out = tmp_path / "out"
    proc = subprocess.Popen(
        [sys.executable, "-m", "geosleuth",
         *_ray(cluster, "batch", str(photos), "--out", str(out), "--shard-size", "2")],
        env=_env(cluster), start_new_session=True,
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 300
    try:
        while len(_rows(out)) < 2:
            assert proc.poll() is None, proc.stderr.read().decode() if proc.stderr else ""
            assert time.monotonic() < deadline, "the batch recorded nothing in time"
            time.sleep(0.02)
    finally:
        os.killpg(proc.pid, signal.SIGKILL)  # the driver (the cluster is not its child)
        proc.wait()
    done_at_kill = len(_rows(out))
    assert 2 <= done_at_kill < 12, "the driver must be killed mid-way"
    # A kill inside a write leaves a torn last line; resume copes with one.
    with (out / "results.jsonl").open("ab") as fh:
        fh.write(b'{"schema": "geosleuth.batch-row/1", "path": "p0')

    resumed = run_cli(*_ray(cluster, "batch", str(photos), "--out", str(out), "--resume"),
                      env=_env(cluster))
    assert resumed.returncode == 0, resumed.stderr
    assert f"{done_at_kill} done before" in resumed.stderr
    _assert_each_once(out, [f"p{i:02d}.jpg" for i in range(12)])
    # Resumed again with nothing left to do: no cluster needed, nothing changes.
    again = run_cli(*_ray(cluster, "batch", str(photos), "--out", str(out), "--resume"),
                    env=_env(cluster))
    assert again.returncode == 0 and "12 done before" in again.stderr, again.stderr


def test_a_list_of_paths_and_uris_on_ray_gives_the_local_engines_outputs(
    cluster: LocalRayCluster, tmp_path: Path
) -> None:
    pytest.importorskip("fsspec")
    photos = _photos(tmp_path / "photos", 4)
    lines = ["photos/p00.jpg", str(photos / "p01.jpg"),  # paths: relative, absolute
             (photos / "p02.jpg").as_uri(), (photos / "p03.jpg").as_uri(),  # read by the workers
             "photos/missing.jpg", "nosuchscheme://host/p09.jpg"]  # error rows
    listing = tmp_path / "list.txt"
    listing.write_text("\n".join(lines) + "\n")
    out = tmp_path / "out"
    local = run_cli("batch", str(listing), "--out", str(out), "-j", "2", env=_env(cluster))
    assert local.returncode == 2, local.stderr  # the bad lines
    expected = _outputs(out)
    out.rename(tmp_path / "local")

    ray = run_cli(*_ray(cluster, "batch", str(listing), "--out", str(out), "--shard-size", "1"),
                  env=_env(cluster))
    assert ray.returncode == 2, ray.stderr
    assert "ray: 2 workers on the Ray cluster" in ray.stderr
    _assert_each_once(out, lines)
    got = _outputs(out)
    for key in ("rows", "csv", "geojson", "folders", "cases"):
        assert got[key] == expected[key], key
    assert got["rows"]["nosuchscheme://host/p09.jpg"]["error"].endswith(
        "cannot read it (Protocol not known: nosuchscheme)")
    assert [r for r in got["rows"].values() if r["status"] != "error"] and all(
        got["rows"][line]["status"] != "error" for line in lines[:4])
    resumed = run_cli(*_ray(cluster, "batch", str(listing), "--out", str(out), "--resume"),
                      env=_env(cluster))
    assert resumed.returncode == 2 and "4 done before" in resumed.stderr, resumed.stderr
    _assert_each_once(out, lines)
