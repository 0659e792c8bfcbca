"""Asking which OCR engines can run imports none of the heavy libraries a read needs."""

from __future__ import annotations

import subprocess
import sys

import pytest
from geosleuth_plugins.ocr_signage import tesseract_engine


def test_installed_languages_are_those_pytesseract_lists() -> None:
    if tesseract_engine._BINARY.missing() or tesseract_engine._PYTESSERACT.missing():
        pytest.skip("needs Tesseract and pytesseract")
    import pytesseract

    tesseract_engine.installed_languages.cache_clear()
    assert tesseract_engine.installed_languages() == frozenset(
        pytesseract.get_languages(config=""))


def test_engine_availability_does_not_import_pytesseract_or_pandas() -> None:
    code = (
        "import sys\n"
        "from geosleuth_plugins.ocr_signage.engines import available_engines\n"
        "available_engines()\n"
        "print(sorted(m for m in ('pytesseract', 'pandas', 'onnx') if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "[]"
