"""Rendered licence plates read and turned into registration clues, and vertical text.

Plates are drawn as plates are (dark letters on a light plate, a grey tarja line above
Brazil's old plates) onto a photo-like background, read by the OCR as ``locate`` reads
them, and the text goes through the plate finder with the session's gazetteer.
"""

from __future__ import annotations

import pytest
from geosleuth_plugins.ocr_signage.reading import read_image
from PIL import Image, ImageDraw, ImageFont

from geosleuth.geo.gazetteer import Gazetteer
from geosleuth.settings import load_settings
from geosleuth.testing.signs import noto_font, photo_background, sign_photo
from geosleuth.text.plates import find_plates

# (plate text as drawn, countries the plate clue must name)
PLATES = [
    ("BRA2E19", ["BR"]),  # Mercosur
    ("RK-755AJ", ["SK"]),
    ("1B8 0338", ["CZ"]),
    ("AC 4921 CB", ["UA"]),
    ("6RYJ486", ["US"]),
    ("BS 47040", ["NO"]),
    ("AB-123-CD", ["FR"]),
    ("1234 BCD", ["ES"]),
]


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    return Gazetteer.open(load_settings()[0].cache_dir)


def plate_photo(lines: list[str], seed: int) -> Image.Image:
    """A car-sized plate: white, black letters, the given lines, on a street background."""
    scene = photo_background((900, 600), seed=seed)
    font = ImageFont.truetype(str(noto_font("Latin")), 54)
    small = ImageFont.truetype(str(noto_font("Latin")), 26)
    draw = ImageDraw.Draw(scene)
    x0, y0, x1, y1 = 260, 280, 640, 380 if len(lines) == 1 else 400
    draw.rectangle((x0, y0, x1, y1), fill=(235, 235, 235), outline=(30, 30, 30), width=4)
    if len(lines) == 2:  # the tarja: state and municipality, small, above the number
        draw.text(((x0 + x1) / 2, y0 + 22), lines[0], font=small, fill=(20, 20, 20),
                  anchor="mm")
    draw.text(((x0 + x1) / 2, y1 - 48), lines[-1], font=font, fill=(15, 15, 15), anchor="mm")
    return scene


def read(image: Image.Image) -> str:
    return "\n".join(line.text for line in read_image(image).lines if line.sure)


@pytest.mark.parametrize(("plate", "countries"), PLATES, ids=[p for p, _ in PLATES])
def test_rendered_plate_gives_its_country(plate: str, countries: list[str],
                                          gazetteer: Gazetteer) -> None:
    text = read(plate_photo([plate], seed=len(plate)))
    clues = [c for c in find_plates(text, gazetteer) if c.kind == "plate"]
    assert clues, f"{plate!r} read as {text!r}"
    assert sorted(clues[0].data["countries"]) == sorted(countries)
    assert "registered" in clues[0].summary


def test_rendered_brazilian_grey_plate_gives_the_municipality(gazetteer: Gazetteer) -> None:
    text = read(plate_photo(["BA - SALVADOR", "JSC-7486"], seed=3))
    registration = [c for c in find_plates(text, gazetteer) if c.kind == "plate_registration"]
    assert registration, text
    assert registration[0].data["municipality"] == "Salvador"
    assert registration[0].data["state"] == "BA"


@pytest.mark.parametrize(("text", "script"), [("居酒屋たぬき", "Japanese"),
                                              ("北京烤鸭店", "Han")])
def test_vertical_text_is_read(text: str, script: str) -> None:
    index = {"Japanese": 0, "Han": 2}[script]
    font = ImageFont.truetype(str(noto_font(script)), 40, index=index)
    scene = photo_background((900, 900), seed=5)
    draw = ImageDraw.Draw(scene)
    draw.rectangle((405, 105, 455 + 15, 120 + len(text) * 46 + 15), fill=(245, 245, 238))
    for i, ch in enumerate(text):
        draw.text((420, 120 + i * 46), ch, font=font, fill=(20, 20, 24))
    lines = read_image(scene).lines
    assert [line.text for line in lines] == [text]
    assert "read as vertical text" in lines[0].notes


def test_a_horizontal_sign_is_not_read_as_a_column() -> None:
    photo = sign_photo("南京东路", "Han", size=(800, 600), text_px=40)
    lines = read_image(photo.image).lines
    assert any(line.text == "南京东路" and not line.notes for line in lines)
