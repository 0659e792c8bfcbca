"""Tax and company numbers on signs: read only where the text or the layout names the format,
kept only when the check digit holds, OCR's O/0 confusions undone where digits belong."""

from __future__ import annotations

import pytest

from geosleuth.geo.gazetteer import Gazetteer
from geosleuth.model import CountryConstraint, PointConstraint
from geosleuth.text.find import find_text_clues
from geosleuth.text.tax_ids import find_tax_ids

# Valid numbers computed from each registry's published check-digit rule (python-stdnum
# implements them; the GSTIN is the one printed on a real shop sign in Patna).
GSTIN = "10BAGPK0561F1ZD"


@pytest.mark.parametrize(
    ("text", "country"),
    [
        (f"GST No- {GSTIN}", "IN"),
        (f"Hero HONDA Genuine Parts {GSTIN}", "IN"),  # the GSTIN layout names itself
        ("CNPJ: 11.222.333/0001-81", "BR"),
        ("Loja 11.222.333/0001-81", "BR"),  # a CNPJ written with its dots and slash
        ("ABN 51 824 753 556", "AU"),
        ("USt-IdNr. DE136695976", "DE"),
        ("VAT Reg No: DE136695976", "DE"),
        ("P.IVA 00743110157", "IT"),
        ("NIP: 526-025-09-95", "PL"),
    ],
)
def test_a_valid_number_names_its_country(text: str, country: str) -> None:
    clues = find_tax_ids(text)
    assert clues, text
    first = clues[0]
    assert first.kind == "tax_id"
    assert first.data["country"] == country
    assert isinstance(first.constraint, CountryConstraint)
    assert first.constraint.weights == {country: 1.0}


@pytest.mark.parametrize(
    "text",
    [
        "GST No- 10BAGPK0561F1ZE",  # check character wrong
        "DE136695976",  # a VAT number without a keyword: could be any product code
        "serial 00743110157",  # digits that happen to validate, with no keyword
        "VAT DE136695975",  # check digit wrong
        "Tel 0301234567 ABN",  # a keyword after the number, not before it
        "CNPJ: 11.222.333/0001-82",
    ],
)
def test_no_clue_without_a_keyword_or_a_check_digit(text: str) -> None:
    assert find_tax_ids(text) == []


def test_ocr_letters_for_digits_are_undone_where_digits_belong() -> None:
    # a real sign was read "GST No-10BAGPKO561F1ZD": letter O where the PAN has digits
    clues = find_tax_ids("UTTAMAUTO,IH:8340369754 GST No-10BAGPKO561F1ZD")
    assert [c.data["number"] for c in clues][:1] == [GSTIN]
    # and digits for letters where the PAN has letters ("8" for "B")
    assert find_tax_ids("GST No-108AGPK0561F1ZD")[0].data["number"] == GSTIN
    # the check character decides: the same confusion in a number that does not validate
    assert find_tax_ids("GST No-108AGPKO561F1ZE") == []


def test_a_gstin_names_its_state(gazetteer: Gazetteer) -> None:
    clues = find_tax_ids(f"GSTIN {GSTIN}", gazetteer)
    assert clues[0].data["state"] == "Bihar"
    region = [c for c in clues if isinstance(c.constraint, PointConstraint)]
    assert len(region) == 1
    c = region[0].constraint
    assert isinstance(c, PointConstraint)
    # Bihar's centre is near Patna; the circle holds the state, not a town
    assert 24.0 < c.lat < 27.5 and 83.0 < c.lon < 88.5
    assert c.radius_km >= 50
    assert c.strength < clues[0].constraint.strength


def test_text_clues_find_tax_numbers(gazetteer: Gazetteer) -> None:
    kinds = [c.kind for c in find_text_clues(f"UTTAM AUTO\nGST No- {GSTIN}", gazetteer, [])]
    assert "tax_id" in kinds
