"""Business registration and tax numbers on signs -> the country (and state) they belong to.

Shops, workshops and offices print their tax or company number by law in several
countries: India's GSTIN ("GST No.- 10BAGPK0561F1ZD"), Brazil's CNPJ, the VAT numbers of
the EU, Australia's ABN, the RUC/RUT/CUIT/NIT/RFC of Latin America. Each has a fixed
layout and a check digit, so a number that validates names its country with little doubt.
Validation is python-stdnum's (the formats and check digits of each registry); this
module only finds candidates in OCR'd text and decides which format a candidate is read in.

A candidate is read as a format only where the text says which: a keyword ("GST", "VAT",
"CNPJ", "ABN" ... within a few characters before the number), or a layout that names the
country by itself and carries a check digit (a GSTIN's 15 characters with its "Z", a CNPJ
written "12.345.678/0001-95", an EU VAT number with its country prefix after a VAT
keyword). A bare string of digits that happens to validate is not a clue: most short
check-digit schemes accept one random number in ten.

OCR confuses O and 0, I and 1 (a real Patna sign read "10BAGPKO561F1ZD"); a candidate is
also tried with those letters read as digits where its format wants digits, and kept only
when the check digit then holds.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import regex

from geosleuth.model import CountryConstraint, PointConstraint
from geosleuth.text.clue import TextClue
from geosleuth.text.quoting import quote

if TYPE_CHECKING:
    from geosleuth.geo.gazetteer import Gazetteer

# Judged, not measured (no real photo here but one carries such a number): a registered
# business's sign stands in its country nearly always; branches abroad print the local
# number. Lower for the state of a GSTIN: a business registers in each state it trades in,
# but a sign may advertise a dealer of a neighbouring state.
STRENGTH = 0.8
STATE_STRENGTH = 0.6
DEFAULT = 0.05  # the weight left to other countries

_TO_DIGIT = str.maketrans({"O": "0", "o": "0", "Q": "0", "D": "0", "I": "1", "l": "1",
                           "|": "1", "S": "5", "B": "8", "Z": "2"})
_TO_LETTER = str.maketrans({"0": "O", "1": "I", "5": "S", "8": "B", "2": "Z"})


@dataclass(frozen=True)
class Format:
    """One registry's number: the stdnum module that validates it, its country, and the
    keywords that announce it."""

    name: str
    module: str  # python-stdnum module path
    country: str  # ISO code; "" for the EU VAT number (its prefix names the country)
    keywords: tuple[str, ...]
    layout: str = ""  # a regex for a self-identifying layout, read without a keyword
    # per position "d" (a digit), "l" (a letter) or "" (either): where OCR's look-alikes are
    # undone
    shape: Callable[[str], str] | None = None


def _gstin_shape(number: str) -> str:
    # 2 digits (state code), the PAN (5 letters, 4 digits, 1 letter), the entity number,
    # "Z", a check character
    return "ddllllldddd" + "l" + "   "[: max(0, len(number) - 12)]


def _all_digits(number: str) -> str:
    return "d" * len(number)


FORMATS: tuple[Format, ...] = (
    Format("GSTIN", "stdnum.in_.gstin", "IN", ("GSTIN", "GST", "GST No", "GST IN"),
           layout=r"[0-9OI]{2}[A-Z]{5}[0-9OIl]{4}[A-Z][0-9A-Z]Z[0-9A-Z]",
           shape=_gstin_shape),
    Format("CNPJ", "stdnum.br.cnpj", "BR", ("CNPJ", "C.N.P.J"),
           layout=r"\d{2}\.\d{3}\.\d{3}/\d{4}-\d{2}", shape=_all_digits),
    Format("ABN", "stdnum.au.abn", "AU", ("ABN", "A.B.N"), shape=_all_digits),
    Format("RFC", "stdnum.mx.rfc", "MX", ("RFC", "R.F.C")),
    Format("CUIT", "stdnum.ar.cuit", "AR", ("CUIT", "C.U.I.T"), shape=_all_digits),
    Format("RUT", "stdnum.cl.rut", "CL", ("RUT", "R.U.T")),
    Format("NIT", "stdnum.co.nit", "CO", ("NIT", "N.I.T"), shape=_all_digits),
    Format("RUC", "stdnum.pe.ruc", "PE", ("RUC", "R.U.C"), shape=_all_digits),
    Format("RUC", "stdnum.ec.ruc", "EC", ("RUC", "R.U.C"), shape=_all_digits),
    Format("NIPC", "stdnum.pt.nif", "PT", ("NIF", "NIPC", "Contribuinte"),
           shape=_all_digits),
    Format("NIP", "stdnum.pl.nip", "PL", ("NIP",), shape=_all_digits),
    Format("P.IVA", "stdnum.it.iva", "IT", ("P.IVA", "P. IVA", "Partita IVA", "P.I."),
           shape=_all_digits),
    Format("SIRET", "stdnum.fr.siret", "FR", ("SIRET",), shape=_all_digits),
    Format("SIREN", "stdnum.fr.siren", "FR", ("SIREN", "RCS"), shape=_all_digits),
    Format("UEN", "stdnum.sg.uen", "SG", ("UEN", "Co. Reg. No", "GST Reg No")),
    Format("VAT", "stdnum.eu.vat", "", ("VAT", "VAT No", "VAT Reg", "USt-IdNr", "USt-ID",
                                        "UID", "TVA", "BTW", "IVA", "CIF", "NIF", "MwSt",
                                        "MOMS", "ALV", "DIČ", "IČ DPH", "ΑΦΜ")),
)

# a keyword, then "No.", ":" or "#", then the number: letters and digits, with the dots,
# slashes, dashes and single spaces registries print between their groups
_AFTER_KEYWORD = (r"[\s:#.\-]{0,4}(?:(?:No|Nr|Reg|Number|N°|Nº)\.?[\s:#.\-]{0,4}){0,2}"
                  r"(?P<num>[\p{L}\p{N}](?:[\p{L}\p{N}./\-]|\s(?=[\p{N}\p{Lu}])){5,24})")


@lru_cache(maxsize=64)
def _keyword_pattern(fmt: Format) -> regex.Pattern[str]:
    words = "|".join(regex.escape(k) for k in sorted(fmt.keywords, key=len, reverse=True))
    return regex.compile(rf"(?<![\p{{L}}\p{{N}}])(?:{words})(?![\p{{L}}]){_AFTER_KEYWORD}",
                         flags=regex.IGNORECASE)


@lru_cache(maxsize=64)
def _layout_pattern(fmt: Format) -> regex.Pattern[str]:
    return regex.compile(rf"(?<![\p{{L}}\p{{N}}])(?:{fmt.layout})(?![\p{{L}}\p{{N}}])")


def _candidates(number: str) -> list[str]:
    """The number after a keyword as printed, without its separators, and its first group
    alone (the text may go on after it: "UEN 201912345K Tel 6123 4567")."""
    number = number.strip(" .-/")
    out = [number, regex.sub(r"[\s./\-]", "", number), number.split()[0].strip(".-/")]
    return list(dict.fromkeys(c for c in out if len(c) >= 6))


def _module(path: str) -> Any:
    import importlib

    return importlib.import_module(path)


def _variants(number: str, fmt: Format) -> list[str]:
    """The number as read, and with OCR's letter-for-digit confusions undone where the
    format wants digits (and digit-for-letter where it wants letters, for a GSTIN)."""
    out = [number]
    if fmt.shape is None:
        return out
    shape = fmt.shape(number).ljust(len(number))
    fixed = "".join(ch.translate(_TO_DIGIT) if want == "d" else
                    ch.translate(_TO_LETTER) if want == "l" else ch
                    for ch, want in zip(number, shape, strict=False))
    if fixed != number:
        out.append(fixed)
    return out


def _valid(fmt: Format, number: str) -> tuple[str, str] | None:
    """(compact number, country) when ``number`` validates in ``fmt``, else None."""
    mod = _module(fmt.module)
    for variant in _variants(number, fmt):
        try:
            compact = mod.validate(variant)
        except Exception:  # stdnum raises a ValidationError subclass, or fails on odd input
            continue
        country = fmt.country
        if not country:
            guesses = mod.guess_country(compact) if hasattr(mod, "guess_country") else []
            if not guesses or not compact[:2].isalpha():
                continue  # an EU VAT number is read only with its country prefix
            country = "GR" if guesses[0] == "el" else guesses[0].upper()
        return str(compact), country
    return None


def _state_clue(gazetteer: Gazetteer | None, state: str) -> dict[str, Any] | None:
    if gazetteer is None or not state:
        return None
    matches = gazetteer.lookup(state, country="IN", limit=3, kinds=("admin1",))
    if not matches:
        return None
    place = matches[0].place
    return {"name": place.name, "lat": place.lat, "lon": place.lon,
            "radius_km": max(50.0, place.extent_km or 150.0)}


def find_tax_ids(text: str, gazetteer: Gazetteer | None = None) -> list[TextClue]:
    """One clue per tax or registration number that validates in a format the text names:
    by a keyword before it, or by a layout of its own (see the module docstring)."""
    clues: list[TextClue] = []
    seen: set[str] = set()

    def take(fmt: Format, raw: str, candidates: list[str]) -> bool:
        for number in candidates:
            found = _valid(fmt, number)
            if found is None:
                continue
            compact, country = found
            if compact not in seen:
                seen.add(compact)
                clues.extend(_clues(raw, compact, country, fmt, gazetteer))
            return True
        return False

    for fmt in FORMATS:
        if fmt.layout:
            for match in _layout_pattern(fmt).finditer(text):
                take(fmt, match.group(0), [match.group(0)])
    for fmt in FORMATS:
        for match in _keyword_pattern(fmt).finditer(text):
            raw = match.group("num").strip(" .-/")
            take(fmt, raw, _candidates(raw))
    return clues


def _clues(raw: str, compact: str, country: str, fmt: Format,
           gazetteer: Gazetteer | None) -> list[TextClue]:
    data: dict[str, Any] = {"number": compact, "format": fmt.name, "country": country}
    state = ""
    if fmt.name == "GSTIN":
        info = _module(fmt.module).info(compact)
        state = str(info.get("state") or "")
        data["state"] = state or None
    where = f"{country}" + (f", registered in {state}" if state else "")
    out = [TextClue(
        kind="tax_id",
        text=raw,
        summary=f"{fmt.name} {quote(raw)}: its check digit holds; {where} (a business "
                "registered there, whose sign is nearly always in that country)",
        data=data,
        constraint=CountryConstraint(weights={country: 1.0}, default=DEFAULT,
                                     strength=STRENGTH),
    )]
    region = _state_clue(gazetteer, state)
    if region is not None:
        out.append(TextClue(
            kind="tax_id",
            text=raw,
            summary=f"{fmt.name} {quote(raw)}: state code of {state} (near {region['name']})",
            data={**data, "place": region},
            constraint=PointConstraint(lat=region["lat"], lon=region["lon"],
                                       radius_km=region["radius_km"], strength=STATE_STRENGTH),
        ))
    return out
