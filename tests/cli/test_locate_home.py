"""An offline ``locate`` writes nothing into the home folder outside geosleuth's own
folders: no telemetry device id or event store (onnxruntime), no library data folder
(PyThaiNLP)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from geosleuth.geo.country_raster import CountryRaster
from geosleuth.geo.gazetteer import Gazetteer
from geosleuth.geo.gazetteer_build import index_path
from geosleuth.testing.signs import sign_photo


def _home_env(home: Path) -> dict[str, str]:
    """The test's environment with HOME in ``home``, the XDG folders at their defaults
    under it, and none of the opt-outs geosleuth is expected to set itself (importing
    geosleuth here set them in this process)."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("XDG_", "ORT_", "PYTHAINLP_", "GEOSLEUTH_", "MPLCONFIGDIR"))}
    env.update(HOME=str(home), GEOSLEUTH_CACHE_DIR=str(home / "geosleuth-cache"),
               GEOSLEUTH_DATA_DIR=str(home / "geosleuth-data"),
               GEOSLEUTH_CONFIG=str(home / "geosleuth-config.toml"))
    return env


def _strays(home: Path) -> list[str]:
    own = ("geosleuth-cache", "geosleuth-data")
    return sorted(str(p.relative_to(home)) for p in home.rglob("*")
                  if p.relative_to(home).parts[0] not in own)


def test_offline_locate_of_a_sign_leaves_the_home_folder_alone(tmp_path: Path) -> None:
    home = tmp_path / "home"
    cache = home / "geosleuth-cache"
    cache.mkdir(parents=True)
    # The indexes of the test session's cache (built once), linked rather than rebuilt.
    session_cache = Path(os.environ["GEOSLEUTH_CACHE_DIR"])
    Gazetteer.open(session_cache)
    raster = CountryRaster.path_for(session_cache)
    CountryRaster.load_or_build(session_cache)
    for built in (index_path(session_cache), raster):
        (cache / built.name).symlink_to(built)
    photo = tmp_path / "sign.jpg"
    sign_photo("Rua Augusta", "Latin", size=(640, 480)).image.save(photo)

    env = {**_home_env(home), "GEOSLEUTH_OCR_ENGINE": "rapidocr"}  # onnxruntime reads it
    done = subprocess.run(
        [sys.executable, "-c", "from geosleuth.cli.app import main; main()", "locate",
         str(photo), "--out", str(tmp_path / "cases"), "--json"],
        env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    summaries = [e["summary"] for e in json.loads(done.stdout)["evidence"]
                 if e["tool"] == "ocr_signage"]
    assert any("Augusta" in s for s in summaries), summaries  # the text was read
    assert _strays(home) == []


def test_importing_geosleuth_first_keeps_the_libraries_quiet(tmp_path: Path) -> None:
    """onnxruntime (on import) and PyThaiNLP (on import, and reading Thai words)."""
    home = tmp_path / "home"
    home.mkdir()
    code = ("import geosleuth, onnxruntime\n"
            "from pythainlp.tokenize import word_tokenize\n"
            "assert word_tokenize('ถนนสุขุมวิท', engine='newmm') == ['ถนน', 'สุขุมวิท']\n")
    done = subprocess.run([sys.executable, "-c", code], env=_home_env(home),
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert _strays(home) == []
