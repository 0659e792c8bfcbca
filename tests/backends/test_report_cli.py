"""The command line around model backends: exit 3 keeps the case, exit 2 for a missing key,
and ``geosleuth report CASE_DIR`` re-renders a case from case.json."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from scripted_server import Scripted, ScriptedServer, openai_error

from geosleuth.testing import render_photo


def geosleuth(args: list[str], tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """Run the command with no config file and no model keys but ``env``. The cache folder
    is the test session's (tests/conftest.py), so the gazetteer index is built once per
    session; ``--no-cache`` keeps model replies out of it."""
    keep = ("GEOSLEUTH_CACHE_DIR", "GEOSLEUTH_DATA_DIR")
    base = {k: v for k, v in os.environ.items() if k in keep or
            not k.startswith(("GEOSLEUTH_", "OPENAI_", "ANTHROPIC_", "OLLAMA_"))}
    base.update({"GEOSLEUTH_CONFIG": str(tmp_path / "none.toml")}, **env)
    cmd = [sys.executable, "-c", "from geosleuth.cli.app import main; main()", *args]
    return subprocess.run(cmd, capture_output=True,
                          text=True, env=base, timeout=300, check=False)


def test_backend_failure_exits_3_and_keeps_the_case(tmp_path: Path, server: ScriptedServer) -> None:
    server.add(Scripted(openai_error(401, "Incorrect API key provided"), status=401))
    photo = render_photo(tmp_path / "p.jpg", size=(640, 480))
    out = tmp_path / "cases"
    proc = geosleuth(["locate", str(photo), "--backend", "openai", "--model", "gpt-4o",
                      "--out", str(out), "--no-cache"], tmp_path,
                     OPENAI_API_KEY="sk-bad", OPENAI_BASE_URL=server.url + "/v1")
    assert proc.returncode == 3, proc.stderr
    assert "API key was rejected" in proc.stderr and "is saved in" in proc.stderr
    (folder,) = out.iterdir()
    record = json.loads((folder / "case.json").read_text())
    assert "API key was rejected" in record["error"]
    assert record["backend"]["name"] == "openai" and record["backend"]["model"] == "gpt-4o"
    assert record["backend"]["prompts"].startswith("1+")
    report = (folder / "report.md").read_text()
    plain = report.replace("\\", "")  # the report escapes Markdown punctuation
    assert "The case stopped early" in plain
    assert f"prompts {record['backend']['prompts']}" in plain

    # re-render from case.json alone, with no network and no photo
    (folder / "report.md").unlink()
    (folder / "hypotheses.geojson").unlink()
    photo.unlink()
    proc = geosleuth(["report", str(folder)], tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert (folder / "report.md").read_text() == report
    assert json.loads((folder / "hypotheses.geojson").read_text())["type"] == "FeatureCollection"


def test_missing_key_is_one_line_and_exit_2(tmp_path: Path) -> None:
    photo = render_photo(tmp_path / "p.jpg", size=(320, 240))
    proc = geosleuth(["locate", str(photo), "--backend", "anthropic", "--out",
                      str(tmp_path / "cases")], tmp_path)
    assert proc.returncode == 2
    assert proc.stderr.strip().splitlines() == [
        "geosleuth: ANTHROPIC_API_KEY is not set: export your Anthropic API key in"
        " ANTHROPIC_API_KEY (or set anthropic_api_key in the config file), or use --backend"
        " offline"]


def test_report_refuses_what_is_not_a_case(tmp_path: Path) -> None:
    proc = geosleuth(["report", str(tmp_path)], tmp_path)
    assert proc.returncode == 2 and "no case.json here" in proc.stderr
    (tmp_path / "case.json").write_text('{"schema": "other/1"}')
    proc = geosleuth(["report", str(tmp_path)], tmp_path)
    assert proc.returncode == 2 and "not a geosleuth.case/1 case record" in proc.stderr
