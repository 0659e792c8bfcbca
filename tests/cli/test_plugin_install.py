"""A third-party plugin is a pip install away: install the example into a fresh environment."""

from __future__ import annotations

import json
import os
import shutil
import site
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PLUGIN = ROOT / "examples" / "plugin-filename-hints"


def test_example_plugin_installs_lists_and_runs(tmp_path: Path) -> None:
    env_dir = tmp_path / "venv"
    # The new environment sees the packages already installed here (geosleuth included), and
    # gets only the plugin on top: no network needed.
    venv.EnvBuilder(system_site_packages=True, with_pip=False).create(env_dir)
    py = env_dir / "bin" / "python"
    # "system" is the base interpreter, not this (virtual) environment: a .pth file makes
    # this environment's packages visible too (geosleuth, and setuptools to build the plugin)
    purelib = subprocess.run([str(py), "-c", "import sysconfig; print(sysconfig.get_path("
                              "'purelib'))"], capture_output=True, text=True, check=True)
    (Path(purelib.stdout.strip()) / "outer.pth").write_text(
        "\n".join(site.getsitepackages()) + "\n")
    src = tmp_path / "plugin-src"
    shutil.copytree(PLUGIN, src)
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "--python",
            str(py),
            "install",
            "--no-deps",
            "--no-build-isolation",
            "--no-index",
            "-q",
            str(src),
        ],
        check=True,
        timeout=300,
    )
    env = {**os.environ}
    tools = subprocess.run(
        [str(py), "-m", "geosleuth", "tools", "--json"],
        capture_output=True,
        text=True,
        check=True,
        env=env,
    )
    rows = {r["name"]: r for r in json.loads(tools.stdout)}
    assert (
        rows["filename_hints"]["available"]
        and "geosleuth-filename-hints" in rows["filename_hints"]["plugin"]
    )
    # what the tools declare is listed: what they reveal, when the offline plan calls them,
    # and their settings
    assert rows["filename_hints"]["reveals"] == ["camera_metadata"]
    assert rows["text_coordinates"]["offline_stage"] == "interpret"
    assert set(rows["text_coordinates"]["settings"]) == {"strength", "radius_km"}

    from PIL import Image

    photo = tmp_path / "IMG_20230614_153012_site_38.71000_-9.14000.png"
    Image.new("RGB", (64, 48)).save(photo)
    out = subprocess.run(
        [
            str(py),
            "-m",
            "geosleuth",
            "locate",
            str(photo),
            "--json",
            "--out",
            str(tmp_path / "cases"),
        ],
        capture_output=True,
        text=True,
        env=env,
    )
    assert out.returncode == 0, out.stderr
    record = json.loads(out.stdout)
    hints = [e for e in record["evidence"] if e["tool"] == "filename_hints"]
    assert any("38.71000" in e["summary"] for e in hints)
    assert any("2023-06-14T15:30:12" in e["summary"] for e in hints)

    # and the base environment does not have it
    base = subprocess.run(
        [sys.executable, "-m", "geosleuth", "tools", "--json"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "filename_hints" not in {r["name"] for r in json.loads(base.stdout)}
