"""Every clue hidden in sign text, from every finder in ``geosleuth.text``, in one call.

The order matters: a distance sign's places are where the road goes, not where the sign
stands, so they are not read as place names; the countries the place names, web
addresses and tax numbers point at let national phone numbers and postcodes be read.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from geosleuth.text.clue import TextClue

if TYPE_CHECKING:
    from geosleuth.geo.gazetteer import Gazetteer


def _hint_languages(hint: list[str]) -> list[str]:
    from geosleuth.text.languages import official_languages

    out: list[str] = []
    for code in hint:
        out += [lang for lang in official_languages(code)[:2] if len(lang) == 2]
    return out


def _from_host(clue: TextClue, named_text: str) -> TextClue:
    """Say so when a place name was found only inside a web address's run-together words.

    Host names are read in ASCII letters, so a name with other letters was read in the
    text itself (a CJK name inside an unspaced line, "臺北" in "臺北車站", has letters on
    both sides and would fail the word test below)."""
    import regex

    if not clue.text.isascii():
        return clue

    word = rf"(?<![\p{{L}}\p{{N}}]){regex.escape(clue.text)}(?![\p{{L}}\p{{N}}])"
    if regex.search(word, named_text, flags=regex.IGNORECASE):
        return clue
    return replace(clue, summary=clue.summary + "; found inside a web address",
                   data={**clue.data, "in_web_address": True})


def find_text_clues(
    text: str, gazetteer: Gazetteer | None, country_hint: list[str]
) -> list[TextClue]:
    """Every clue in ``text``; the gazetteer-backed ones only when a gazetteer is given."""
    from geosleuth.text.distance_signs import find_distance_signs, parse_distances
    from geosleuth.text.domains import find_domains, host_words
    from geosleuth.text.money import find_prices
    from geosleuth.text.phones import find_phones
    from geosleuth.text.placenames import find_place_names
    from geosleuth.text.plates import find_plates
    from geosleuth.text.postcodes import find_postcodes
    from geosleuth.text.roads import find_roads
    from geosleuth.text.streets import find_street_words
    from geosleuth.text.tax_ids import find_tax_ids

    clues: list[TextClue] = []
    distance = find_distance_signs(text, gazetteer, country_hint)
    named_text = text
    if distance:
        # places on a distance sign are where the road goes, not where the sign stands
        for pair in parse_distances(text):
            named_text = named_text.replace(pair.text, " ")
    # words run together in web addresses ("flavoursofiloilo") are read as text too
    hosts = host_words(text, gazetteer) if gazetteer is not None else []
    places: list[TextClue] = []
    if gazetteer is not None:
        places = find_place_names("\n".join([named_text, *hosts]), gazetteer, country_hint,
                                  _hint_languages(country_hint))
        if hosts:
            places = [_from_host(c, named_text) for c in places]
    clues += places
    clues += find_street_words(text)
    web = find_domains(text)
    tax = find_tax_ids(text, gazetteer)
    context = set(country_hint)
    for clue in places + web + tax:
        data = clue.data
        if isinstance(data.get("place"), dict) and data["place"].get("country"):
            context.add(data["place"]["country"])
        if isinstance(data.get("country"), str) and data["country"]:
            context.add(data["country"])
        if isinstance(data.get("countries"), list):
            context.update(data["countries"])
    # national phone numbers and postcodes are read in the countries the text points at
    clues += find_phones(text, sorted(context), gazetteer)
    clues += web
    clues += tax
    clues += find_postcodes(text, gazetteer, context)
    clues += find_plates(text, gazetteer)
    clues += find_prices(text)
    clues += find_roads(text)
    clues += distance
    return clues
