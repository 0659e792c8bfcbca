"""Look-alike scripts: Thai and the Brahmic scripts, whose Tesseract models read each
other's glyphs. The weighing by words, the doubt a reading keeps, and the photo-level rule."""

from __future__ import annotations

import pytest
from geosleuth_plugins.ocr_signage import choice, lookalikes
from geosleuth_plugins.ocr_signage.choice import Reading, best_reading, why_in_doubt
from geosleuth_plugins.ocr_signage.lines import TextLine
from geosleuth_plugins.ocr_signage.tesseract_engine import Word


def reading_of(text: str, script: str, conf: float, found: bool = True) -> Reading:
    return Reading([Word(text, conf, 0, 10 * len(text))], script, found)


def test_words_of_the_language_are_confirmed_and_look_alikes_are_not() -> None:
    assert lookalikes.confirmed("ทางออก", "Thai")  # "way out"
    assert lookalikes.confirmed("ถนนสุขุมวิท", "Thai")
    assert not lookalikes.confirmed("สรเม์ธรร", "Thai")  # the Thai model's reading of Hindi
    assert lookalikes.confirmed("कार्यालय", "Devanagari")  # "office"
    assert lookalikes.confirmed("राजीव चौक", "Devanagari")
    assert lookalikes.lexical_share("ଆଦିତ୍ୟ", "Oriya") is None  # no word list: neutral
    assert lookalikes.weight("ଆଦିତ୍ୟ", "Oriya") == lookalikes.UNKNOWN_WEIGHT
    assert lookalikes.weight("Невский", "Cyrillic") == 1.0  # not a look-alike script


def test_a_confident_look_alike_loses_to_the_words_of_the_right_script() -> None:
    # A real Bihar sign: the Thai model read "कार्यालय" at 0.80, the Hindi one at 0.53.
    thai = reading_of("สรเม์ธรร", "Thai", 0.80)
    hindi = reading_of("कार्यालय", "Devanagari", 0.53)
    assert thai.raw > hindi.raw and hindi.score > thai.score
    assert best_reading([thai, hindi]) is hindi
    # Words count as found even from a later read: no retry margin against them. (The
    # same line: the mixed read made "writes" of it at 0.55, Hindi alone read it at 0.61.)
    late = reading_of("कार्यालय", "Devanagari", 0.61, found=False)
    latin = reading_of("writes", "Latin", 0.55)
    assert late.score < latin.score + choice.RETRY_MARGIN
    assert best_reading([latin, late]) is late


def test_a_reading_that_is_not_words_stays_in_doubt(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(choice, "pack_for_script", lambda script: "x")  # every pack here
    thai = reading_of("ฑิสิตแรด", "Thai", 0.57)
    malayalam = reading_of("ആഞ്ഞല്", "Malayalam", 0.62)
    assert "uncertain" in why_in_doubt(thai, [thai, malayalam])
    sure_thai = reading_of("ทางออก", "Thai", 0.95)
    assert why_in_doubt(sure_thai, [sure_thai, malayalam]) == ""
    assert "too short" in why_in_doubt(reading_of("ເມ", "Lao", 0.9), [])
    # A pack of the family missing: an unconfirmed reading names the install line.
    monkeypatch.setattr(choice, "pack_for_script",
                        lambda script: None if script == "Oriya" else "x")
    odia_as_thai = reading_of("ขยเฉือง", "Thai", 0.79)
    doubt = why_in_doubt(odia_as_thai, [odia_as_thai])
    assert "tesseract-ocr-ori" in doubt and "Oriya" in doubt


def test_a_line_in_doubt_is_shown_but_not_sure() -> None:
    line = TextLine("ฑิสิตแรด", ((0, 0), (9, 0), (9, 3), (0, 3)), 0.8, "tesseract",
                    doubt="the script is uncertain")
    assert not line.sure
    assert line.as_dict()["doubt"] == "the script is uncertain"
    assert TextLine("x", line.polygon, 0.8, "tesseract").sure


def test_a_weak_found_script_does_not_hold_off_the_family() -> None:
    # A rendered Odia sign: the mixed read found Cyrillic look-alikes at 0.44; the Odia
    # pack, read later, 0.59. Odia has no word list, yet it wins: the found reading is weak.
    cyrillic = reading_of("фебече вот вчае", "Cyrillic", 0.44)
    odia = reading_of("ଭୁବନେଶ୍ବର ରେଳ", "Oriya", 0.59, found=False)
    assert best_reading([cyrillic, odia]) is odia
    # A found reading that is strong still needs the retry margin against it.
    strong = reading_of("Невский проспект", "Cyrillic", 0.9)
    assert best_reading([strong, odia]) is strong


def test_three_letters_of_a_script_without_a_word_list_are_too_few() -> None:
    # A rendered Devanagari "मुंबई सेंट्रल" at 20 px came out as three Georgian letters at
    # 0.81; Georgian has no word list here to confirm a reading, so it needs four.
    georgian = reading_of("თათ", "Georgian", 0.81)
    assert "too short" in why_in_doubt(georgian, [georgian])
    assert why_in_doubt(reading_of("თბილისი", "Georgian", 0.9), []) == ""


class _OneWordReader:
    """A Tesseract stand-in that reads every crop as the same word."""

    name = "tesseract"

    def __init__(self, word: Word) -> None:
        self.word = word

    def read_crops(self, crops: list[object], languages: list[str]) -> list[list[Word]]:
        return [[self.word] for _ in crops]


def reread(reader: _OneWordReader, line: TextLine, lang: str) -> tuple[list[TextLine], list[str]]:
    """``line`` (on a blank 400 x 100 image) through ``_tesseract_reads`` with ``reader``."""
    from geosleuth_plugins.ocr_signage.reading import _tesseract_reads
    from PIL import Image

    image = Image.new("RGB", (400, 100), "white")
    return _tesseract_reads(reader, image, [line], [lang], keep_rapidocr=True)  # type: ignore[arg-type]


def test_a_reading_in_doubt_does_not_replace_a_sure_rapidocr_line() -> None:
    from geosleuth_plugins.ocr_signage.lines import box_polygon

    # A real plate: RapidOCR read "RK-857A1" at 0.80 (sure, but below the confidence at
    # which Tesseract is not asked); Tesseract's one Armenian letter is too short to trust.
    plate = TextLine("RK-857A1", box_polygon(20, 20, 380, 80), 0.8, "rapidocr")
    unsure_plate = TextLine("RK-857A1", plate.polygon, 0.6, "rapidocr")
    reader = _OneWordReader(Word("Ռ", 0.93, 0, 20))
    kept, _ = reread(reader, plate, "hye")
    assert kept == [plate]
    # RapidOCR unsure: the Armenian reading is shown, in doubt (not sure)
    (shown,), notes = reread(reader, unsure_plate, "hye")
    assert shown.engine == "tesseract" and shown.doubt and not shown.sure
    assert any("too short" in n for n in notes)


def test_a_script_confirmed_elsewhere_in_the_photo_wins_a_close_call() -> None:
    from geosleuth_plugins.ocr_signage.choice import prefer_settled

    # A real Patna office sign: its first line is the Hindi word "कार्यालय"; the Gujarati
    # model read the next line a little better than the Hindi one.
    gujarati = Reading([Word("તારોના", 0.75, 0, 60), Word("પ્રસાવ", 0.75, 70, 130),
                        Word("રાય", 0.75, 140, 170)], "Gujarati")
    hindi = Reading([Word("दारोगा", 0.57, 0, 60), Word("प्रसाद", 0.57, 70, 130),
                     Word("पथ", 0.57, 140, 170)], "Devanagari")
    options = [gujarati, hindi]
    best = best_reading(options)
    assert best is gujarati and hindi.score >= gujarati.score - choice.AMBIGUOUS_MARGIN
    settled = frozenset({"Devanagari"})
    assert prefer_settled(best, options, settled) is hindi
    # ... and a rival family reading does not put a line in a settled script in doubt
    odd = Reading([Word("दारो", 0.6, 0, 40), Word("गाप्र", 0.6, 50, 90)], "Devanagari")
    rival = Reading([Word("તારો", 0.62, 0, 40), Word("નાપ્ર", 0.62, 50, 90)], "Gujarati")
    assert "uncertain" in why_in_doubt(odd, [odd, rival])
    assert why_in_doubt(odd, [odd, rival], settled) == ""
    # no script settled in the photo, or one far behind: the best reading stands
    assert prefer_settled(best, options, frozenset()) is gujarati
    far = Reading([Word("दा", 0.3, 0, 20)], "Devanagari")
    assert prefer_settled(best, [gujarati, far], settled) is gujarati
    # a reading confirmed as words of its own script is not replaced
    thai = reading_of("ทางออก", "Thai", 0.8)
    assert prefer_settled(thai, [thai, hindi], settled) is thai


def test_rapidocr_words_are_not_replaced_by_a_reading_that_is_not_words() -> None:
    from geosleuth_plugins.ocr_signage.lines import box_polygon

    assert lookalikes.latin_words("NOTICE") and lookalikes.latin_words("Rua Augusta")
    assert not lookalikes.latin_words("DH7-X317") and not lookalikes.latin_words("XQZKV")
    # A real sign: RapidOCR read "NOTICE" at 0.85 (unsure: Tesseract is asked), and the
    # Thai model made "เพบแแบธ" (no Thai word) of it at 0.88, more than RapidOCR's confidence.
    notice = TextLine("NOTICE", box_polygon(20, 20, 380, 80), 0.85, "rapidocr")
    junk = TextLine("XQ7-ZK", notice.polygon, 0.85, "rapidocr")
    reader = _OneWordReader(Word("เพบแแบธ", 0.88, 0, 70))
    kept, _ = reread(reader, notice, "tha")
    assert kept == [notice]
    # RapidOCR's reading that is no word has no such claim: the Thai reading is shown
    (shown,), _ = reread(reader, junk, "tha")
    assert shown.engine == "tesseract" and shown.text == "เพบแแบธ"


@pytest.mark.parametrize(("text", "script"), [("Μον", "Greek"), ("בדו", "Hebrew"),
                                              ("मरना", "Devanagari"), ("টানা", "Bengali")])
def test_a_short_word_does_not_vouch_for_a_reading_tesseract_is_unsure_of(
        text: str, script: str) -> None:
    """Real boxes came out as these at a low confidence: three were textures or Latin
    text, the Devanagari one a battery brand's "अमरॉन" misread. Each is a word of its
    language, so it used to be trusted, whatever Tesseract's confidence. Sure of it,
    Tesseract's word still counts; a longer word still vouches for an unsure reading
    ("पीतमपुरा", 0.39)."""
    assert lookalikes.confirmed(text, script)
    unsure = reading_of(text, script, 0.3)
    assert "low confidence" in why_in_doubt(unsure, [unsure])
    sure = reading_of(text, script, 0.9)
    assert why_in_doubt(sure, [sure]) == ""
    assert why_in_doubt(reading_of("कार्यालय", "Devanagari", 0.3), []) == ""
