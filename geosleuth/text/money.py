"""Currency signs and prices ("€ 3,50", "R$ 12,90", "1.200 Kč", "₩5,000", "350円") -> countries.

The symbol -> currency table is written here because Babel's per-locale symbols take
seconds to load across all locales and miss the unit words signs use ("円", "元",
"руб"); the symbols are those of Unicode CLDR (currency ``symbol`` and ``narrow``
values) plus those unit words. Currency -> countries (those where it is legal tender
today) comes from CLDR through ``babel.numbers.get_territory_currencies``. A sign only
counts next to a number, so that a stray "R" or "kr" in a word is not a price.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from functools import lru_cache

import regex

from geosleuth.model import CountryConstraint
from geosleuth.text.clue import TextClue, population_weights
from geosleuth.text.quoting import quote

STRENGTH = 0.5  # prices are local, but shops near borders and tourist spots take others

SYMBOLS: dict[str, tuple[str, ...]] = {
    "€": ("EUR",), "£": ("GBP",), "¥": ("JPY", "CNY"), "￥": ("JPY", "CNY"),
    "円": ("JPY",), "元": ("CNY",), "₩": ("KRW",), "원": ("KRW",), "₹": ("INR",),
    "₽": ("RUB",), "руб": ("RUB",), "руб.": ("RUB",), "₺": ("TRY",), "TL": ("TRY",),
    "₴": ("UAH",), "грн": ("UAH",), "₪": ("ILS",), "฿": ("THB",), "บาท": ("THB",),
    "₫": ("VND",), "đ": ("VND",), "₱": ("PHP",), "R$": ("BRL",), "zł": ("PLN",),
    "Kč": ("CZK",), "Ft": ("HUF",), "lei": ("RON", "MDL"), "лв": ("BGN",), "лв.": ("BGN",),
    "kr": ("SEK", "NOK", "DKK", "ISK"), "kr.": ("DKK", "ISK"), "CHF": ("CHF",),
    "Fr.": ("CHF",), "RM": ("MYR",), "Rp": ("IDR",), "Rs": ("INR", "PKR", "LKR", "NPR"),
    "S$": ("SGD",), "HK$": ("HKD",), "NT$": ("TWD",), "A$": ("AUD",), "C$": ("CAD",),
    "CA$": ("CAD",), "NZ$": ("NZD",), "MX$": ("MXN",), "US$": ("USD",), "R": ("ZAR",),
    "₦": ("NGN",), "₵": ("GHS",), "KSh": ("KES",), "₸": ("KZT",), "₾": ("GEL",),
    "֏": ("AMD",), "₼": ("AZN",), "S/": ("PEN",), "Q": ("GTQ",), "₡": ("CRC",),
    "₲": ("PYG",), "Bs": ("BOB",), "د.إ": ("AED",), "ر.س": ("SAR",), "ج.م": ("EGP",),
    "﷼": ("SAR", "IRR", "YER", "OMR", "QAR"), "ريال": ("SAR", "IRR", "YER", "OMR", "QAR"),
    "تومان": ("IRR",), "₭": ("LAK",), "៛": ("KHR",), "৳": ("BDT",), "₮": ("MNT",),
    "$": ("USD", "CAD", "AUD", "NZD", "MXN", "ARS", "CLP", "COP", "SGD", "HKD", "TWD"),
}

_NUMBER = r"\d{1,3}(?:[ .,' ]\d{3})*(?:[.,]\d{1,2})?|\d+(?:[.,]\d{1,2})?"


@lru_cache(maxsize=1)
def _currency_countries() -> dict[str, tuple[str, ...]]:
    """Currency code -> countries where it is legal tender today (CLDR via Babel)."""
    from babel.core import get_global
    from babel.numbers import get_territory_currencies

    today = date.today()
    out: dict[str, list[str]] = defaultdict(list)
    for territory in get_global("territory_currencies"):
        if len(territory) != 2 or not territory.isalpha():
            continue
        for code in get_territory_currencies(territory, start_date=today, tender=True):
            out[code].append(territory)
    return {code: tuple(sorted(countries)) for code, countries in out.items()}


@lru_cache(maxsize=1)
def _pattern() -> regex.Pattern[str]:
    from babel.numbers import list_currencies

    signs = sorted(SYMBOLS, key=len, reverse=True)
    codes = sorted(c for c in list_currencies() if len(c) == 3 and c.isupper())
    sign = "|".join(regex.escape(s) for s in signs)
    code = "|".join(codes)
    # the sign before or after the number, at most one space between; codes in upper case
    return regex.compile(
        rf"(?:(?<![\p{{L}}])(?P<pre>{sign})\s?(?P<n1>{_NUMBER})"
        rf"|(?<![\d\p{{L}}])(?P<n2>{_NUMBER})\s?(?P<post>{sign})(?![\p{{L}}]))"
        rf"|(?:(?<![\p{{L}}])(?P<code>{code})\s?(?:{_NUMBER})"
        rf"|(?:{_NUMBER})\s?(?P<code2>{code})(?![\p{{L}}]))",
        flags=regex.V1,
    )


def find_prices(text: str) -> list[TextClue]:
    """One clue per currency seen next to a number."""
    by_currency: dict[tuple[str, ...], list[str]] = defaultdict(list)
    for match in _pattern().finditer(text):
        sign = match.group("pre") or match.group("post")
        iso = match.group("code") or match.group("code2")
        currencies = SYMBOLS.get(sign, ()) if sign else (iso,) if iso else ()
        if currencies:
            by_currency[currencies].append(match.group(0))
    table = _currency_countries()
    clues = []
    for currencies, seen in by_currency.items():
        countries = {c for cur in currencies for c in table.get(cur, ())}
        if not countries:
            continue  # a currency no longer legal tender anywhere
        weights = population_weights(countries)
        label = "/".join(currencies)
        top = ", ".join(list(weights)[:6])
        clues.append(
            TextClue(
                kind="currency",
                text=seen[0],
                summary=f"price {quote(seen[0])} in {label}: {top}"
                + (f" (+{len(weights) - 6} more)" if len(weights) > 6 else ""),
                data={"currencies": list(currencies), "seen": seen[:5], "countries": weights},
                constraint=CountryConstraint(weights=weights, default=0.05, strength=STRENGTH),
            )
        )
    return clues
