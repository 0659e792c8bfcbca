"""Unicode script detection on sign-like strings in many writing systems."""

from __future__ import annotations

import pytest

from geosleuth.text.scripts import KANA, detect_scripts, dominant_script, script_counts


@pytest.mark.parametrize(
    ("text", "script"),
    [
        ("Hauptstraße 5", "Latin"),
        ("Улица Ленина", "Cyrillic"),
        ("Οδός Ερμού", "Greek"),
        ("北京东路", "Han"),
        ("ひらがな", KANA),
        ("カタカナ", KANA),
        ("서울역", "Hangul"),
        ("شارع الملك فهد", "Arabic"),
        ("רחוב הרצל", "Hebrew"),
        ("ถนนสุขุมวิท", "Thai"),
        ("नई दिल्ली", "Devanagari"),
        ("কলকাতা", "Bengali"),
        ("சென்னை", "Tamil"),
        ("თბილისი", "Georgian"),
        ("Երևան", "Armenian"),
        ("አዲስ አበባ", "Ethiopic"),
        ("ភ្នំពេញ", "Khmer"),
        ("ⵜⴰⵎⴰⵣⵉⵖⵜ", "Tifinagh"),
        ("Ｔｏｋｙｏ", "Latin"),  # fullwidth Latin is still Latin
    ],
)
def test_single_script(text: str, script: str) -> None:
    shares = detect_scripts(text)
    assert list(shares) == [script]
    assert shares[script] == pytest.approx(1.0)
    assert dominant_script(text) == script


def test_japanese_mix_reports_kana_and_han() -> None:
    shares = detect_scripts("ラーメンの店 東京")
    # ラ ー メ ン の 店 東 京 -> 5 kana (the prolonged mark counts), 3 Han
    assert shares == {KANA: pytest.approx(5 / 8), "Han": pytest.approx(3 / 8)}


def test_mixed_hangul_and_latin_shares() -> None:
    shares = detect_scripts("서울 Seoul 56 km")
    assert shares["Latin"] == pytest.approx(7 / 9)
    assert shares["Hangul"] == pytest.approx(2 / 9)
    assert next(iter(shares)) == "Latin"


def test_no_letters_no_script() -> None:
    assert detect_scripts("€ 12,50 — 56!") == {}
    assert detect_scripts("") == {}
    assert dominant_script("1234") is None


def test_combining_marks_are_not_counted() -> None:
    # "दि" is a letter plus a vowel sign (a combining mark): one letter
    assert script_counts("दि") == {"Devanagari": 1}


def test_unlisted_script_is_other() -> None:
    assert detect_scripts("ᚠᚢᚦ") == {"Other": 1.0}  # Runic
