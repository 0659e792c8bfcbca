"""A plugin that fails to import gives one warning; the other tools still load and run."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from PIL import Image


def _broken_distribution(root: Path) -> None:
    """A distribution whose entry point names a module that raises on import."""
    info = root / "geosleuth_broken-0.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: geosleuth-broken\nVersion: 0.1\n")
    (info / "entry_points.txt").write_text("[geosleuth.tools]\nbroken = geosleuth_broken:tools\n")
    module = "raise ImportError('needs libfoo, which is missing')\n"
    (root / "geosleuth_broken.py").write_text(module)


def _run(*args: str, root: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(root)}
    return subprocess.run([sys.executable, "-m", "geosleuth", *args], capture_output=True,
                          text=True, env=env, cwd=root, timeout=600)


def test_broken_plugin_warns_once_and_the_rest_work(tmp_path: Path) -> None:
    _broken_distribution(tmp_path)
    tools = _run("tools", "--json", root=tmp_path)
    assert tools.returncode == 0, tools.stderr
    warnings = [line for line in tools.stderr.splitlines() if "warning" in line]
    assert len(warnings) == 1 and "broken" in warnings[0] and "libfoo" in warnings[0]
    names = {row["name"] for row in json.loads(tools.stdout)}
    assert "exif_metadata" in names and "broken" not in names

    photo = tmp_path / "p.png"
    Image.new("RGB", (48, 32)).save(photo)
    located = _run("locate", str(photo), "--json", "--out", str(tmp_path / "cases"), root=tmp_path)
    assert located.returncode == 0, located.stderr
    assert sum("libfoo" in line for line in located.stderr.splitlines()) == 1
    record = json.loads(located.stdout)
    assert any(e["tool"] == "exif_metadata" for e in record["evidence"])
