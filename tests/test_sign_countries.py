"""A rendered sign in each of twelve scripts gets the right country through the offline pipeline.

Each sign (a town name, mostly with a street word) is drawn with Debian's Noto fonts onto
a photo-like background (``geosleuth.testing.signs``), saved as a JPEG and investigated
by ``investigate_photo`` with the built-in offline reasoner, exactly as ``geosleuth
locate`` does: OCR (rapidocr, Tesseract for the scripts rapidocr cannot read), language
and script prior, place names from the gazetteer, fusion, verdict. Nothing is mocked.
Needs the Tesseract packs of scripts/debian-ocr.txt and the fonts of scripts/debian-packages.txt.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from geosleuth.cases.runner import investigate_photo
from geosleuth.settings import Settings, load_settings
from geosleuth.testing.signs import sign_photo

# (sign text, script, expected country). The texts are real places: a street word and
# the town, as on street and station signs.
SIGNS: list[tuple[str, str, str]] = [
    ("Rua Augusta Lisboa", "Latin", "PT"),
    ("Улица Ленина Москва", "Cyrillic", "RU"),
    ("Οδός Ερμού Ελευσίνα", "Greek", "GR"),
    ("南京东路 上海", "Han", "CN"),
    ("しながわ水族館 品川", "Japanese", "JP"),
    ("서울역", "Hangul", "KR"),
    ("شارع الملك فهد الرياض", "Arabic", "SA"),
    ("רחוב הרצל תל אביב", "Hebrew", "IL"),
    ("ถนนสุขุมวิท กรุงเทพ", "Thai", "TH"),
    ("चाँदनी चौक दिल्ली", "Devanagari", "IN"),
    ("რუსთაველის გამზირი თბილისი", "Georgian", "GE"),
    ("Գյումրի", "Armenian", "AM"),
]


@pytest.fixture(scope="module")
def settings() -> Settings:
    # The session cache of tests/conftest.py (GEOSLEUTH_CACHE_DIR): the gazetteer index is
    # built there once; the tool cache is off so every tool really runs.
    return load_settings()[0].model_copy(update={"cache": False})


@pytest.mark.parametrize(("text", "script", "country"), SIGNS,
                         ids=[script for _, script, _ in SIGNS])
def test_sign_gives_country(text: str, script: str, country: str, settings: Settings,
                            tmp_path: Path) -> None:
    index = [s for _, s, _ in SIGNS].index(script)
    photo = sign_photo(text, script, size=(1000, 700), text_px=36, seed=index,
                       palette=index, tilt_deg=2.0 * (index % 2))
    path = tmp_path / f"{script}.jpg"
    photo.image.save(path, quality=90)

    result = investigate_photo(path, settings)

    assert result.error is None
    record = result.record
    read = [line["text"] for e in record["evidence"] if e["tool"] == "ocr_signage"
            for line in e["data"].get("lines", [])]
    assert record["verdict"]["country_code"] == country, (
        f"{script} sign {text!r} read as {read!r}: verdict {record['verdict']}")


def test_place_names_inside_unspaced_runs(settings: Settings) -> None:
    # The OCR joins a Thai line without spaces, so the town is inside a longer run; a piece
    # of a kana word ("うと" of "きょうと") must not name a town of its own (Uto, Kumamoto).
    from geosleuth.geo.gazetteer import Gazetteer
    from geosleuth.text.placenames import find_place_names

    gazetteer = Gazetteer.open(settings.cache_dir)

    def named(text: str) -> list[tuple[str, str]]:
        return [(c.data["place"]["name"], c.data["place"]["country"])
                for c in find_place_names(text, gazetteer) if "place" in c.data]

    assert named("ถนนสุขุมวิทกรุงเทพมหานคร") == [("Bangkok", "TH")]
    assert named("ร้านกาแฟสดอร่อยมาก") == []  # "a very tasty fresh coffee shop": no town
    assert named("きょうと京都駅") == [("Kyoto", "JP")]
    # The words after a capitalised street word name the street, not the town of the sign.
    assert named("Rua Augusta Lisboa") == [("Lisbon", "PT")]  # not Augsburg ("Augusta")
    assert named("Via Roma") == []  # not Rome


def test_hebrew_read_as_latin_lookalikes_goes_to_tesseract() -> None:
    # RapidOCR has no Hebrew letters: it reads this sign as "D'701'" (confidence 0.84).
    # Tesseract's Hebrew reading must win over such a reading of quotes and digits.
    from geosleuth_plugins.ocr_signage.reading import read_image

    from geosleuth.text.scripts import detect_scripts

    photo = sign_photo("ירושלים", "Hebrew", size=(1024, 768), text_px=32, seed=81, palette=7,
                       tilt_deg=2.0)
    lines = read_image(photo.image).lines
    assert [next(iter(detect_scripts(line.text)), "") for line in lines] == ["Hebrew"], lines
    assert "ירושלים" in lines[0].text


def test_line_read_as_punctuation_goes_to_tesseract() -> None:
    # RapidOCR reads this whole Cyrillic line as "." at confidence 0.99.
    from geosleuth_plugins.ocr_signage.reading import read_image

    photo = sign_photo("бул. Витоша София", "Cyrillic", size=(1024, 768), text_px=32,
                       seed=158, palette=18)
    read = " ".join(line.text for line in read_image(photo.image).lines)
    assert "София" in read, read
