"""Web addresses and e-mail addresses -> the country of their country-code top-level domain.

"www.baeckerei-schmidt.de", "info@hotel.at", "https://example.co.uk/menu" name a country
through their ccTLD (GeoNames' ``tld`` per country, via ``geosleuth.geo.countries``);
generic TLDs (.com, .org ...) say nothing. Some ccTLDs are sold worldwide as vanity
names (.io, .co, .tv ...); they are ignored, since "brand.io" says nothing about where
a shop is. The list below follows the registries' open-registration policies.
"""

from __future__ import annotations

from functools import lru_cache

import regex

from geosleuth.model import CountryConstraint
from geosleuth.text.clue import TextClue
from geosleuth.text.quoting import quote

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
