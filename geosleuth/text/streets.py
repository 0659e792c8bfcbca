"""Street-type words ("Straße", "rue", "calle", "路", "通り", "길", "ถนน") as country priors.

Each word is tied to the language that uses it and, where the word is particular to some
of that language's countries, to those countries (the Catalan "carrer": Spain and
Andorra). Without an explicit list the country weights are the language's CLDR prior
(``geosleuth.text.languages``). The words are common nouns of each language, as found in
any dictionary; CJK and Hangul suffixes only count when glued to a word of their script.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import regex

from geosleuth.model import CountryConstraint
from geosleuth.text.clue import TextClue
from geosleuth.text.languages import countries_for_language
from geosleuth.text.quoting import quote

STRENGTH = 0.4  # a prior: street words travel with a language, and the language tool sees it too


@dataclass(frozen=True)
class StreetWord:
    pattern: str  # regex (V1, case-insensitive); Latin words match as whole words
    language: str
    countries: tuple[str, ...] = ()  # empty: the language's prior
    # "word": a whole word; "end": a word or the end of a compound ("Hauptstraße",
    # "Drottninggatan"); "raw": the pattern carries its own context (CJK, Thai, Hebrew)
    bound: str = "word"


WORDS: tuple[StreetWord, ...] = (
    StreetWord(r"stra(ß|ss)e|gasse|allee|platz|weg", "de",
               ("DE", "AT", "CH", "LI", "LU"), "end"),
    StreetWord(r"str\.", "de", ("DE", "AT", "CH", "LI", "LU"), "end"),
    StreetWord(r"rue|avenue|boulevard|bd|place|chemin|impasse|allée", "fr"),
    StreetWord(r"calle|vía|avenida|avda\.?|paseo|plaza|carretera|camino", "es"),
    StreetWord(r"carrer|passeig|plaça", "ca", ("ES", "AD")),
    StreetWord(r"kalea|etorbidea", "eu", ("ES",)),
    StreetWord(r"rua|avenida|travessa|praça|largo|estrada", "pt"),
    StreetWord(r"via|viale|piazza|piazzale|corso|vicolo|largo", "it", ("IT", "CH", "SM", "VA")),
    StreetWord(r"ulica|ul\.|aleja|al\.|plac", "pl", ("PL",)),
    StreetWord(r"ulice|náměstí|nám\.|třída", "cs", ("CZ",)),
    StreetWord(r"ulica|námestie|nám\.|cesta", "sk", ("SK",)),
    StreetWord(r"ulica|trg", "hr", ("HR", "BA", "SI", "RS", "ME")),
    StreetWord(r"utca|u\.|út|körút|tér", "hu", ("HU",)),
    StreetWord(r"strada|str\.|bulevardul|bd\.|calea|piața|șoseaua", "ro", ("RO", "MD")),
    StreetWord(r"straat|laan|plein|gracht|steenweg", "nl", ("NL", "BE", "SR"), "end"),
    StreetWord(r"gatan|vägen|torget", "sv", ("SE", "FI"), "end"),
    StreetWord(r"gata|väg|gränd", "sv", ("SE", "FI")),
    StreetWord(r"gaten|veien|vegen|gate|vei|torg", "nb", ("NO",), "end"),
    StreetWord(r"gade|vej|stræde|torv", "da", ("DK",), "end"),
    StreetWord(r"katu|kuja|polku|tori", "fi", ("FI",), "end"),
    StreetWord(r"(?<=\p{L}{3})tie(?![\p{L}\p{M}])", "fi", ("FI",), "raw"),  # compounds only
    StreetWord(r"iela", "lv", ("LV",)),
    StreetWord(r"gatvė|g\.|prospektas", "lt", ("LT",)),
    StreetWord(r"tänav|mnt\.|maantee|puiestee", "et", ("EE",)),
    StreetWord(r"sokak|sokağı|caddesi|cad\.|cd\.|bulvarı|mahallesi", "tr", ("TR", "CY")),
    StreetWord(r"rruga|rr\.", "sq", ("AL", "XK", "MK")),
    StreetWord(r"οδός|οδ\.|λεωφόρος|λεωφ\.|πλατεία", "el", ("GR", "CY")),
    StreetWord(r"улица|ул\.|проспект|пр-т|переулок|пер\.|шоссе|бульвар", "ru"),
    StreetWord(r"вулиця|вул\.|проспект|провулок|площа", "uk", ("UA",)),
    StreetWord(r"вуліца|вул\.|праспект", "be", ("BY",)),
    StreetWord(r"улица|ул\.|булевард|бул\.", "bg", ("BG", "MK")),
    StreetWord(r"улица|ул\.", "sr", ("RS", "BA", "ME", "MK")),
    StreetWord(r"street|st\.|road|rd\.|avenue|ave\.|lane|drive|boulevard|blvd\.?", "en"),
    StreetWord(r"jalan|jl\.|jln\.?|gang|lorong", "ms", ("ID", "MY", "BN", "SG")),
    StreetWord(r"đường|phố|ngõ|hẻm", "vi", ("VN",)),
    StreetWord(r"kalye|daan", "tl", ("PH",)),
    StreetWord(r"(?<=\p{Han})(路|街|大道|巷|弄)", "zh", ("CN", "TW", "HK", "MO", "SG"), "raw"),
    StreetWord(
        r"(?<=[\p{Han}\p{Katakana}\p{Hiragana}])(通り|通|丁目|番地|町)", "ja", ("JP",), "raw"
    ),
    StreetWord(r"(?<=\p{Hangul})(대로|로|길|번길)(?!\p{Hangul})", "ko", ("KR", "KP"), "raw"),
    StreetWord(r"ถนน|ซอย|ถ\.", "th", ("TH",), "raw"),
    StreetWord(r"שדרות|שד'|רחוב|רח'|סמטת|דרך", "he", ("IL",), "raw"),
    StreetWord(r"شارع|طريق|جادة|ميدان", "ar"),
    StreetWord(r"خیابان|کوچه|بلوار|میدان", "fa", ("IR", "AF")),
    StreetWord(r"ქუჩა|გამზირი", "ka", ("GE",)),
    StreetWord(r"փողոց|պողոտա", "hy", ("AM",)),
    StreetWord(r"मार्ग|रोड|सड़क|गली", "hi", ("IN", "NP")),
)


@lru_cache(maxsize=1)
def _compiled() -> list[tuple[StreetWord, regex.Pattern[str]]]:
    out = []
    for word in WORDS:
        if word.bound == "raw":
            pattern = rf"(?:{word.pattern})"
        elif word.bound == "end":
            pattern = rf"(?:{word.pattern})(?![\p{{L}}\p{{M}}])"
        else:
            # whole words: not inside another word; an abbreviation ends with its dot
            pattern = rf"(?<![\p{{L}}\p{{M}}])(?:{word.pattern})(?![\p{{L}}\p{{M}}])"
        out.append((word, regex.compile(pattern, flags=regex.IGNORECASE | regex.V1)))
    return out


def _weights(word: StreetWord) -> dict[str, float]:
    prior = countries_for_language(word.language)
    if not word.countries:
        return prior
    # the word's own countries, weighted by the language prior where it has them
    return {c: max(prior.get(c, 0.0), 0.3) for c in word.countries}


def find_street_words(text: str) -> list[TextClue]:
    """One clue per street-type word found; a word several languages use is one clue."""
    found: dict[str, tuple[str, list[StreetWord]]] = {}
    for word, pattern in _compiled():
        for match in pattern.finditer(text):
            token = match.group(0)
            key = token.casefold()
            entry = found.setdefault(key, (token, []))
            if word not in entry[1]:
                entry[1].append(word)
    clues: list[TextClue] = []
    for token, words in found.values():
        weights: dict[str, float] = {}
        for word in words:
            for country, w in _weights(word).items():
                weights[country] = max(weights.get(country, 0.0), w)
        if not weights:
            continue
        weights = dict(sorted(weights.items(), key=lambda kv: -kv[1]))
        languages = [w.language for w in words]
        top = ", ".join(list(weights)[:5])
        clues.append(
            TextClue(
                kind="street_type",
                text=token,
                summary=f"street-type word {quote(token)} ({'/'.join(languages)}): {top}",
                data={"word": token, "languages": languages, "countries": weights},
                constraint=CountryConstraint(weights=weights, default=0.05, strength=STRENGTH),
            )
        )
    return clues
