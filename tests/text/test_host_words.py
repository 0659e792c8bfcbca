"""Words run together in host names are read as text: "flavoursofiloilo" names Iloilo."""

from __future__ import annotations

from geosleuth.geo.gazetteer import Gazetteer
from geosleuth.model import PointConstraint
from geosleuth.text.domains import host_words, segment
from geosleuth.text.find import find_text_clues


def test_segment_splits_into_words() -> None:
    assert segment("visitlisboa") == ["visit", "lisboa"]
    assert segment("myrestaurantinbangkok") == ["my", "restaurant", "in", "bangkok"]
    assert segment("xkq") == ["xkq"]  # nothing known: left whole


def test_place_names_count_as_words_with_a_gazetteer(gazetteer: Gazetteer) -> None:
    # "iloilo" is in no small word list: without the gazetteer it falls apart
    assert "iloilo" not in segment("flavoursofiloilo")
    assert segment("flavoursofiloilo", gazetteer) == ["flavours", "of", "iloilo"]


def test_host_words_skip_www_and_the_top_level_domain() -> None:
    assert host_words("see www.visitlisboa.com/en and info@hotelsonne.at") == [
        "visit lisboa", "hotel sonne"]
    assert host_words("no address here") == []


def test_a_place_inside_a_web_address_is_a_clue_and_says_where_it_was(
        gazetteer: Gazetteer) -> None:
    clues = find_text_clues("www.flavoursofiloilo.blogspot.com", gazetteer, [])
    places = [c for c in clues if c.kind == "place_name"]
    assert [c.data["place"]["country"] for c in places] == ["PH"]
    assert places[0].data["in_web_address"] is True
    assert "inside a web address" in places[0].summary
    assert isinstance(places[0].constraint, PointConstraint)


def test_common_words_in_a_web_address_name_no_place(gazetteer: Gazetteer) -> None:
    clues = find_text_clues("www.bestpizzaonline.com", gazetteer, [])
    assert [c for c in clues if c.kind == "place_name"] == []


def test_a_name_inside_an_unspaced_line_is_not_said_to_be_in_a_web_address(
        gazetteer: Gazetteer) -> None:
    # "臺北" in "臺北車站" has letters on both sides, as a CJK name always does
    places = [c for c in find_text_clues("臺北車站", gazetteer, []) if c.kind == "place_name"]
    assert places and places[0].data["place"]["country"] == "TW"
    assert not any(c.data.get("in_web_address") for c in places)
    assert not any("web address" in c.summary for c in places)
    # with a web address beside it, the name read in the text is still the text's
    places = [c for c in find_text_clues("臺北車站 www.visitlisboa.com", gazetteer, [])
              if c.kind == "place_name"]
    assert any(c.data["place"]["country"] == "TW" and not c.data.get("in_web_address")
               for c in places)
