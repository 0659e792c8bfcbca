"""Place names in text: n-grams matched against the gazetteer, tolerant of OCR errors.

Every run of 1-4 words on a line (and every 2-6 character stretch of Han, Kana or Hangul,
and every 3-20 character stretch of Thai, which are written without spaces) is looked up,
longest first, in the gazetteer with its alternate names, fuzzily for longer strings so
that "Muenchen", "Munchen" and an OCR's "Mtinchen" still find München. Words that are
very common in the text's languages (wordfreq's Zipf frequency of 4 or more, about once
in 10,000 words, in the major European languages or the hinted countries' languages)
count only when they name a big place exactly (see ``_famous_enough``): "Paris" is kept,
"Station", "Parking" or "Answer" are not. A lone word or a fuzzy match must name a place
of 10,000 people or more (or one in a hinted country):
shop names and OCR noise match hamlets all over the world. Except a *distinctive* name
(``distinctive``): a lone word of eight letters or more, in no word list of any sign
language, that names at most two places exactly. Chance does not make such a match (a
Delhi Metro roundel's "Pitampura" names one neighbourhood of 2,000 people in the
gazetteer), so neither the size limit nor the size discount of ``strength_of`` applies.

The stretches looked up come from ``text.name_candidates``; a match becomes a clue as
``text.place_clues`` makes it (a point constraint around the place, or a country
constraint for a country's name).
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from typing import TYPE_CHECKING

from geosleuth.text.clue import TextClue
from geosleuth.text.name_candidates import Candidate, candidates, named_elsewhere, overlaps
from geosleuth.text.place_clues import (
    country_clue,
    place_clue,
    radius_for_population,
    romanised,
    strength_of,
    weight,
)
from geosleuth.text.wordfreqs import ALL_LANGUAGES, COMMON_LANGUAGES
from geosleuth.text.wordfreqs import zipf as _zipf

if TYPE_CHECKING:
    from geosleuth.geo.gazetteer import Gazetteer, PlaceMatch

__all__ = ["find_place_names", "radius_for_population", "strength_of"]

MIN_SCORE = 0.85  # fuzzy matches below this are OCR noise or another word
COMMON_ZIPF = 4.0
FAME_MARGIN = 0.6
HOME_DISCOUNT = 1.0  # Zipf points a name's frequency in its own country's languages counts less
# Shop-window words that are also the names of big cities ("SALE" is not Salé, Morocco;
# "Essen" is food on a German sign, "Tours" a boat trip on an English one).
SIGN_VOCABULARY = frozenset({"sale", "soldes", "open", "exit", "bar", "bank", "hotel",
                             "essen", "tours"})
MAX_CLUES = 8
MAX_FUZZY_LOOKUPS = 4  # each scans the name keys of similar length (~50 ms)
MIN_FUZZY_CHARS = 6
MIN_POPULATION_LONE_WORD = 10_000  # one word, or a fuzzy match, naming a smaller place: noise
PLACE_KINDS = ("city", "admin1", "us_state", "country")
TRANSLITERATED_POPULATION = 500_000
DISTINCTIVE_LETTERS = 8
RARE_ZIPF = 1.0  # under once in 10^8 words in every language of wordfreq's lists
MAX_NAMESAKES = 2


def find_place_names(
    text: str,
    gazetteer: Gazetteer,
    country_hint: Iterable[str] = (),
    languages: Iterable[str] = ("en",),
) -> list[TextClue]:
    """One clue per place (or country) named in the text, longest names first."""
    hint = {c.upper() for c in country_hint}
    langs = tuple(dict.fromkeys([*ALL_LANGUAGES, *languages]))
    local = _local_scripts(text)
    elsewhere = named_elsewhere(text)
    clues: list[TextClue] = []
    taken: list[tuple[int, int, int]] = []
    seen_places: set[int] = set()
    fuzzy_budget = MAX_FUZZY_LOOKUPS
    for cand in candidates(text):
        if len(clues) >= MAX_CLUES:
            break
        if overlaps(cand.span, taken):
            continue
        if cand.span[:2] >= elsewhere:
            break  # the rest names a twin town or a destination, not where the sign stands
        frequency = _zipf(cand.text.lower(), langs)
        common = frequency >= COMMON_ZIPF
        exact = _lookup(gazetteer, cand.text, hint, False)
        special = distinctive(cand, frequency, exact)
        matches = _good(exact, hint, cand.words, special)
        if cand.exact_only:
            matches = [m for m in matches if m.score >= 1.0]
        elif not matches and not common and fuzzy_budget > 0 and _may_fuzz(cand):
            fuzzy_budget -= 1
            matches = _good(_lookup(gazetteer, cand.text, hint, True), hint, cand.words)
        if not matches:
            continue
        exact_country = [m for m in matches if m.place.kind == "country" and m.score >= 1.0]
        exact_country = [m for m in exact_country if _script_fits(cand.text, m, local)]
        if exact_country:
            taken.append(cand.span)
            clues.append(country_clue(cand.text, exact_country[0].place.country_code))
            continue
        matches = [m for m in matches
                   if m.place.kind != "country" and _script_fits(cand.text, m, local)]
        if not matches:
            continue
        best = max(matches, key=lambda m: weight(m, hint))
        if common and not _famous_enough(cand.text, best, langs):
            continue  # a common word that happens to be a place's name
        taken.append(cand.span)
        if best.place.geonameid in seen_places:
            continue
        seen_places.add(best.place.geonameid)
        clue = place_clue(cand.text, best, matches, hint, cand.words,
                          distinctive=special and best.score >= 1.0)
        clues.append(romanised(clue, best) if not local else clue)
    return clues


def _local_scripts(text: str) -> frozenset[str]:
    """The scripts of the text other than Latin (two letters or more)."""
    from geosleuth.text.scripts import script_counts

    return frozenset(sc for sc, n in script_counts(text).items()
                     if sc not in ("Latin", "Other") and n >= 2)


def _script_fits(name: str, match: PlaceMatch, local: frozenset[str]) -> bool:
    """A name read next to a local script names a place where that script is written.

    GeoNames lists Chinese, Japanese, Arabic ... alternate names of towns everywhere, and
    their transliterations collide across languages; read on a sign, "愚园路 Yuyuan Rd."
    is a Shanghai street, not Elm Park, England, whose Chinese name it resembles. So when
    the text is written in a local script, a name (in that script, or its romanisation
    beside it) must name a place whose country writes that script, and a name in a
    local script must match exactly, not through a transliteration ("避難", evacuation,
    transliterates like Hekinan), except for a big city whose name has one common
    romanisation ("臺北", the traditional spelling, finds Taipei). A text with kana is
    Japanese, so its Han names are Japanese places. Latin text alone fits any place.
    """
    from geosleuth.text.languages import countries_for_script
    from geosleuth.text.scripts import dominant_script

    if not local:
        return True
    script = dominant_script(name)
    transliterated = script not in (None, "Latin", "Other") and match.score < 1.0
    if transliterated and (match.place.population or 0) < TRANSLITERATED_POPULATION:
        return False
    code = match.place.country_code
    scripts = {script} if script in local else set(local)
    if "Kana" in local and "Han" in scripts:
        scripts = (scripts - {"Han"}) | {"Kana"}
    return any(code in countries_for_script(sc) for sc in scripts)


def _famous_enough(text: str, match: PlaceMatch,
                   languages: tuple[str, ...] = COMMON_LANGUAGES) -> bool:
    """A common word names a place only if the place is big for how common the word is.

    Names of big cities are frequent words themselves (Paris: Zipf 5.7); a place must
    have at least 10 ** (Zipf + 0.6) inhabitants, so Paris, Berlin and Marseille pass and
    Nice-the-adjective or Mobile-the-phone do not name Nice or Mobile, Alabama.

    A name is frequent in its own country's language because it is that country's place:
    "Firenze" (Zipf 5.0) and "Utrecht" (5.1) are words only in Italian and Dutch, and only
    as the cities. So the frequency in the place's own languages counts one Zipf point less
    (English excepted: signs everywhere are written in it, so "Reading" and "Bath" stay
    common words), and the frequency in the other languages counts in full.
    """
    if match.score < 1.0 or text.casefold() in SIGN_VOCABULARY:
        return False
    word = text.lower()
    home = tuple(lang for lang in _home_languages(match.place.country_code) if lang != "en")
    away = tuple(lang for lang in languages if lang not in home)
    zipf = max(_zipf(word, away), _zipf(word, home) - HOME_DISCOUNT if home else 0.0)
    return (match.place.population or 0) >= 10 ** (zipf + FAME_MARGIN)


@lru_cache(maxsize=256)
def _home_languages(country: str | None) -> tuple[str, ...]:
    from geosleuth.text.languages import official_languages

    return tuple(official_languages(country)) if country else ()


def _lookup(gazetteer: Gazetteer, text: str, hint: set[str], fuzzy: bool) -> list[PlaceMatch]:
    """The best matches worldwide, plus the best in each hinted country (namesakes there
    may be too small to make the worldwide list: Springfield, Queensland)."""
    by_key = {(m.place.geonameid, m.place.kind): m
              for m in gazetteer.lookup(text, limit=10, fuzzy=fuzzy)}
    for country in sorted(hint):
        for m in gazetteer.lookup(text, country=country, limit=3, fuzzy=fuzzy):
            by_key.setdefault((m.place.geonameid, m.place.kind), m)
    return list(by_key.values())


def _may_fuzz(cand: Candidate) -> bool:
    """OCR-tolerant matching is for longer names of one or two words."""
    return cand.words <= 2 and len(cand.text) >= MIN_FUZZY_CHARS


def distinctive(cand: Candidate, frequency: float, exact: list[PlaceMatch]) -> bool:
    """A lone long word no language uses, naming at most ``MAX_NAMESAKES`` places exactly
    (see the module docstring)."""
    letters = sum(ch.isalpha() for ch in cand.text)
    namesakes = {m.place.geonameid for m in exact if m.score >= 1.0}
    return (cand.words == 1 and letters >= DISTINCTIVE_LETTERS and frequency < RARE_ZIPF
            and 0 < len(namesakes) <= MAX_NAMESAKES)


def _good(matches: list[PlaceMatch], hint: set[str], words: int,
          distinctive: bool = False) -> list[PlaceMatch]:
    """Matches worth a clue: close enough, and not a hamlet for a lone word or a near-miss
    (unless the word is ``distinctive`` and the match exact)."""
    out = []
    for m in matches:
        if m.score < MIN_SCORE or m.place.kind not in PLACE_KINDS:
            continue
        pop = m.place.population or 0
        small = pop < MIN_POPULATION_LONE_WORD and m.place.country_code not in hint
        if distinctive and m.score >= 1.0:
            small = False
        if m.place.kind == "city" and small and (words == 1 or m.score < 1.0):
            continue
        out.append(m)
    return out
