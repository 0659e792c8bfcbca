"""A model's tool name, thought and verdict text, and a server's error message, with
terminal escape codes: ``geosleuth locate`` prints none of them raw to the terminal, and
report.md holds none raw."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from scripted_server import Scripted, ScriptedServer, openai_error, openai_reply

from geosleuth.testing import render_photo

TITLE = "\x1b]0;owned\x07"  # sets the terminal's window title
EVIL_TOOL = f"{TITLE}\x1b[31mlandmark\x9b2J"
THOUGHT = "Looking\x1b[2J at the sign.\x1b[5m"
RAW = [chr(c) for c in (*range(0x00, 0x0a), *range(0x0b, 0x20), *range(0x7f, 0xa0))]


def raw_controls(text: str) -> list[str]:
    return sorted({repr(c) for c in text if c in RAW})


def test_model_text_reaches_neither_terminal_nor_report_raw(tmp_path: Path,
                                                             server: ScriptedServer) -> None:
    submit = json.dumps({"lat": 38.71, "lon": -9.14, "radius_km": 5, "confidence": 0.5,
                         "place": f"Lisboa{TITLE}", "evidence": ["E9\x1b[1m"],
                         "rationale": f"the {TITLE}sign"})
    server.add(
        Scripted(openai_reply(THOUGHT, [("c1", EVIL_TOOL, '{"name": "\\u001b[31m"}')])),
        Scripted(openai_reply("Verdict\x9b.", [("c2", "submit_verdict", submit)])),
        Scripted(openai_error(400, f"bad request{TITLE}\x1b[31m"), status=400),  # the end
    )
    photo = render_photo(tmp_path / "p.jpg", size=(320, 240))
    out = tmp_path / "cases"
    keep = ("GEOSLEUTH_CACHE_DIR", "GEOSLEUTH_DATA_DIR")
    env = {k: v for k, v in os.environ.items() if k in keep or
           not k.startswith(("GEOSLEUTH_", "OPENAI_", "ANTHROPIC_", "OLLAMA_"))}
    env |= {"GEOSLEUTH_CONFIG": str(tmp_path / "none.toml"), "OPENAI_API_KEY": "sk-test",
            "OPENAI_BASE_URL": server.url + "/v1"}
    proc = subprocess.run([sys.executable, "-m", "geosleuth", "locate", str(photo), "--backend",
                           "openai", "--out", str(out), "--no-cache", "--steps", "4"],
                          capture_output=True, text=True, env=env, timeout=300, check=False)
    assert proc.returncode == 3, proc.stderr
    assert raw_controls(proc.stderr) == [] and raw_controls(proc.stdout.replace("\n", "")) == []
    assert "\\x1b]0;owned\\x07\\x1b[31mlandmark\\x9b2J" in proc.stderr  # shown, inert
    assert "verdict rejected: cited evidence does not exist: E9\\x1b[1m" in proc.stderr
    assert "400 - bad request\\x1b]0;owned\\x07\\x1b[31m)" in proc.stderr  # the server's
    (folder,) = out.iterdir()
    record = json.loads((folder / "case.json").read_text())
    assert record["steps"][0]["calls"][0]["name"] == EVIL_TOOL  # the record keeps it as sent
    report = (folder / "report.md").read_text()
    assert raw_controls(report.replace("\n", "")) == []
    assert "`\\x1b]0;owned\\x07\\x1b[31mlandmark\\x9b2J`" in report
    assert "Looking\\\\x1b\\[2J at the sign" in report  # the thought, escaped for markdown
