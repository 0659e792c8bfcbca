"""The text clue finders: streets, phones, web, prices, plates, roads (the gazetteer only for
the municipality on Brazilian plates)."""

from __future__ import annotations

import pytest

from geosleuth.geo.gazetteer import Gazetteer
from geosleuth.model import CountryConstraint, PointConstraint
from geosleuth.text.domains import find_domains
from geosleuth.text.money import find_prices
from geosleuth.text.phones import find_phones
from geosleuth.text.plates import find_plates
from geosleuth.text.postcodes import find_postcodes
from geosleuth.text.quoting import quote
from geosleuth.text.roads import find_roads
from geosleuth.text.streets import find_street_words


def _countries(clue) -> list[str]:
    assert isinstance(clue.constraint, CountryConstraint)
    return list(clue.constraint.weights)


@pytest.mark.parametrize(
    ("text", "word", "country"),
    [
        ("Hauptstraße 5", "straße", "DE"),
        ("Bahnhofstr. 3", "str.", "DE"),
        ("12 rue de la Paix", "rue", "FR"),
        ("Calle Mayor", "Calle", "MX"),
        ("ul. Marszałkowska 10", "ul.", "PL"),
        ("Drottninggatan", "gatan", "SE"),
        ("北京东路", "路", "CN"),
        ("表参道通り", "通り", "JP"),
        ("세종대로", "대로", "KR"),
        ("ถนนสุขุมวิท", "ถนน", "TH"),
        ("Mannerheimintie", "tie", "FI"),
    ],
)
def test_street_words(text: str, word: str, country: str) -> None:
    clues = find_street_words(text)
    assert [c.text for c in clues] == [word]
    assert _countries(clues[0])[0] == country


@pytest.mark.parametrize("text", ["Stravinsky", "Boring Street Art", "Bow tie", "Platzhirsch"])
def test_street_words_need_the_word_not_letters_inside_another(text: str) -> None:
    assert all(c.text.casefold() == "street" for c in find_street_words(text))


def test_a_word_two_languages_use_is_one_clue() -> None:
    clues = find_street_words("172 Boulevard Saint-Germain")
    assert len(clues) == 1
    assert set(clues[0].data["languages"]) == {"fr", "en"}
    assert {"FR", "US"} <= set(_countries(clues[0]))


def test_international_phone_gives_country_and_area() -> None:
    clues = find_phones("Tel. +49 30 1234567")
    assert len(clues) == 1
    assert clues[0].data["country"] == "DE"
    assert clues[0].data["area"] == "Berlin"
    assert _countries(clues[0]) == ["DE"]  # no gazetteer: the country only


def test_national_phone_needs_a_country_hint() -> None:
    assert find_phones("Call 030 1234567") == []
    clues = find_phones("Call 030 1234567", ["DE"])
    assert clues[0].data["number"] == "+49301234567"


@pytest.mark.parametrize("text", ["Mobil +49 171 1234567"])
def test_mobile_numbers_have_no_area(text: str) -> None:
    clue = find_phones(text)[0]
    assert clue.data["area"] is None
    assert _countries(clue) == ["DE"]


@pytest.mark.parametrize("text", ["Open 10-18, since 1998", "Room 12345", "+49 12"])
def test_no_phone_in_ordinary_numbers(text: str) -> None:
    assert find_phones(text) == []


@pytest.mark.parametrize(
    ("text", "country"),
    [
        ("www.baeckerei-schmidt.de", "DE"),
        ("info@hotel-sonne.at", "AT"),
        ("https://example.co.uk/menu", "GB"),
        ("example.com.br", "BR"),
        ("Reservierung: kontakt@firma.pl", "PL"),
    ],
)
def test_country_code_domains(text: str, country: str) -> None:
    clues = find_domains(text)
    assert len(clues) == 1 and _countries(clues[0]) == [country]


@pytest.mark.parametrize("text", ["google.com", "Visit brand.io", "z.B. das", "St.Gallen", "v1.2"])
def test_generic_and_vanity_domains_say_nothing(text: str) -> None:
    assert find_domains(text) == []


@pytest.mark.parametrize(
    ("text", "currency", "country"),
    [
        ("Kaffee € 3,50", "EUR", "DE"),
        ("R$ 12,90", "BRL", "BR"),
        ("1.200 Kč", "CZK", "CZ"),
        ("₩5,000", "KRW", "KR"),
        ("ラーメン 350円", "JPY", "JP"),
        ("Kebab 5 zł", "PLN", "PL"),
        ("120 руб.", "RUB", "RU"),
        ("CHF 4.50", "CHF", "CH"),
        ("Preis 20 EUR", "EUR", "DE"),
    ],
)
def test_prices(text: str, currency: str, country: str) -> None:
    clues = find_prices(text)
    assert len(clues) == 1
    assert currency in clues[0].data["currencies"]
    assert _countries(clues[0])[0] == country


def test_euro_covers_the_eurozone_and_dollar_is_broad() -> None:
    euro = find_prices("€ 3,50")[0].data["countries"]
    assert {"DE", "FR", "IT", "ES", "HR"} <= set(euro) and "GB" not in euro
    dollar = find_prices("$ 9.99")[0].data["countries"]
    assert {"US", "CA", "AU", "MX"} <= set(dollar)


@pytest.mark.parametrize("text", ["Room 12", "Rrr 5", "Bahnhofstr. 5", "Kr 5ab"])
def test_no_price_without_a_sign_by_a_number(text: str) -> None:
    assert find_prices(text) == []


@pytest.mark.parametrize(
    ("text", "countries"),
    [
        ("ABC1D23", ["BR"]),
        ("AB-123-CD", ["FR"]),
        ("AB 123 CD", ["IT", "AR"]),
        ("1234 BCD", ["ES"]),
        ("AB12 CDE", ["GB"]),
        ("А123ВС 77", ["RU"]),
        ("12가 3456", ["KR"]),
        ("品川 300 さ 12-34", ["JP"]),
        ("京A·12345", ["CN"]),
        ("D M AB 1234", ["DE"]),
        ("RK-755AJ", ["SK"]),  # a Slovak district code, a hyphen
        ("BB-135B0", ["SK"]),  # the OCR's 0 for O in the last two letters
        ("DK641AH", ["SK", "IT", "AR"]),  # no hyphen: the Italian shape too
        ("4B0:4979", ["CZ"]),  # the OCR's colon for the space
        ("1B8 0338", ["CZ"]),
        ("BS 47040", ["NO"]),
        ("6RYJ486", ["US"]),
        ("BGB-3282", ["BR", "US"]),
        ("JSC·7486", ["BR", "US"]),
        ("群4\n.70\nま", ["JP"]),  # a Japanese plate read as three lines
        ("足5\n10-10", ["JP"]),
    ],
)
def test_plates(text: str, countries: list[str]) -> None:
    clues = find_plates(text)
    assert len(clues) == 1 and _countries(clues[0]) == countries
    # a format says where a car is registered, not where it stands: never more than the
    # share measured on real plates times a share of cars at home
    # (geosleuth.text.plates.STRENGTH, 0.95 x 0.95) allows
    assert clues[0].constraint is not None and clues[0].constraint.strength <= 0.9


@pytest.mark.parametrize("text", ["Call ABC1D23 now", "Hauptstraße 5", "E 45", "1234 AB"])
def test_no_plate_in_running_text(text: str) -> None:
    assert find_plates(text) == []


@pytest.mark.parametrize(
    ("text", "scheme", "country"),
    [
        ("E45 Göteborg", "E-road (UNECE)", "SE"),
        ("I-95 North", "US Interstate", "US"),
        ("BR-116", "Brazil federal highway", "BR"),
        ("国道1号", "Japan national route", "JP"),
        ("М-11 Москва", "Russia/Belarus/Ukraine federal road", "RU"),
        ("M25 London Orbital", "motorway M", "GB"),
        ("A7 Hamburg", "motorway/road A", "DE"),
    ],
)
def test_roads(text: str, scheme: str, country: str) -> None:
    clues = find_roads(text)
    assert clues[0].data["scheme"] == scheme
    assert country in _countries(clues[0])


def test_specific_road_schemes_are_stronger() -> None:
    interstate = find_roads("I-95")[0].constraint
    a_road = find_roads("A7")[0].constraint
    assert interstate is not None and a_road is not None
    assert interstate.strength > a_road.strength


@pytest.mark.parametrize("text", ["Mustermann 12", "Tel 030", "USD 5", "Exit 12"])
def test_no_road_in_other_numbers(text: str) -> None:
    assert find_roads(text) == []


def test_distinctive_postcodes_alone() -> None:
    assert _countries(find_postcodes("SW1A 1AA", None)[0]) == ["GB"]
    assert _countries(find_postcodes("K1A 0B1", None)[0]) == ["CA"]
    assert _countries(find_postcodes("〒100-0001", None)[0]) == ["JP"]


def test_five_digits_need_context() -> None:
    assert find_postcodes("10115 Berlin", None) == []
    assert find_postcodes("Open 10-18", None) == []
    clues = find_postcodes("10115 Berlin", None, ["DE"])
    assert _countries(clues[0]) == ["DE"]


def test_quote_escapes_text_read_in_a_photo() -> None:
    assert quote('say "hi"\nnow') == '"say \\"hi\\"\\nnow"'
    assert quote("x" * 100).endswith('…"')


def test_brazilian_tarja_gives_the_municipality_of_registration(gazetteer: Gazetteer) -> None:
    clues = find_plates("G1\nJSC·7486\nBA-SALVADOR", gazetteer)
    registration = [c for c in clues if c.kind == "plate_registration"]
    assert len(registration) == 1
    point = registration[0].constraint
    assert isinstance(point, PointConstraint)
    assert abs(point.lat - -12.97) < 0.2 and abs(point.lon - -38.5) < 0.2  # Salvador, Bahia
    assert point.radius_km >= 30 and point.strength <= 0.5
    assert "not where it stands" in registration[0].summary
    # OCR without the spaces, or with a misread letter, in the state the tarja names
    spaced = find_plates("ES-CACHOEIRODEITAPEMIRIM", gazetteer)
    assert spaced and spaced[0].data["municipality"] == "Cachoeiro de Itapemirim"
    assert find_plates("BA-SALYADOR", gazetteer)[0].data["municipality"] == "Salvador"
    # a state abbreviation that is not the town's state finds nothing
    assert find_plates("SP-SALVADOR", gazetteer) == []
    assert find_plates("BA-SALVADOR") == []  # no gazetteer, no municipality


def test_the_tarja_tells_a_brazilian_plate_from_a_us_one(gazetteer: Gazetteer) -> None:
    """"JSC-7486" is a shape Brazil and the US share; the tarja above it is Brazilian."""
    clues = [c for c in find_plates("JSC·7486\nBA-SALVADOR", gazetteer) if c.kind == "plate"]
    assert sorted(_countries(c) for c in clues) == [["BR"], ["BR", "US"]]
    tarja = next(c for c in clues if _countries(c) == ["BR"])
    assert tarja.text == "BA-SALVADOR" and "tarja" in tarja.summary
    # no municipality of the state found, no tarja
    assert [_countries(c) for c in find_plates("JSC·7486\nSP-SALVADOR", gazetteer)] == [
        ["BR", "US"]]


@pytest.mark.parametrize(
    ("text", "state"),
    [
        ("TEXAS\nBGB-3282", "Texas"),
        ("YX8803\nARIZONA", "Arizona"),
        ("NewJersey\n10-DTM59\nXK", "New Jersey"),  # the OCR runs the words together
        ("WASHINGTON, DC\nCC=2881\nTAXATION WITHOUT REPRESENTATION", "District of Columbia"),
    ],
)
def test_a_us_state_name_beside_a_plate_number_is_a_us_plate(text: str, state: str) -> None:
    clues = [c for c in find_plates(text) if c.data.get("state")]
    assert len(clues) == 1 and _countries(clues[0]) == ["US"]
    assert clues[0].data["state"] == state
    assert clues[0].constraint is not None and clues[0].constraint.strength <= 0.9
    assert "registered" in clues[0].summary


def _americas(lat, lon):
    """A toy country lookup: Brazil and the US as boxes, everything else sea."""
    import numpy as np

    out = np.full(len(lat), "", dtype="<U2")
    out[(lat > -33) & (lat < 5) & (lon > -73) & (lon < -35)] = "BR"
    out[(lat > 25) & (lat < 49) & (lon > -125) & (lon < -67)] = "US"
    return out


@pytest.mark.parametrize(("text", "country"), [("JSC·7486\nBA-SALVADOR", "BR"),
                                               ("TEXAS\nBGB-3282", "US")])
def test_the_printed_words_decide_a_shared_plate_shape(text: str, country: str,
                                                       gazetteer: Gazetteer) -> None:
    from geosleuth.fusion.posterior import posterior
    from geosleuth.fusion.verdicts import country_mass
    from geosleuth.model import Evidence

    evidence = [Evidence(id=f"E{i}", tool="text_clues", tool_version="1", summary=c.summary,
                         constraint=c.constraint, basis="read")
                for i, c in enumerate(find_plates(text, gazetteer), 1)]
    post = posterior(evidence, _americas)
    other = {"BR": "US", "US": "BR"}[country]
    assert (country_mass(post, country, _americas) or 0) >= 0.85
    assert (country_mass(post, other, _americas) or 0) <= 0.05
    # the number's shape alone leaves it open
    alone = [e for e in evidence if "format" in e.summary]
    shared = posterior(alone, _americas)
    assert (country_mass(shared, country, _americas) or 0) < 0.75


@pytest.mark.parametrize("text", [
    "TEXAS",  # no number
    "TEXAS\n2014-04-28 06:40:28",  # a time stamp is no plate
    "Visit TEXAS\nAB12345",  # the name inside a sentence
    "GEORGIA\nTBILISI",  # no digits
])
def test_a_state_name_without_a_plate_is_no_plate(text: str) -> None:
    assert [c for c in find_plates(text) if c.data.get("state")] == []


def test_a_number_whose_area_is_its_whole_country_gives_no_circle(gazetteer: Gazetteer) -> None:
    # libphonenumber describes some Indian mobile numbers as "India": a circle at the
    # country's centre would be a wrong place, not an area
    clue = find_phones("Mob. 8340369754", ["IN"], gazetteer)[0]
    assert clue.data["country"] == "IN"
    assert "place" not in clue.data
    assert _countries(clue) == ["IN"]
