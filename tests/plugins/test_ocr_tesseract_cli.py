"""Tesseract is run without pytesseract (which imports pandas), and reads the same."""

from __future__ import annotations

import subprocess
import sys

import pytest
from geosleuth_plugins.ocr_signage import tesseract_engine
from geosleuth_plugins.ocr_signage.tesseract_cli import TesseractError, image_to_data, table
from PIL import Image, ImageDraw, ImageFont

from geosleuth.testing.signs import sign_photo

needs_tesseract = pytest.mark.skipif(
    tesseract_engine._BINARY.missing() or "eng" not in tesseract_engine.installed_languages(),
    reason="needs Tesseract with its English pack")


def test_table_reads_numbers_as_ints_and_keeps_the_text_column() -> None:
    tsv = ("level\tconf\tleft\ttext\n"
           "1\t-1\t0\t\n"
           "5\t96.5\t12\t42\n"
           "5\t88.0\t30")  # the last word's empty text cell is missing
    assert table(tsv) == {"level": [1, 5, 5], "conf": [-1, 96, 88], "left": [0, 12, 30],
                          "text": ["", "42", ""]}
    assert table("level\ttext\n") == {}


@needs_tesseract
def test_the_table_is_the_one_pytesseract_gives() -> None:
    pytesseract = pytest.importorskip("pytesseract")
    image = sign_photo("Rua Augusta", "Latin", seed=1).image.convert("RGB")
    for config in ("--psm 11", "--psm 6"):
        ours = image_to_data(image, "eng", config)
        theirs = pytesseract.image_to_data(image, lang="eng", config=config,
                                           output_type=pytesseract.Output.DICT)
        assert ours == theirs
    assert any("Augusta" in str(t) for t in ours["text"])


@needs_tesseract
def test_an_image_with_alpha_is_read_on_white() -> None:
    image = Image.new("RGBA", (360, 80), (0, 0, 0, 0))
    ImageDraw.Draw(image).text((10, 10), "LISBOA", fill=(0, 0, 0, 255),
                               font=ImageFont.load_default(48))
    words = [str(t).strip() for t in image_to_data(image, "eng", "--psm 7")["text"]]
    assert "LISBOA" in words


@needs_tesseract
def test_a_failing_run_raises_with_tesseract_s_message() -> None:
    with pytest.raises(TesseractError) as err:
        image_to_data(Image.new("L", (40, 40), 255), "zzz_none")  # no such pack
    assert err.value.status != 0 and err.value.message


@needs_tesseract
def test_reading_lines_with_tesseract_imports_neither_pytesseract_nor_pandas() -> None:
    code = (
        "import sys\n"
        "from geosleuth_plugins.ocr_signage.engines import engine\n"
        "from PIL import Image, ImageDraw, ImageFont\n"
        "img = Image.new('RGB', (420, 70), 'white')\n"
        "ImageDraw.Draw(img).text((10, 8), 'Rua Augusta', fill='black',"
        " font=ImageFont.load_default(44))\n"
        "words = engine('tesseract').read_crops([img], ['eng'])\n"
        "assert any(w.text == 'Augusta' for w in words[0]), words\n"
        "print(sorted(m for m in ('pytesseract', 'pandas') if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "[]"
