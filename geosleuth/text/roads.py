"""Road numbers ("E45", "A7", "I-95", "M25", "BR-116", "国道1号") -> the countries that use them.

Each numbering scheme belongs to a network: the UNECE international E-road network
(European Agreement on Main International Traffic Arteries, AGR 1975) and the Asian
Highway network (UNESCAP, 2003); the US Interstate and US-route systems; Brazil's
federal "BR-" and state highways; Italy's "SS" strade statali; Japan's 国道 national
routes; China's "G" expressways; the Soviet-era "М-/Р-/А-" numbers still used in Russia,
Belarus and Ukraine. Single-letter prefixes (A, B, M, N, D) are shared by many countries
and give weak clues; the network names are stronger.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import regex

from geosleuth.model import CountryConstraint
from geosleuth.text.clue import TextClue, population_weights
from geosleuth.text.quoting import quote


def _codes(spaced: str) -> tuple[str, ...]:
    return tuple(spaced.split())


# Members of the E-road network (AGR parties and the countries its routes cross).
E_ROAD = _codes(
    "AL AD AM AT AZ BY BE BA BG HR CY CZ DK EE FI FR GE DE GR HU IS IE IT KZ KG LV LI LT LU "
    "MT MD MC ME NL MK NO PL PT RO RU SM RS SK SI ES SE CH TJ TM TR UA GB UZ XK"
)
ASIAN_HIGHWAY = _codes(
    "AF AM AZ BD BT KH CN GE IN ID IR JP KZ KP KR KG LA MY MN MM NP PK PH RU LK TJ TH TL "
    "TR TM UZ VN"
)


@dataclass(frozen=True)
class RoadScheme:
    name: str
    pattern: str
    countries: tuple[str, ...]
    strength: float


SCHEMES: tuple[RoadScheme, ...] = (
    RoadScheme("E-road (UNECE)", r"E ?-?\d{1,3}", E_ROAD, 0.35),
    RoadScheme("Asian Highway", r"AH ?\d{1,3}", ASIAN_HIGHWAY, 0.35),
    RoadScheme("US Interstate", r"I-\s?\d{1,3}|Interstate \d{1,3}", ("US",), 0.6),
    RoadScheme("US route", r"US[- ]\d{1,3}", ("US",), 0.5),
    RoadScheme("Brazil federal highway", r"BR-\d{3}", ("BR",), 0.6),
    RoadScheme(
        "Brazil state highway",
        r"(?:AC|AL|AP|AM|BA|CE|DF|ES|GO|MA|MT|MS|MG|PB|PR|PE|PI|RJ|RN|RS|RO|RR|SC|SP|SE|TO)"
        r"-\d{3}",
        ("BR",),
        0.45,
    ),
    RoadScheme("Mexico federal highway", r"MEX-\d{1,3}[A-Z]?", ("MX",), 0.55),
    RoadScheme("Italy strada statale", r"SS ?\d{1,3}", ("IT",), 0.45),
    RoadScheme("Japan national route", r"国道 ?\d{1,3} ?号(?:線)?", ("JP",), 0.6),
    RoadScheme("Korea national route", r"\d{1,2} ?번 ?국도|국도 ?\d{1,2} ?호선", ("KR",), 0.6),
    RoadScheme("China expressway", r"G\d{1,4}", ("CN",), 0.3),
    RoadScheme("Russia/Belarus/Ukraine federal road", r"[МРАН]-\d{1,3}", ("RU", "BY", "UA"), 0.4),
    RoadScheme("New Zealand state highway", r"SH ?\d{1,2}", ("NZ",), 0.45),
    RoadScheme("motorway M", r"M ?-?\d{1,3}", ("GB", "IE", "HU", "AU", "ES", "ZA", "PK"), 0.2),
    RoadScheme(
        "motorway/road A",
        r"A ?-?\d{1,3}",
        ("DE", "FR", "IT", "ES", "PT", "GB", "NL", "AT", "CH", "BE", "PL", "HR", "LU", "GR",
         "AU", "IE"),
        0.15,
    ),
    RoadScheme("road B", r"B ?\d{1,3}", ("DE", "AT", "GB"), 0.2),
    RoadScheme("road N", r"N ?-?\d{1,3}", ("FR", "ES", "PT", "BE", "IE", "NL", "LU", "ZA"), 0.2),
    RoadScheme("road D", r"D ?\d{1,4}", ("CZ", "FR", "HR"), 0.2),
)


@lru_cache(maxsize=1)
def _compiled() -> list[tuple[RoadScheme, regex.Pattern[str]]]:
    return [
        (s, regex.compile(rf"(?<![\p{{L}}\p{{N}}\-])(?:{s.pattern})(?![\p{{L}}\p{{N}}])"))
        for s in SCHEMES
    ]


def find_roads(text: str) -> list[TextClue]:
    """One clue per road number (the first, most specific scheme that reads it)."""
    clues: list[TextClue] = []
    taken: list[tuple[int, int]] = []
    for scheme, pattern in _compiled():
        for match in pattern.finditer(text):
            span = match.span()
            if any(s < span[1] and span[0] < e for s, e in taken):
                continue  # already read by a more specific scheme ("I-95" is not "I")
            taken.append(span)
            road = match.group(0)
            weights = population_weights(scheme.countries)
            top = ", ".join(list(weights)[:6]) + (" …" if len(weights) > 6 else "")
            clues.append(
                TextClue(
                    kind="road",
                    text=road,
                    summary=f"road number {quote(road)} ({scheme.name}): {top}",
                    data={"road": road, "scheme": scheme.name, "countries": weights},
                    constraint=CountryConstraint(
                        weights=weights, default=0.1, strength=scheme.strength
                    ),
                )
            )
    return clues
