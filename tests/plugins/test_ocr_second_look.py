"""The second look at a photo whose shrunk look found small text, and readings that are
not words beside lines that are (``ocr_signage.reading``)."""

from __future__ import annotations

from pathlib import Path

import pytest
from geosleuth_plugins.ocr_signage.engines import engine
from geosleuth_plugins.ocr_signage.lines import TextLine
from geosleuth_plugins.ocr_signage.lookalikes import not_words
from geosleuth_plugins.ocr_signage.rapidocr_engine import (
    DET_LONG_SIDE,
    DET_SECOND_LOOK_UP_TO,
    DET_SMALL_TEXT_PX,
    RapidOcrEngine,
    second_look,
)
from geosleuth_plugins.ocr_signage.reading import read_image
from geosleuth_plugins.ocr_signage.two_looks import merge_looks
from PIL import Image

from geosleuth.images import load_case
from geosleuth.settings import Settings
from geosleuth.testing.signs import photo_background, render_plate
from geosleuth.tools.context import ToolContext


def test_second_look_only_for_small_text_in_a_shrunk_photo_of_at_most_its_size() -> None:
    small, large = DET_SMALL_TEXT_PX - 1, DET_SMALL_TEXT_PX + 1
    assert second_look((1280, 720), DET_LONG_SIDE, [large, small])
    assert not second_look((1280, 720), DET_LONG_SIDE, [large, large])  # large text only
    assert not second_look((1280, 720), DET_LONG_SIDE, [])  # no text found
    assert not second_look((1600, 1200), DET_LONG_SIDE, [small])  # larger: zoomed instead
    assert not second_look((800, 600), DET_LONG_SIDE, [small])  # already seen whole
    assert not second_look((1280, 720), 1280, [small])  # already seen whole (whole_px)
    assert not second_look((1280, 720), DET_LONG_SIDE, [small], up_to=0)  # turned off
    assert DET_SECOND_LOOK_UP_TO == 1280


def _photo(size: tuple[int, int], lines: list[tuple[str, int, tuple[int, int]]]) -> Image.Image:
    image = photo_background(size, seed=3)
    for text, text_px, at in lines:
        plate = render_plate(text, "Latin", text_px=text_px, palette=1)
        image.paste(plate, at, plate)
    return image


@pytest.fixture
def looks(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The long sides the detector is asked to look at, in order."""
    rapid = engine("rapidocr")
    assert isinstance(rapid, RapidOcrEngine)
    asked: list[int] = []
    detect = rapid.detect

    def spy(image: Image.Image, long_side: int = DET_LONG_SIDE) -> object:
        asked.append(long_side)
        return detect(image, long_side)

    monkeypatch.setattr(rapid, "detect", spy)
    return asked


def test_small_text_is_looked_at_again_whole(looks: list[int]) -> None:
    # A 1280 px photo: a large sign, and a small line (about 13 px high in the shrunk look).
    image = _photo((1280, 720), [("Rua Augusta", 60, (100, 100)),
                                 ("Travessa do Carmo", 14, (700, 520))])
    lines = read_image(image).lines
    assert looks == [DET_LONG_SIDE, 1280]
    read = " ".join(line.text for line in lines)
    assert "Rua Augusta" in read and "Travessa do Carmo" in read, read
    # Polygons stay in the photo's own pixels.
    small = next(line for line in lines if "Carmo" in line.text)
    assert min(p[0] for p in small.polygon) >= 690 and min(p[1] for p in small.polygon) >= 510
    looks.clear()
    assert " ".join(line.text for line in read_image(image, second_look_px=0).lines)
    assert looks[0] == DET_LONG_SIDE and 1280 not in looks  # the small line is zoomed


def test_large_text_and_no_text_cost_no_second_look(looks: list[int]) -> None:
    image = _photo((1200, 800), [("Rua Augusta", 60, (100, 100))])
    assert "Rua Augusta" in " ".join(line.text for line in read_image(image).lines)
    assert looks == [DET_LONG_SIDE]
    looks.clear()
    read_image(Image.new("RGB", (1200, 800), (128, 140, 150)))
    assert looks == [DET_LONG_SIDE]


def test_second_look_px_is_an_option_in_the_cache_key(tmp_path: Path) -> None:
    from geosleuth_plugins.ocr_signage.tool import OcrSignageTool, Options

    assert Options().second_look_px == DET_SECOND_LOOK_UP_TO
    path = tmp_path / "sign.jpg"
    _photo((1280, 720), [("Rua Augusta", 60, (100, 100))]).save(path)
    tool = OcrSignageTool()
    default = ToolContext(case=load_case(path), settings=Settings())
    off = ToolContext(case=load_case(path), settings=Settings(), options=Options(second_look_px=0))
    assert tool.cache_key(default, {}) != tool.cache_key(off, {})


def test_a_reading_shown_not_to_be_words_of_its_script() -> None:
    # A Thai reading of a texture (one 4-letter word among 5 letters) is not words; an
    # exit sign's "ทางออก" is. Odia has no word list here: given the benefit of the doubt.
    assert not_words("งเด้น", "Thai")
    assert not not_words("ทางออก", "Thai")
    assert not_words("घझञ", "Devanagari")
    assert not not_words("दिल्ली", "Devanagari")
    assert not not_words("ଭୁବନେଶ୍ୱର", "Oriya")
    assert not not_words("Lisboa", "Latin")  # Latin is read by RapidOCR


def _line(text: str, confidence: float, x0: float, y0: float, x1: float, y1: float) -> TextLine:
    return TextLine(text, ((x0, y0), (x1, y0), (x1, y1), (x0, y1)), confidence, "rapidocr")


def test_the_more_confident_reading_of_a_line_both_looks_found_stands() -> None:
    first = [_line("TEXAS", 1.0, 100, 50, 220, 80),  # the same line, boxed a bit apart
             _line("BGB-3282", 0.90, 90, 100, 300, 150),
             _line("国", 0.87, 500, 500, 530, 530)]  # only the first look boxed it
    second = [_line("TEXAD", 0.83, 98, 48, 224, 82),
              _line("BGB-3282", 0.99, 92, 101, 298, 149),
              _line("OUG-6157", 0.98, 600, 100, 700, 130),  # only the second look found it
              _line("2014", 0.95, 100, 60, 140, 75)]  # inside TEXAS's box, another line
    merged = merge_looks(first, second, 0.93)
    assert [line.text for line in merged] == ["TEXAS", "BGB-3282", "OUG-6157", "2014"]
    assert merged[1].confidence == 0.99  # the second look's, more confident
    assert merge_looks([], second, 0.93) == second
    assert merge_looks(first, [], 0.93) == []
    # A first-look reading RapidOCR is unsure of does not replace the second look's, even
    # when a little more confident: Tesseract would be asked about its box instead.
    unsure = [_line("Mmy", 0.29, 325, 78, 389, 110)]
    assert merge_looks(unsure, [_line("ham", 0.28, 326, 79, 389, 108)], 0.93)[0].text == "ham"
