"""A misspelt clue kind is refused with "did you mean"; free text stays a note; countries
are given by code or by name."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from geosleuth.agent.clues import CountryClue, parse_clue
from geosleuth.agent.investigator import read_input
from geosleuth.errors import BadInputError
from geosleuth.testing import render_photo


@pytest.mark.parametrize(("text", "kind"), [
    ("contry: PT", "country"), ("Contry: PT", "country"), ("shaddow: height=1.8m", "shadow"),
    ("not country: FR", "not-country"), ("notcountry: FR", "not-country"),
    ("dat: 2024-06-01", "date"), ("tme: 2024-06-01", "time"), ("pont: 1, 2", "point"),
    ("plase: Lisbon", "place"), ("nte: blurry", "note"),
])
def test_a_misspelt_kind_is_refused_with_a_suggestion(text: str, kind: str) -> None:
    with pytest.raises(BadInputError) as info:
        read_input(text)
    head = text.partition(":")[0]
    assert str(info.value) == f"clue {text!r}: unknown kind {head!r}; did you mean '{kind}:'?"


def test_the_clue_parser_suggests_too() -> None:
    with pytest.raises(BadInputError, match=r"not understood: did you mean 'country:'\?$"):
        parse_clue("contry: PT")
    with pytest.raises(BadInputError, match="not understood: start it with one of shadow:"):
        parse_clue("weather: sunny")


@pytest.mark.parametrize("text", [
    "Rua Augusta sign, blue", "Taken at 10:30 by my aunt", "my note: the bus is yellow",
    "Street: Rua Augusta", "Location: somewhere in Portugal", "country code: PT",
    "Note that the sign says: Lisboa", "http://example.com/photo",
])
def test_free_text_stays_a_note(text: str) -> None:
    item = read_input(text)
    assert item.kind == "note" and item.body == text


@pytest.mark.parametrize(("body", "codes"), [
    ("France", ("FR",)), ("france", ("FR",)), ("PT", ("PT",)), ("pt", ("PT",)),
    ("United States", ("US",)), ("the United States", ("US",)), ("USA", ("US",)),
    ("U.S.", ("US",)), ("UK", ("GB",)), ("Britain", ("GB",)), ("Great Britain", ("GB",)),
    ("Holland", ("NL",)), ("South Korea", ("KR",)), ("Korea, Republic of", ("KR",)),
    ("Deutschland", ("DE",)), ("Ivory Coast", ("CI",)), ("Czech Republic", ("CZ",)),
    ("FR, Belgium", ("FR", "BE")), ("fr BE", ("FR", "BE")), ("Spain; Portugal / FR",
                                                            ("ES", "PT", "FR")),
])
def test_country_names_are_accepted_where_codes_are(body: str, codes: tuple[str, ...]) -> None:
    for kind in ("country", "not-country"):
        clue = read_input(f"{kind}: {body}").clue
        assert isinstance(clue, CountryClue)
        assert clue.codes == codes and clue.negated is (kind == "not-country")


@pytest.mark.parametrize(("body", "message"), [
    ("Frnace", "'Frnace' is not an ISO 3166 alpha-2 country code (like FR) or a country name;"
               " did you mean 'France'?"),
    ("United Stats", "'United Stats' is not an ISO 3166 alpha-2 country code (like FR) or a"
                     " country name; did you mean 'United States'?"),
    ("Narnia", "'Narnia' is not an ISO 3166 alpha-2 country code (like FR) or a country name"),
    ("FR, XX", "'XX' is not an ISO 3166 alpha-2 country code (like FR) or a country name"),
])
def test_an_unknown_country_says_what_it_may_be(body: str, message: str) -> None:
    with pytest.raises(BadInputError) as info:
        parse_clue(f"country: {body}")
    assert str(info.value) == f"clue 'country: {body}': {message}"


def test_locate_with_a_misspelt_clue_is_one_line_and_exit_2(tmp_path: Path) -> None:
    photo = render_photo(tmp_path / "p.jpg", size=(320, 240))
    proc = subprocess.run([sys.executable, "-m", "geosleuth", "locate", str(photo), "--out",
                           str(tmp_path / "cases"), "--clue", "contry: PT"],
                          capture_output=True, text=True, timeout=300, check=False)
    assert proc.returncode == 2
    assert proc.stderr.strip().splitlines()[-1] == (
        "geosleuth: clue 'contry: PT': unknown kind 'contry'; did you mean 'country:'?")
    assert not (tmp_path / "cases").exists()
