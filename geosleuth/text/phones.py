"""Phone numbers on signs -> country (calling code) and, for fixed lines, the area they serve.

Parsing, validation and area lookup use Google's libphonenumber data through the
``phonenumbers`` package. Without a country hint only numbers written in international
form ("+49 30 …") are read: a national number ("030 …") means nothing until one knows the
country. A fixed-line number's area description ("Berlin", "São Paulo - SP",
"New York, NY") is placed with the gazetteer when one is given.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

import phonenumbers
from phonenumbers import PhoneNumberType

from geosleuth.model import CountryConstraint, PointConstraint
from geosleuth.text.clue import TextClue
from geosleuth.text.quoting import quote

if TYPE_CHECKING:
    from geosleuth.geo.gazetteer import Gazetteer

COUNTRY_STRENGTH = 0.7  # a business's number is nearly always local; chains are the exception
AREA_STRENGTH = 0.6
AREA_RADIUS_KM = 60.0  # an area code serves a city and its surroundings
REGION_RADIUS_KM = 200.0  # an area code named after a province or state
_NO_AREA = {PhoneNumberType.MOBILE, PhoneNumberType.TOLL_FREE, PhoneNumberType.PREMIUM_RATE,
            PhoneNumberType.SHARED_COST, PhoneNumberType.VOIP, PhoneNumberType.PAGER,
            PhoneNumberType.UAN, PhoneNumberType.PERSONAL_NUMBER}


def _area_names(description: str) -> list[str]:
    """"São Paulo - SP" -> ["São Paulo"]; "New York, NY" -> ["New York"]."""
    head = description.split(",")[0].split(" - ")[0].strip()
    return [head] if head else []


def _place_area(
    gazetteer: Gazetteer | None, description: str, country: str
) -> tuple[float, float, str, float] | None:
    if gazetteer is None or not description:
        return None
    for name in _area_names(description):
        matches = gazetteer.lookup(name, country=country, limit=3)
        if not matches:
            continue
        best = max(matches, key=lambda m: (m.score, m.place.kind == "city",
                                           m.place.population or 0))
        if best.place.kind == "country":
            # libphonenumber names only the country for mobile numbers of some plans
            # ("India" for 83403 69754): no area, and not a circle at the country's centre
            return None
        radius = AREA_RADIUS_KM if best.place.kind == "city" else REGION_RADIUS_KM
        return best.place.lat, best.place.lon, best.place.name, radius
    return None


def find_phones(
    text: str, country_hint: Iterable[str] = (), gazetteer: Gazetteer | None = None
) -> list[TextClue]:
    """One clue per valid phone number: its area when it maps to a place, else its country."""
    regions = ["ZZ"] + [c.upper() for c in country_hint]
    clues: list[TextClue] = []
    seen: set[str] = set()
    for region in regions:
        for match in phonenumbers.PhoneNumberMatcher(
            text, region, leniency=phonenumbers.Leniency.VALID
        ):
            number = match.number
            e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
            if e164 in seen:
                continue
            seen.add(e164)
            clues.append(_clue(match.raw_string, number, e164, gazetteer))
    return clues


def _clue(
    raw: str, number: phonenumbers.PhoneNumber, e164: str, gazetteer: Gazetteer | None
) -> TextClue:
    country = phonenumbers.region_code_for_number(number) or ""
    sharing = phonenumbers.region_codes_for_country_code(number.country_code)
    kind = phonenumbers.number_type(number)
    cache_dir = gazetteer.cache_dir if gazetteer is not None else None
    description = "" if kind in _NO_AREA else _area(number, cache_dir)
    data = {
        "number": e164,
        "calling_code": f"+{number.country_code}",
        "country": country,
        "countries_sharing_code": list(sharing),
        "area": description or None,
        "type": PhoneNumberType.to_string(kind),
    }
    place = _place_area(gazetteer, description, country) if description else None
    if place is not None:
        lat, lon, name, radius = place
        data["place"] = {"name": name, "lat": lat, "lon": lon}
        return TextClue(
            kind="phone",
            text=raw,
            summary=f"phone {quote(raw)}: {country} +{number.country_code}, "
            f"area {description} (near {name})",
            data=data,
            constraint=PointConstraint(lat=lat, lon=lon, radius_km=radius, strength=AREA_STRENGTH),
        )
    weights = {country: 1.0} if country else dict.fromkeys(sharing, 1.0)
    area = f", area {description}" if description else ""
    return TextClue(
        kind="phone",
        text=raw,
        summary=f"phone {quote(raw)}: {', '.join(weights)} +{number.country_code}{area}",
        data=data,
        constraint=CountryConstraint(weights=weights, default=0.05, strength=COUNTRY_STRENGTH),
    )


def _area(number: phonenumbers.PhoneNumber, cache_dir: Path | None = None) -> str:
    """The area a fixed-line number belongs to ("Lisbon"), in English: phonenumbers'
    geocoder's answer, from the index kept in the cache folder (``phone_areas``; the
    geocoder's own data is 80-98 MB and 0.3-0.5 s to load)."""
    from geosleuth.text.phone_areas import area_description

    return area_description(number, cache_dir)
