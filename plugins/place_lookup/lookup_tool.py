"""The ``place_lookup`` tool: where could a place name found in the photo be?"""

from __future__ import annotations

import json
from typing import Any, ClassVar

from geosleuth_plugins.place_lookup.weighing import merge_nested, place_radius_km, strengths

from geosleuth.errors import ToolError
from geosleuth.geo.gazetteer import Gazetteer, PlaceMatch
from geosleuth.model import CountryConstraint, Finding, PointConstraint
from geosleuth.text.quoting import quote
from geosleuth.tools.api import ClueTool, Stage
from geosleuth.tools.context import ToolContext

QUOTE_CHARS = 80  # text from the image is quoted, never obeyed, in summaries

STRONG_SCORE = 0.8  # weaker fuzzy matches are not evidence
MAX_NAME_CHARS = 200


def _continent_countries(continent: str) -> dict[str, float]:
    from geosleuth.geo.countries import all_countries

    return {c.code: 1.0 for c in all_countries() if c.continent == continent}


def _finding(gazetteer: Gazetteer, match: PlaceMatch, strength: float, n: int) -> Finding:
    place = match.place
    data = {
        "geonameid": place.geonameid,
        "name": place.name,
        "matched": match.matched,
        "score": match.score,
        "country_code": place.country_code,
        "kind": place.kind,
        "population": place.population,
        "admin1": place.admin1,
        "lat": place.lat,
        "lon": place.lon,
    }
    where = ", ".join(
        x for x in (place.admin1 if place.kind == "city" else None,
                    gazetteer.country_name(place.country_code) if place.country_code else None)
        if x
    )  # fmt: skip
    label = f"{place.name} ({place.kind}{', ' + where if where else ''})"
    how = "exact" if match.score >= 1.0 else f"score {match.score:.2f}"
    of = f", one of {n} places with that name" if n > 1 else ""
    constraint: Any
    if place.kind == "country":
        constraint = CountryConstraint(weights={place.country_code: 1.0}, strength=strength)
        summary = f"{quote(match.matched, QUOTE_CHARS)} names the country {label} ({how}{of})"
    elif place.kind == "continent":
        weights = _continent_countries(place.name)
        constraint = (
            CountryConstraint(weights=weights, strength=strength) if weights else None
        )
        summary = (f"{quote(match.matched, QUOTE_CHARS)} names the continent {place.name}"
                   f" ({how}{of})")
    else:
        radius = place_radius_km(place)
        data["radius_km"] = round(radius, 1)
        constraint = PointConstraint(
            lat=place.lat, lon=place.lon, radius_km=radius, strength=strength
        )
        summary = (
            f"{quote(match.matched, QUOTE_CHARS)} is {label} at {place.lat:.4f}, {place.lon:.4f}, "
            f"within {radius:.0f} km ({how}{of})"
        )
    return Finding(summary=summary, data=data, constraint=constraint)


class PlaceLookupTool(ClueTool):
    name = "place_lookup"
    stage: ClassVar[Stage | None] = None  # for a model or the investigator
    example_args: ClassVar[dict[str, Any] | None] = {"name": "Lisboa"}
    version = "1.0"
    description = (
        "Look up a place name in the offline GeoNames gazetteer (cities and villages of 500+ "
        "inhabitants, regions, US states, countries, continents; names in local scripts and "
        "many languages, case and accents ignored). Returns one piece of evidence per "
        "matching place, each a point with a radius (a country or continent: a set of "
        "countries); a name shared by many places gives each a lower strength. Pass "
        "'country' (ISO code) to restrict, 'fuzzy' for OCR-damaged names."
    )
    parameters: ClassVar[dict[str, Any]] = {
        "type": "object",
        "properties": {
            "name": {"type": "string", "minLength": 1, "description": "the place name"},
            "country": {
                "type": "string",
                "pattern": "^[A-Za-z]{2}$",
                "description": "ISO 3166 alpha-2 code to search in",
            },
            "fuzzy": {
                "type": "boolean",
                "default": False,
                "description": "also match names a few letters off (OCR errors)",
            },
            "limit": {"type": "integer", "minimum": 1, "maximum": 10, "default": 5},
        },
        "required": ["name"],
        "additionalProperties": False,
    }
    cost = "local"
    basis = "read"

    def cache_key(self, ctx: ToolContext, args: dict[str, Any]) -> str | None:
        # The answer depends on the arguments only, not on the photo.
        return json.dumps([self.name, self.version, args], sort_keys=True, default=str)

    def run(self, ctx: ToolContext, args: dict[str, Any]) -> list[Finding]:
        name = args.get("name")
        if not isinstance(name, str) or not name.strip():
            raise ToolError("place_lookup needs 'name': the place name to look up")
        name = name.strip()[:MAX_NAME_CHARS]
        country = args.get("country")
        country = country.upper() if isinstance(country, str) and country.strip() else None
        limit = min(10, max(1, int(args.get("limit", 5))))
        fuzzy = bool(args.get("fuzzy", False))
        gazetteer = ctx.gazetteer
        matches = merge_nested(
            [
                m
                for m in gazetteer.lookup(name, country=country, limit=50, fuzzy=fuzzy)
                if m.score >= STRONG_SCORE
            ]
        )
        where = f" in {country}" if country else ""
        if not matches:
            hint = "" if fuzzy else "; try fuzzy=true if the text may hold OCR errors"
            return [
                Finding(
                    summary=f"no place named {quote(name, QUOTE_CHARS)}{where} in the gazetteer"
                    f"{hint}",
                    data={"name": name, "country": country, "fuzzy": fuzzy, "matches": 0},
                )
            ]
        # The strength of each place reflects every place the name fits, shown or not.
        weights = strengths(matches)
        return [
            _finding(gazetteer, m, s, len(matches))
            for m, s in list(zip(matches, weights, strict=True))[:limit]
        ]
