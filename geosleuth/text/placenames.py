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
shop names and OCR noise match hamlets all over the world.

A match becomes a point constraint around the place (radius by population), trusted by
match score and by how clearly one place stands out among those bearing the name; a
country's name becomes a country constraint. A sign naming a place is not proof of
being there, so the strengths stay moderate.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

import regex

from geosleuth.model import CountryConstraint, PointConstraint
from geosleuth.text.clue import TextClue, quote
from geosleuth.text.wordfreqs import ALL_LANGUAGES, COMMON_LANGUAGES
from geosleuth.text.wordfreqs import zipf as _zipf

if TYPE_CHECKING:
    from geosleuth.geo.gazetteer import Gazetteer, PlaceMatch

MAX_WORDS = 4
MIN_SCORE = 0.85  # fuzzy matches below this are OCR noise or another word
COMMON_ZIPF = 4.0
FAME_MARGIN = 0.6
HOME_DISCOUNT = 1.0  # Zipf points a name's frequency in its own country's languages counts less
# Shop-window words that are also the names of big cities ("SALE" is not Salé, Morocco;
# "Essen" is food on a German sign, "Tours" a boat trip on an English one).
SIGN_VOCABULARY = frozenset({"sale", "soldes", "open", "exit", "bar", "bank", "hotel",
                             "essen", "tours"})
HINT_BOOST = 10.0
COUNTRY_STRENGTH = 0.4
MAX_STRENGTH = 0.6
MIN_STRENGTH = 0.05
SMALL_PLACE_POPULATION = 100_000  # a lone word naming a smaller town is weaker evidence
MAX_CLUES = 8
MAX_FUZZY_LOOKUPS = 4  # each scans the name keys of similar length (~50 ms)
MIN_FUZZY_CHARS = 6
MIN_POPULATION_LONE_WORD = 10_000  # one word, or a fuzzy match, naming a smaller place: noise
KIND_FACTOR = {"city": 1.0, "admin1": 0.5, "us_state": 0.5, "country": 1.0}
PLACE_KINDS = ("city", "admin1", "us_state", "country")

_WORD = regex.compile(r"[\p{L}\p{M}][\p{L}\p{M}'’\-.]*", flags=regex.V1)
_CJK = regex.compile(r"[\p{Han}\p{Hiragana}\p{Katakana}\p{Hangul}ー]{2,}", flags=regex.V1)
_SCRIPT_SEAM = regex.compile(
    r"(?<=[\p{Han}\p{Hiragana}\p{Katakana}\p{Hangul}])(?=\p{Latin})"
    r"|(?<=\p{Latin})(?=[\p{Han}\p{Hiragana}\p{Katakana}\p{Hangul}])", flags=regex.V1)
_KANA = regex.compile(r"[\p{Hiragana}\p{Katakana}ー]+", flags=regex.V1)
# Thai writes no spaces between words and the OCR joins a Thai line without them, so a
# town's name sits inside a longer run ("ถนนสุขุมวิทกรุงเทพมหานคร"). A stretch may not begin
# with a mark or a following vowel, nor end before one or after a leading vowel.
_THAI = regex.compile(r"\p{Thai}{3,}", flags=regex.V1)
_THAI_NO_START = regex.compile(r"[\p{Mn}\u0e30\u0e32\u0e33\u0e45\u0e46]", flags=regex.V1)
_THAI_LEADING_VOWEL = regex.compile(r"[\u0e40-\u0e44]", flags=regex.V1)
THAI_MIN, THAI_MAX, THAI_RUN_MAX = 3, 20, 60


@dataclass(frozen=True)
class _Candidate:
    text: str
    span: tuple[int, int, int]  # line, first token, last token (exclusive)
    words: int
    exact_only: bool = False  # a stretch cut out of a Thai run: only exact names count


def radius_for_population(population: int | None) -> float:
    """km within which a photo "at" a place of this size lies (95 %): 5 km to 60 km."""
    pop = max(population or 0, 1000)
    return float(min(60.0, max(5.0, 3.0 * (pop / 1000) ** (1 / 3))))


# Languages whose street word comes before the street's own name ("Via Roma", "Rua
# Augusta", "улица Ленина", "شارع الملك فهد"): the words right after it name the street
# (after a person or another town), not the place where the sign stands.
NAME_FOLLOWS_STREET_WORD = frozenset({
    "fr", "es", "ca", "pt", "it", "pl", "ro", "ru", "uk", "be", "bg", "sr", "hr", "el", "vi",
    "ar", "fa", "he", "th", "ms", "tl", "sq",
})


@lru_cache(maxsize=2)
def _street_words(name_follows: bool = False) -> regex.Pattern[str]:
    """Street-type words (all, or those of ``NAME_FOLLOWS_STREET_WORD``), any case: signs
    write "Rua", "Via", "Улица" capitalised."""
    from geosleuth.text.streets import _compiled

    return regex.compile(
        "|".join(f"(?:{p.pattern})" for w, p in _compiled()
                 if not name_follows or w.language in NAME_FOLLOWS_STREET_WORD),
        flags=regex.V1 | regex.IGNORECASE)


def _candidates(text: str) -> list[_Candidate]:
    out: list[_Candidate] = []
    street, before_name = _street_words(), _street_words(name_follows=True)
    for li, line in enumerate(text.splitlines()):
        # a CJK glyph glued to a Latin word ("大TEXAS": the OCR joined a sign behind a
        # plate) is another word
        spaced = _SCRIPT_SEAM.sub(" ", line)
        words = [m.group(0).strip(".-’'") for m in _WORD.finditer(spaced)]
        words = [w for w in words if w]
        for n in range(min(MAX_WORDS, len(words)), 0, -1):
            for i in range(len(words) - n + 1):
                gram = words[i : i + n]
                if n == 1 and (len(gram[0]) < 3 or street.fullmatch(gram[0])):
                    continue
                if street.fullmatch(gram[0]) or street.fullmatch(gram[-1]):
                    continue  # "rue de Rivoli" names a street, not the place Rivoli
                if i > 0 and before_name.fullmatch(words[i - 1]):
                    continue  # "Via Roma Firenze": Roma is the street's name
                out.append(_Candidate(" ".join(gram), (li, i, i + n), n))
        for run in _CJK.finditer(line):
            s = run.group(0)
            if len(s) > 12:
                continue
            kana_runs = {(m.start(), m.end()) for m in _KANA.finditer(s)}
            for n in range(min(6, len(s)), 1, -1):
                for i in range(len(s) - n + 1):
                    if _KANA.fullmatch(s[i : i + n]) and (i, i + n) not in kana_runs:
                        continue  # a piece of a kana word ("うと" of "きょうと") names nothing
                    out.append(_Candidate(s[i : i + n], (li, 1000 + run.start() + i,
                                                         1000 + run.start() + i + n), 1))
        out += _thai_candidates(line, li)
    return out


def _thai_candidates(line: str, li: int) -> list[_Candidate]:
    """Stretches of the Thai runs of ``line`` that could be words, longest first."""
    out: list[_Candidate] = []
    for run in _THAI.finditer(line):
        s = run.group(0)
        if len(s) > THAI_RUN_MAX:
            continue
        for n in range(min(THAI_MAX, len(s)), THAI_MIN - 1, -1):
            for i in range(len(s) - n + 1):
                j = i + n
                if (_THAI_NO_START.match(s[i]) or _THAI_LEADING_VOWEL.match(s[j - 1])
                        or (j < len(s) and _THAI_NO_START.match(s[j]))):
                    continue
                if n == len(s):
                    continue  # the whole run is a word of the line, tried already
                out.append(_Candidate(s[i:j], (li, 1000 + run.start() + i,
                                               1000 + run.start() + j), 1, exact_only=True))
    return out


def _overlaps(span: tuple[int, int, int], taken: list[tuple[int, int, int]]) -> bool:
    return any(span[0] == t[0] and span[1] < t[2] and t[1] < span[2] for t in taken)


def _weight(m: PlaceMatch, hint: set[str]) -> float:
    boost = HINT_BOOST if m.place.country_code in hint else 1.0
    kind = KIND_FACTOR.get(m.place.kind, 0.5)
    return (m.score**4) * math.sqrt((m.place.population or 0) + 1000) * boost * kind


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
    elsewhere = _named_elsewhere(text)
    clues: list[TextClue] = []
    taken: list[tuple[int, int, int]] = []
    seen_places: set[int] = set()
    fuzzy_budget = MAX_FUZZY_LOOKUPS
    for cand in _candidates(text):
        if len(clues) >= MAX_CLUES:
            break
        if _overlaps(cand.span, taken):
            continue
        if cand.span[:2] >= elsewhere:
            break  # the rest names a twin town or a destination, not where the sign stands
        common = _zipf(cand.text.lower(), langs) >= COMMON_ZIPF
        matches = _good(_lookup(gazetteer, cand.text, hint, False), hint, cand.words)
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
            clues.append(_country_clue(cand.text, exact_country[0].place.country_code))
            continue
        matches = [m for m in matches
                   if m.place.kind != "country" and _script_fits(cand.text, m, local)]
        if not matches:
            continue
        best = max(matches, key=lambda m: _weight(m, hint))
        if common and not _famous_enough(cand.text, best, langs):
            continue  # a common word that happens to be a place's name
        taken.append(cand.span)
        if best.place.geonameid in seen_places:
            continue
        seen_places.add(best.place.geonameid)
        clue = _place_clue(cand.text, best, matches, hint, cand.words)
        clues.append(_romanised(clue, best) if not local else clue)
    return clues


# Phrases after which a sign names another place than its own: twin towns ("Epping,
# twinned with Eppingen"). Everything after one, on its line and below, is passed over.
TWINNING = regex.compile(
    r"twinned\s+with|twin\s+towns?|sister\s+cit(?:y|ies)|partnerst[aä]dt|"
    r"st[aä]dtepartnerschaft|jumel[ée]e?s?\s+avec|jumelage|gemellat[ao]\s+con|gemellaggio|"
    r"hermanad[ao]\s+con|ciudad(?:es)?\s+hermanas?|geminad[ao]\s+com|cidades?[-\s]irm[ãa]s?|"
    r"miasta?\s+partnerski|zustersted|vänort|partnerby|ystävyyskaupun",
    flags=regex.V1 | regex.IGNORECASE,
)


def _named_elsewhere(text: str) -> tuple[int, int]:
    """(line, first word) from which on the text names places other than its own."""
    for li, line in enumerate(text.splitlines()):
        m = TWINNING.search(line)
        if m:
            return li, len(_WORD.findall(line[: m.start()]))
    return 1_000_000, 0


TRANSLITERATED_POPULATION = 500_000
ROMANISED = 0.3  # a Latin name alone, of a place whose country writes another script
LATIN_COUNTRY = 0.1  # CLDR weight of Latin script below which a country writes another


def _romanised(clue: TextClue, best: PlaceMatch) -> TextClue:
    """A name in Latin letters alone, of a place in a country that writes another script
    ("TOYOTA" on a car, "SEOUL" on a T-shirt), is weaker: signs there name their places in
    the local script too."""
    from geosleuth.text.languages import countries_for_script

    c = clue.constraint
    if c is None or countries_for_script("Latin").get(best.place.country_code or "", 0.0) \
            >= LATIN_COUNTRY:
        return clue
    strength = round(max(MIN_STRENGTH, c.strength * ROMANISED), 3)
    return TextClue(kind=clue.kind, text=clue.text,
                    summary=clue.summary + "; in Latin letters only, where another script is "
                    "written", data={**clue.data, "romanised_only": True},
                    constraint=c.model_copy(update={"strength": strength}))


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


def _may_fuzz(cand: _Candidate) -> bool:
    """OCR-tolerant matching is for longer names of one or two words."""
    return cand.words <= 2 and len(cand.text) >= MIN_FUZZY_CHARS


def _good(matches: list[PlaceMatch], hint: set[str], words: int) -> list[PlaceMatch]:
    """Matches worth a clue: close enough, and not a hamlet for a lone word or a near-miss."""
    out = []
    for m in matches:
        if m.score < MIN_SCORE or m.place.kind not in PLACE_KINDS:
            continue
        pop = m.place.population or 0
        small = pop < MIN_POPULATION_LONE_WORD and m.place.country_code not in hint
        if m.place.kind == "city" and small and (words == 1 or m.score < 1.0):
            continue
        out.append(m)
    return out


def _country_clue(text: str, code: str) -> TextClue:
    return TextClue(
        kind="place_name",
        text=text,
        summary=f"country name {quote(text)}: {code}",
        data={"name": text, "country": code, "kind": "country"},
        constraint=CountryConstraint(weights={code: 1.0}, default=0.2, strength=COUNTRY_STRENGTH),
    )


def strength_of(best: PlaceMatch, share: float, words: int) -> float:
    """How likely a name read on a photo is to name the place the photo is at.

    A name that fits one place exactly gets up to ``MAX_STRENGTH`` (a sign names many
    other places than its own: destinations, shops, streets after people and towns). Less
    when the name is shared (``share``: the place's part of the name's weight), when the
    reading is fuzzy (score⁴: a near-miss is mostly another word), and, for a lone word,
    when the place is small (√(population / 100,000)): short words match small towns all
    over the world by chance, while a name of several words rarely does.
    """
    exact = best.score**4
    size = 1.0
    if words == 1 and best.place.kind == "city":
        size = min(1.0, math.sqrt((best.place.population or 0) / SMALL_PLACE_POPULATION))
    return round(max(MIN_STRENGTH, MAX_STRENGTH * exact * math.sqrt(share) * size), 3)


def _place_clue(text: str, best: PlaceMatch, matches: list[PlaceMatch], hint: set[str],
                words: int = 1) -> TextClue:
    weights = [_weight(m, hint) for m in matches]
    share = _weight(best, hint) / sum(weights)
    place = best.place
    if place.kind in ("admin1", "us_state"):
        radius = max(50.0, place.extent_km or 150.0)
    else:
        radius = radius_for_population(place.population)
    strength = strength_of(best, share, words)
    others = len({m.place.geonameid for m in matches}) - 1
    alt = f"; {others} other place(s) share the name" if others else ""
    return TextClue(
        kind="place_name",
        text=text,
        summary=f"place name {quote(text)}: {place.name} ({place.country_code}, "
        f"{place.kind}, pop. {place.population or 0:,}) score {best.score:.2f}{alt}",
        data={
            "name": text,
            "place": {"geonameid": place.geonameid, "name": place.name, "lat": place.lat,
                      "lon": place.lon, "country": place.country_code, "kind": place.kind,
                      "population": place.population, "admin1": place.admin1},
            "matched": best.matched,
            "score": round(best.score, 3),
            "ambiguity": round(1 - share, 3),
            "alternatives": [
                {"name": m.place.name, "country": m.place.country_code, "score": round(m.score, 3)}
                for m in matches if m is not best
            ][:5],
        },
        constraint=PointConstraint(lat=place.lat, lon=place.lon, radius_km=radius,
                                   strength=strength),
    )
