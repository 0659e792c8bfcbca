"""Web addresses and e-mail addresses -> the country of their country-code top-level domain.

"www.baeckerei-schmidt.de", "info@hotel.at", "https://example.co.uk/menu" name a country
through their ccTLD (GeoNames' ``tld`` per country, via ``geosleuth.geo.countries``);
generic TLDs (.com, .org ...) say nothing. Some ccTLDs are sold worldwide as vanity
names (.io, .co, .tv ...); they are ignored, since "brand.io" says nothing about where
a shop is. The list below follows the registries' open-registration policies.

A host name also holds words, run together: "flavoursofiloilo.blogspot.com" is
"flavours of iloilo" (``host_words``), and the place names among them are read like any
other text.
"""

from __future__ import annotations

import math
from functools import lru_cache
from typing import TYPE_CHECKING

import regex

from geosleuth.model import CountryConstraint
from geosleuth.text.clue import TextClue
from geosleuth.text.quoting import quote

if TYPE_CHECKING:
    from geosleuth.geo.gazetteer import Gazetteer

STRENGTH = 0.6

# ccTLDs marketed as generic names, open to registrants anywhere.
VANITY_TLDS = frozenset({
    "io", "co", "tv", "me", "ai", "fm", "am", "ly", "gg", "to", "cc", "ws", "nu", "tk",
    "ml", "ga", "cf", "gq", "la", "sh", "ac", "vc", "bz", "mu", "st", "cx", "im",
})
# ".uk" is the one ccTLD whose country's ISO code differs (GB).
_SPECIAL = {"uk": ("GB",)}

# A bare domain ("hotel-sonne.at") needs at least one dot-separated label before the TLD
# and no scheme; scheme, "www." or an "@" make the match surer.
_DOMAIN = regex.compile(
    r"(?i)(?<![\p{L}\p{N}@.\-])"
    r"(?P<full>(?:(?P<scheme>https?://)|(?P<user>[a-z0-9._%+\-]+@))?"
    r"(?P<host>(?:[a-z0-9](?:[a-z0-9\-]{0,61}[a-z0-9])?\.)+(?P<tld>[a-z]{2,24}))"
    r"(?:/[^\s]*)?)"
    r"(?![\p{L}\p{N}\-])"
)


@lru_cache(maxsize=512)
def countries_for(tld: str) -> tuple[str, ...]:
    """Countries a top-level domain names; empty for generic and vanity ones."""
    tld = tld.lower()
    if tld in VANITY_TLDS or len(tld) != 2:
        return ()
    if tld in _SPECIAL:
        return _SPECIAL[tld]
    from geosleuth.geo.countries import countries_for_tld

    return tuple(countries_for_tld(tld))


def find_domains(text: str) -> list[TextClue]:
    """One clue per web or e-mail address whose TLD names a country."""
    clues: list[TextClue] = []
    seen: set[str] = set()
    for match in _DOMAIN.finditer(text):
        host = match.group("host").lower()
        labels = host.split(".")
        sure = bool(match.group("scheme") or match.group("user") or labels[0] == "www")
        if not sure and (len(labels[-2]) < 3 or any(ch.isdigit() for ch in labels[-2])):
            continue  # "z.B.", "St.Gallen"-like abbreviations and OCR noise, not hosts
        tld = match.group("tld").lower()
        countries = countries_for(tld)
        if not countries or host in seen:
            continue
        seen.add(host)
        kind = "e-mail" if match.group("user") else "web address"
        weights = dict.fromkeys(countries, 1.0)
        clues.append(
            TextClue(
                kind="web",
                text=match.group("full"),
                summary=f"{kind} {quote(match.group('full'))}: .{tld} is {', '.join(countries)}",
                data={"host": host, "tld": tld, "countries": list(countries), "kind": kind},
                constraint=CountryConstraint(
                    weights=weights, default=0.1, strength=STRENGTH if sure else STRENGTH - 0.1
                ),
            )
        )
    return clues


# Segmenting a run-together label: each piece costs its improbability as a word (Zipf is
# log10 per 10^9 words, so a word of Zipf z costs 9 - z); a piece no word list knows costs
# more than any word, growing with its length. Hand-written: the segmenters on PyPI
# (wordninja, wordsegment) know English only and have not been maintained since 2019.
_UNKNOWN_COST = 10.0
_UNKNOWN_PER_LETTER = 1.5
_MAX_WORD = 24
_LABEL_WORDS = regex.compile(r"[a-z]+")
_SKIP_LABELS = frozenset({"www", "m", "mail", "web", "en", "blog"})
PLACE_ZIPF = 3.0
PLACE_MIN_POPULATION = 15_000


@lru_cache(maxsize=1)
def _vocabulary() -> dict[str, float]:
    """Word -> highest frequency in the common sign languages' small word lists (one
    dictionary, built when a host name is first segmented: asking wordfreq piece by piece
    took 0.2-0.5 s per label)."""
    from wordfreq import get_frequency_dict

    from geosleuth.text.wordfreqs import COMMON_LANGUAGES

    vocab: dict[str, float] = {}
    for lang in COMMON_LANGUAGES:
        for word, freq in get_frequency_dict(lang, wordlist="small").items():
            if freq > vocab.get(word, 0.0):
                vocab[word] = freq
    return vocab


def segment(label: str, gazetteer: Gazetteer | None = None) -> list[str]:
    """``label`` split into the most probable words ("flavoursofiloilo" -> flavours, of,
    iloilo); a piece no word list knows stays as it is. With a gazetteer, the name of a
    town of ``PLACE_MIN_POPULATION`` or more counts as a word of Zipf ``PLACE_ZIPF``: word
    lists hold few place names, and host names hold many."""
    vocab = _vocabulary()
    n = len(label)
    best: list[tuple[float, int]] = [(0.0, 0)] + [(float("inf"), 0)] * n
    for end in range(1, n + 1):
        for start in range(max(0, end - _MAX_WORD), end):
            piece = label[start:end]
            freq = vocab.get(piece, 0.0) if len(piece) > 1 or piece in ("a", "i") else 0.0
            z = math.log10(freq) + 9.0 if freq > 0 else 0.0
            if z < PLACE_ZIPF and len(piece) >= 4 and _is_place(piece, gazetteer):
                z = PLACE_ZIPF
            cost = 9.0 - z if z > 0 else _UNKNOWN_COST + _UNKNOWN_PER_LETTER * len(piece)
            total = best[start][0] + cost
            if total < best[end][0]:
                best[end] = (total, start)
    words: list[str] = []
    end = n
    while end > 0:
        start = best[end][1]
        words.append(label[start:end])
        end = start
    return words[::-1]


def _is_place(piece: str, gazetteer: Gazetteer | None) -> bool:
    if gazetteer is None:
        return False
    return any(m.score >= 1.0 and (m.place.population or 0) >= PLACE_MIN_POPULATION
               for m in gazetteer.lookup(piece, limit=3))


def host_words(text: str, gazetteer: Gazetteer | None = None) -> list[str]:
    """The words run together in the host names of the web and e-mail addresses in
    ``text``, one phrase per label ("www.visitlisboa.com" -> "visit lisboa"); the top-level
    domain and "www" apart."""
    phrases: list[str] = []
    for match in _DOMAIN.finditer(text):
        labels = match.group("host").lower().split(".")[:-1]
        for label in labels:
            if label in _SKIP_LABELS:
                continue
            words = [w for part in _LABEL_WORDS.findall(label) for w in segment(part, gazetteer)]
            phrase = " ".join(words)
            if len(words) > 1 and phrase not in phrases:
                phrases.append(phrase)
    return phrases
