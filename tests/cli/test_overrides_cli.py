"""The investigator's word through the command line, on a sign the tests render and read
with the real pipeline (OCR, language, clues in text, fusion): ``--clue "not-country: PT"``
on a Lisbon street sign leaves Portugal at most 2 % of the probability."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from geosleuth.testing.signs import sign_photo


def _locate(photo: Path, tmp_path: Path, *args: str) -> dict:
    result = subprocess.run(
        [sys.executable, "-m", "geosleuth", "locate", str(photo), "--json", "--no-cache",
         "--out", str(tmp_path / "cases"), *args],
        capture_output=True, text=True, timeout=600, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.fixture(scope="module")
def lisbon_sign(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("sign") / "lisbon.jpg"
    sign_photo("Rua Augusta Lisboa", "Latin", size=(1000, 700), text_px=36, seed=1,
               palette=1).image.save(path, quality=90)
    return path


def test_the_sign_alone_says_lisbon(lisbon_sign: Path, tmp_path: Path) -> None:
    v = _locate(lisbon_sign, tmp_path)["verdict"]
    assert v["country_code"] == "PT" and v["confidence"] >= 0.5


@pytest.mark.parametrize("paths", ["1", "3"])
def test_not_country_holds_on_the_command_line(lisbon_sign: Path, tmp_path: Path,
                                               paths: str) -> None:
    record = _locate(lisbon_sign, tmp_path, "--clue", "not-country: PT", "--paths", paths)
    v = record["verdict"]
    assert not (v["country_code"] == "PT" and v["confidence"] > 0.02)
    in_pt = sum(h["score"] for h in record["hypotheses"] if h["country_code"] == "PT"
                and h["radius_km"] <= 100)
    assert in_pt <= 0.02 + 1e-9
