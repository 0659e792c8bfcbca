"""``geosleuth config`` still runs with a bad config file, and names what is wrong."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path


def geosleuth(*args: str, config: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GEOSLEUTH_")}
    env["GEOSLEUTH_CONFIG"] = str(config)
    return subprocess.run([sys.executable, "-m", "geosleuth", *args], capture_output=True,
                          text=True, env=env, timeout=120, check=False)


def test_config_shows_the_settings_and_the_bad_key(tmp_path: Path) -> None:
    cfg = tmp_path / "config.toml"
    cfg.write_text('stepz = 5\nbackend = "anthropic"\n', encoding="utf-8")
    proc = geosleuth("config", "--json", config=cfg)
    assert proc.returncode == 2
    assert proc.stderr.splitlines() == [
        f"geosleuth: {cfg}: unknown setting 'stepz'; did you mean 'steps'?"]
    shown = json.loads(proc.stdout)
    assert shown["backend"] == {"value": "anthropic", "source": "file"}
    assert shown["steps"] == {"value": 12, "source": "default"}
    table = geosleuth("config", config=cfg)
    assert table.returncode == 2 and "anthropic" in table.stdout
    assert table.stderr == proc.stderr
    # every other command still refuses the file, with the same line
    other = geosleuth("locate", str(tmp_path / "p.jpg"), config=cfg)
    assert other.returncode == 2 and other.stderr == proc.stderr
