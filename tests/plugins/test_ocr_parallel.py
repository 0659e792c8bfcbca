"""Bilingual signs: a reading in a local script confirmed by the sign's Latin line."""

from __future__ import annotations

import pytest
from geosleuth_plugins.ocr_signage import parallel
from geosleuth_plugins.ocr_signage.choice import Reading
from geosleuth_plugins.ocr_signage.lines import TextLine, box_polygon
from geosleuth_plugins.ocr_signage.reading import _finish, _spelled_out
from geosleuth_plugins.ocr_signage.tesseract_engine import Word

# (reading, a Latin line of the same real sign) from the benchmark's Indian, Korean and
# Bangladeshi signs, and a Greek name
SPELLED = [
    ("पीतमपुरा", "Pitampura"),
    ("बेकहाऊस", "PUNE BAKEHOUSE"),
    ("राजीव चौक", "Rajiv Chowk"),
    ("मण्डी", "Mandi House"),
    ("ত্রিপুরা গ্রামীণ ব্যাংক", "Tripura Gramin Bank"),
    ("বাসনা মেডিকেল হল", "BASANA MEDICAL HALL"),
    ("Θεσσαλονίκη", "Thessaloniki"),
]
# look-alike readings of those lines against their photos' Latin lines, and the place
# names of one sign against the other's
NOT_SPELLED = [
    ("ဘုဘုလလလ", "PUNE BAKEHOUSE"),
    ("ਲਟ ਤਤ", "Cheonan"),
    ("[หเห่ใสัตต่", "Tripura Gramin Bank"),
    ("สุเศัตเศรไรสิจศุ", "RAJESWARI TAILOR"),
    ("सत्यमेव जयते", "BAKERY & CAKE SHOP"),
    ("पीतमपुरा", "Barakhamba Road"),
    ("राजीव चौक", "Mandi House"),
    ("ทางออก", "Way Out"),  # a translation, not a romanisation: nothing to confirm
    ("ਤੱ ਪਾ", "UTTAM AUTO PH 8340369754"),  # two consonants: too short to tell
    # three consonants found inside a long line by chance (a real Tripura bank sign)
    ("(౧ ఇం? 1 కాం)", "A Scheduled Bank Owndd by Government- Sponsored by PUN JAB"),
]


@pytest.mark.parametrize(("reading", "latin"), SPELLED)
def test_a_romanised_reading_matches_its_latin_line(reading: str, latin: str) -> None:
    assert parallel.echoed(reading, ["Mob. 9862474922", latin]) == latin


@pytest.mark.parametrize(("reading", "latin"), NOT_SPELLED)
def test_look_alikes_and_other_names_do_not_match(reading: str, latin: str) -> None:
    assert parallel.echoed(reading, [latin]) is None


def test_the_spelled_out_reading_is_chosen_over_a_higher_scoring_look_alike() -> None:
    hindi = Reading([Word("पीतमपुरा", 0.39, 0, 80)], "Devanagari", found=False)
    thai = Reading([Word("เฉนะ|โก", 0.36, 0, 80)], "Thai", found=False)
    gujarati = Reading([Word("ક", 0.9, 0, 10), Word("ડડ", 0.9, 20, 40)], "Gujarati")
    line, chosen = _spelled_out([thai, gujarati, hindi], ["Pitampura", "CA"], gujarati)
    assert line == "Pitampura" and chosen is hindi
    # no Latin line spells any reading out: the best stands
    assert _spelled_out([thai, gujarati], ["Pitampura"], gujarati) == (None, gujarati)
    assert _spelled_out([hindi], [], hindi) == (None, hindi)
    # a line RapidOCR read as that Latin text itself is that text again, not a translation
    look_alike = Reading([Word("ΠΙΤΑΜΠΟΥΡΑ", 0.5, 0, 80)], "Greek", found=False)
    assert _spelled_out([look_alike], ["Pitampura"], look_alike, own="Pitampura") == (
        None, look_alike)
    assert _spelled_out([look_alike], ["Pitampura"], look_alike)[0] == "Pitampura"


def test_a_faint_reading_the_latin_line_spells_out_is_kept_and_says_so() -> None:
    poly = box_polygon(0, 0, 100, 20)
    faint = TextLine("पीतमपुरा", poly, 0.39, "tesseract", echo="Pitampura")
    junk = TextLine("เฉนะ", poly, 0.39, "tesseract")
    kept = _finish([faint, junk])
    assert [line.text for line in kept] == ["पीतमपुरा"]
    assert kept[0].sure and kept[0].as_dict()["spelled_out_by"] == "Pitampura"
