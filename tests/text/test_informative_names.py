"""A name read in a photo counts as far as it would be unlikely elsewhere: common words and
brands, twin towns, and alternate names in a script foreign to the place do not place it."""

from __future__ import annotations

import pytest

from geosleuth.geo.gazetteer import Gazetteer
from geosleuth.text.placenames import find_place_names, strength_of
from geosleuth.text.wordfreqs import distinctiveness, phrase_zipf


def _places(text: str, gazetteer: Gazetteer) -> list[tuple[str, str]]:
    return [(c.data.get("place", {}).get("name") or c.data.get("country"),
             c.data.get("place", {}).get("country") or c.data.get("country"))
            for c in find_place_names(text, gazetteer)]


@pytest.mark.parametrize("word", ["HONDA", "METRO", "STOP", "Mobile"])
def test_a_common_word_or_a_brand_names_no_place(word: str, gazetteer: Gazetteer) -> None:
    assert _places(word, gazetteer) == []


def test_a_latin_name_alone_of_a_place_that_writes_another_script_is_weak(
        gazetteer: Gazetteer) -> None:
    """TOYOTA on a car names a city of 420,000 in Japan, where signs are in Japanese."""
    clues = find_place_names("TOYOTA", gazetteer)
    assert all(c.constraint.strength <= 0.2 for c in clues)
    assert all(c.data.get("romanised_only") for c in clues if c.data.get("place"))


def test_a_twin_town_is_not_where_the_sign_stands(gazetteer: Gazetteer) -> None:
    found = _places("EPPING\nTwinned with\nEPPINGEN\nGermany", gazetteer)
    assert all(country != "DE" for _, country in found)
    found = _places("Stadt Lindau\nPartnerstadt von Chelmsford", gazetteer)
    assert all(country != "GB" for _, country in found)


def test_a_name_next_to_a_local_script_names_a_place_of_that_script(
        gazetteer: Gazetteer) -> None:
    """"愚园路 Yuyuan Rd." is a Shanghai street; GeoNames' Chinese name of an English town
    that resembles it is not evidence."""
    assert all(country in {"CN", "TW", "HK", "SG", "MO", "JP"}
               for _, country in _places("愚园路 Yuyuan Rd.", gazetteer))
    japanese = "避難場所\n(逃げるところ)\n大成小学校"
    assert all(country == "JP" for _, country in _places(japanese, gazetteer))


def test_a_famous_name_still_counts(gazetteer: Gazetteer) -> None:
    assert ("Lisbon", "PT") in _places("Rua Augusta\nLisboa", gazetteer)


def test_the_strength_of_a_lone_word_falls_with_a_small_place(gazetteer: Gazetteer) -> None:
    [big] = [m for m in gazetteer.lookup("Lisbon", limit=3) if m.place.kind == "city"][:1]
    small = next(m for m in gazetteer.lookup("Vaduz", limit=5) if m.place.kind == "city")
    assert strength_of(big, 1.0, 1) > strength_of(small, 1.0, 1)
    assert strength_of(small, 1.0, 2) > strength_of(small, 1.0, 1)  # a name of two words


def test_a_phrase_is_rarer_than_its_words() -> None:
    assert phrase_zipf("Löwen-Apotheke") < phrase_zipf("Apotheke")
    assert distinctiveness("Stop") < 0.01 < distinctiveness("Löwen-Apotheke") == 1.0


def test_a_glyph_glued_to_a_name_does_not_hide_it(gazetteer: Gazetteer) -> None:
    # The OCR joined a Han glyph of a sign behind a plate to the plate's state name.
    names = [c.data["place"]["name"] for c in find_place_names("大TEXAS", gazetteer)]
    assert names == ["Texas"]


def test_a_distinctive_name_of_a_small_place_counts_in_full(gazetteer: Gazetteer) -> None:
    # a lone word of 9 letters in no language's word list, naming one place of 2,000
    # people: chance does not make that match (a real Delhi Metro roundel)
    clues = find_place_names("Pitampura", gazetteer)
    assert [c.data["place"]["country"] for c in clues] == ["IN"]
    assert clues[0].constraint.strength >= 0.5


def test_a_near_miss_of_a_small_place_is_still_noise(gazetteer: Gazetteer) -> None:
    # the size limit still holds for a fuzzy match of a small place
    assert _places("Pitanpura", gazetteer) == []


def test_distinctive_needs_a_long_rare_word_with_few_namesakes(gazetteer: Gazetteer) -> None:
    from geosleuth.text.name_candidates import candidates
    from geosleuth.text.placenames import distinctive

    def check(text: str, frequency: float) -> bool:
        cand = next(c for c in candidates(text) if c.text == text)
        return distinctive(cand, frequency, gazetteer.lookup(text, limit=10))

    assert check("Pitampura", 0.0)
    assert not check("Pitampura", 2.5)  # a word some language uses
    assert not check("Augusta", 0.0)  # seven letters, and a dozen namesakes
