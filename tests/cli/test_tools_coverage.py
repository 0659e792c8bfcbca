"""`geosleuth tools` tells, per script, what reads it here and the command that adds it."""

from __future__ import annotations

import json

import pytest
from geosleuth_plugins.ocr_signage import coverage, tesseract_engine
from typer.testing import CliRunner

from geosleuth.cli.app import app


def test_tools_lists_every_script_with_its_reader() -> None:
    result = CliRunner().invoke(app, ["tools", "--json"])
    assert result.exit_code == 0
    rows = {r["name"]: r for r in json.loads(result.stdout)}
    scripts = {c["item"]: c for c in rows["ocr_signage"]["coverage"]}
    assert set(coverage.SCRIPTS) <= set(scripts)
    assert scripts["Latin"]["by"] == "rapidocr"
    for script, row in scripts.items():  # either read, or the one command that adds it
        assert row["available"] or row["install"].startswith(("apt-get", "pip")), script
    text = CliRunner().invoke(app, ["tools"]).stdout
    assert "What ocr_signage handles here" in text and "Devanagari" in text


def test_a_missing_pack_is_named_with_its_install_line(monkeypatch: pytest.MonkeyPatch) -> None:
    have = tesseract_engine.installed_languages() - {"ori", "tha"}
    monkeypatch.setattr(coverage, "pack_for_script", lambda script: next(
        (lang for lang in tesseract_engine.SCRIPT_LANGS.get(script, ()) if lang in have), None))
    rows = {c.item: c for c in coverage.script_coverage()}
    if not tesseract_engine.TesseractEngine().availability().available:
        assert "geosleuth[tesseract]" in rows["Oriya"].install
    assert not rows["Oriya"].available and "tesseract-ocr-ori" in rows["Oriya"].install
    assert not rows["Thai"].available and "tesseract-ocr-tha" in rows["Thai"].install
