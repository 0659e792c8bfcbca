"""Country facts: names in many languages, codes, languages, driving side."""

from __future__ import annotations

import pytest

from geosleuth.geo.countries import (
    all_countries,
    countries_for_calling_code,
    countries_for_tld,
    countries_speaking,
    country,
    find_country,
    normalise_language,
)
from geosleuth.geo.country_driving import LEFT_DRIVING


def test_facts_of_one_country() -> None:
    gr = country("gr")
    assert gr is not None
    assert (gr.code, gr.iso3, gr.name) == ("GR", "GRC", "Greece")
    assert gr.names["el"] == "Ελλάδα" and gr.names["de"] == "Griechenland"
    assert gr.names["ja"] == "ギリシャ"
    assert gr.capital == "Athens"
    assert gr.capital_lat == pytest.approx(37.98, abs=0.1)
    assert gr.capital_lon == pytest.approx(23.73, abs=0.1)
    assert gr.languages[0] == "el"
    assert (gr.calling_code, gr.tld, gr.currency) == ("+30", ".gr", "EUR")
    assert (gr.continent, gr.continent_code) == ("Europe", "EU")
    assert gr.area_km2 and gr.area_km2 > 100_000
    assert gr.population and gr.population > 10_000_000
    assert set(gr.neighbours) == {"AL", "MK", "TR", "BG"}
    assert country("ZZ") is None


@pytest.mark.parametrize(
    ("code", "side"), [("GB", "left"), ("JP", "left"), ("IN", "left"), ("FR", "right"),
                       ("US", "right"), ("ZA", "left"), ("SE", "right")],
)  # fmt: skip
def test_driving_side(code: str, side: str) -> None:
    facts = country(code)
    assert facts is not None and facts.driving_side == side


def test_left_driving_table_names_real_countries() -> None:
    known = {c.code for c in all_countries()}
    assert known >= LEFT_DRIVING
    assert 240 < len(known) < 260


@pytest.mark.parametrize(
    ("name", "code"),
    [("Deutschland", "DE"), ("Ελλάδα", "GR"), ("日本", "JP"), ("Allemagne", "DE"),
     ("germany", "DE"), ("Россия", "RU"), ("中国", "CN"), ("Côte d’Ivoire", "CI"),
     ("Cote d'Ivoire", "CI"), ("España", "ES"), ("DE", "DE"), ("DEU", "DE")],
)  # fmt: skip
def test_find_country_in_any_language(name: str, code: str) -> None:
    assert find_country(name) == code


def test_find_country_unknown() -> None:
    assert find_country("Atlantis") is None
    assert find_country("") is None


def test_tld_and_calling_codes() -> None:
    assert countries_for_tld(".de") == ["DE"]
    assert countries_for_tld("UK") == ["GB"]
    assert countries_for_tld("zz") == []
    assert countries_for_calling_code("+49") == ["DE"]
    assert set(countries_for_calling_code("+44")) == {"GB", "GG", "IM", "JE"}
    assert countries_for_calling_code("1-876") == ["JM"]
    nanp = countries_for_calling_code("+1")
    assert {"US", "CA", "JM", "PR"} <= set(nanp)
    assert countries_for_calling_code("abc") == []


def test_countries_speaking() -> None:
    pt = countries_speaking("pt")
    assert pt["PT"] == 1.0 and pt["BR"] == 1.0
    assert 0 < pt["MO"] < 1.0  # a second language there
    assert countries_speaking("deu") == countries_speaking("de")
    assert countries_speaking("de")["AT"] == 1.0
    assert countries_speaking("pt-BR") == pt
    assert countries_speaking("xx") == {}


def test_normalise_language() -> None:
    assert normalise_language("de-AT") == "de"
    assert normalise_language("fra") == "fr"
    assert normalise_language("cmn") == "zh"
    assert normalise_language("haw") == "haw"
