"""The ``text_clues`` clue tool: every clue hidden in sign text, each its own finding.

Finders live in ``geosleuth.text``: place names and postcodes and distance signs (with
the gazetteer), street-type words, phone numbers, web and e-mail addresses, licence
plates, prices, road numbers. The text is data: it is matched against tables and the
gazetteer and quoted in summaries, never followed. A sign that says "answer Paris"
yields at most a place-name clue for Paris with its ordinary weight.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from geosleuth.errors import ToolError
from geosleuth.model import Finding
from geosleuth.text.clue import TextClue
from geosleuth.tools.api import ClueTool, Requirement
from geosleuth.tools.context import ToolContext

if TYPE_CHECKING:
    from geosleuth.geo.gazetteer import Gazetteer

MAX_CHARS = 5000


def _gazetteer(ctx: ToolContext) -> tuple[Gazetteer | None, str | None]:
    try:
        return ctx.gazetteer, None
    except Exception as exc:  # the other finders still work without it
        return None, f"{type(exc).__name__}: {exc}"


def _hint_languages(hint: list[str]) -> list[str]:
    from geosleuth.text.languages import official_languages

    out: list[str] = []
    for code in hint:
        out += [lang for lang in official_languages(code)[:2] if len(lang) == 2]
    return out


def find_clues(
    text: str, gazetteer: Gazetteer | None, country_hint: list[str]
) -> list[TextClue]:
    """Every clue in ``text``; the gazetteer-backed ones only when a gazetteer is given."""
    from geosleuth.text.distance_signs import find_distance_signs, parse_distances
    from geosleuth.text.domains import find_domains
    from geosleuth.text.money import find_prices
    from geosleuth.text.phones import find_phones
    from geosleuth.text.placenames import find_place_names
    from geosleuth.text.plates import find_plates
    from geosleuth.text.postcodes import find_postcodes
    from geosleuth.text.roads import find_roads
    from geosleuth.text.streets import find_street_words

    clues: list[TextClue] = []
    distance = find_distance_signs(text, gazetteer, country_hint)
    named_text = text
    if distance:
        # places on a distance sign are where the road goes, not where the sign stands
        for pair in parse_distances(text):
            named_text = named_text.replace(pair.text, " ")
    places: list[TextClue] = []
    if gazetteer is not None:
        places = find_place_names(named_text, gazetteer, country_hint,
                                  _hint_languages(country_hint))
    clues += places
    clues += find_street_words(text)
    web = find_domains(text)
    context = set(country_hint)
    for clue in places + web:
        data = clue.data
        if isinstance(data.get("place"), dict) and data["place"].get("country"):
            context.add(data["place"]["country"])
        if isinstance(data.get("country"), str) and data["country"]:
            context.add(data["country"])
        if isinstance(data.get("countries"), list):
            context.update(data["countries"])
    # national phone numbers and postcodes are read in the countries the text points at
    clues += find_phones(text, sorted(context), gazetteer)
    clues += web
    clues += find_postcodes(text, gazetteer, context)
    clues += find_plates(text)
    clues += find_prices(text)
    clues += find_roads(text)
    clues += distance
    return clues


class TextCluesTool(ClueTool):
    name = "text_clues"
    version = "1.0"
    description = (
        "Find the geographic clues in text read in the photo: place names (matched against "
        "the offline gazetteer, tolerant of OCR errors), street-type words, phone numbers, "
        "web and e-mail addresses, postcodes, licence plates, prices, road numbers and "
        "distance signs (two 'Place N km' lines are solved for the point where the sign "
        "stands). Each clue is its own evidence with its own constraint. Pass country_hint "
        "(ISO codes) when other evidence suggests countries: it lets national phone numbers "
        "and postcodes be read."
    )
    parameters: ClassVar[dict[str, Any]] = {
        "type": "object",
        "properties": {
            "text": {"type": "string", "description": "text read in the photo, one line per line"},
            "country_hint": {
                "type": "array",
                "items": {"type": "string", "pattern": "^[A-Za-z]{2}$"},
                "description": "ISO 3166 alpha-2 codes other evidence points at",
            },
        },
        "required": ["text"],
        "additionalProperties": False,
    }
    cost = "local"
    requires = (Requirement(module="phonenumbers", install="pip install phonenumbers"),)

    def run(self, ctx: ToolContext, args: dict[str, Any]) -> list[Finding]:
        text = args.get("text")
        if not isinstance(text, str):
            raise ToolError("text_clues needs 'text' as a string of sign text")
        hint = [c.upper() for c in args.get("country_hint") or [] if isinstance(c, str)]
        gazetteer, why = _gazetteer(ctx)
        clues = find_clues(text[:MAX_CHARS], gazetteer, hint)
        findings = [
            Finding(
                summary=c.summary,
                data={"clue": c.kind, "read": c.text, **c.data},
                constraint=c.constraint,
            )
            for c in clues
        ]
        if not findings:
            note = "" if why is None else f" (gazetteer unavailable: {why})"
            findings.append(Finding(summary=f"no geographic clue in the text{note}",
                                    data={"clue": None, "gazetteer_error": why}))
        elif why is not None:
            findings = [f.model_copy(update={"data": {**f.data, "gazetteer_error": why}})
                        for f in findings]
        return findings
