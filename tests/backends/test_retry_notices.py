"""A retry says so while it waits: "geosleuth: retrying … (2/3) in 3 s: …" on stderr."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from scripted_server import Scripted, ScriptedServer

from geosleuth.backends.faults import ServerFault, with_retries
from geosleuth.testing import render_photo

NO_WAIT = ("import geosleuth.backends.llm_reasoner as r;"
           " r.LLMReasoner.__init__.__kwdefaults__['sleep'] = lambda s: None;"
           " from geosleuth.cli.app import main; main()")


def test_each_retry_is_a_notice(caplog: pytest.LogCaptureFixture) -> None:
    faults = [ServerFault("the server answered HTTP 503", status=503)] * 2

    def call() -> str:
        if faults:
            raise faults.pop()
        return "answer"

    with caplog.at_level(logging.WARNING, logger="geosleuth"):
        assert with_retries(call, what="the model", sleep=lambda s: None) == "answer"
    lines = [r.getMessage() for r in caplog.records if r.name == "geosleuth"]
    assert len(lines) == 2
    assert lines[0].startswith("retrying the model (1/3) in ") and "HTTP 503" in lines[0]
    assert lines[1].startswith("retrying the model (2/3) in ")


def test_locate_prints_its_retries_on_stderr(tmp_path: Path, server: ScriptedServer) -> None:
    server.add(*[Scripted({"choices": None})] * 4)
    photo = render_photo(tmp_path / "p.jpg", size=(320, 240))
    keep = ("GEOSLEUTH_CACHE_DIR", "GEOSLEUTH_DATA_DIR")
    env = {k: v for k, v in os.environ.items() if k in keep or
           not k.startswith(("GEOSLEUTH_", "OPENAI_", "ANTHROPIC_", "OLLAMA_"))}
    env |= {"GEOSLEUTH_CONFIG": str(tmp_path / "none.toml"), "OPENAI_API_KEY": "sk-test",
            "OPENAI_BASE_URL": server.url + "/v1"}
    proc = subprocess.run([sys.executable, "-c", NO_WAIT, "locate", str(photo), "--backend",
                           "openai", "--out", str(tmp_path / "cases"), "--no-cache"],
                          capture_output=True, text=True, env=env, timeout=300, check=False)
    assert proc.returncode == 3, proc.stderr
    notices = [ln for ln in proc.stderr.splitlines() if ln.startswith("geosleuth: retrying")]
    assert [n.split("(")[1].split(")")[0] for n in notices] == ["1/3", "2/3", "3/3"]
