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
from geosleuth.text.find import find_text_clues
from geosleuth.tools.api import ClueTool, Requirement, Stage
from geosleuth.tools.context import ToolContext
from geosleuth.tools.plan import PlanInput

if TYPE_CHECKING:
    from geosleuth.geo.gazetteer import Gazetteer

MAX_CHARS = 5000


def _gazetteer(ctx: ToolContext) -> tuple[Gazetteer | None, str | None]:
    try:
        return ctx.gazetteer, None
    except Exception as exc:  # the other finders still work without it
        return None, f"{type(exc).__name__}: {exc}"


class TextCluesTool(ClueTool):
    name = "text_clues"
    stage: ClassVar[Stage | None] = "interpret"

    def offline_calls(self, plan: PlanInput) -> list[dict[str, Any]]:
        return [{"text": "\n".join(plan.text)}] if plan.text else []
    version = "1.0"
    description = (
        "Find the geographic clues in text read in the photo: place names (matched against "
        "the offline gazetteer, tolerant of OCR errors), street-type words, phone numbers, "
        "web and e-mail addresses, tax and company numbers (GSTIN, CNPJ, VAT ...), postcodes, "
        "licence plates, prices, road numbers and "
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
    basis = "read"
    requires = (Requirement(module="phonenumbers", install="pip install phonenumbers"),)

    def run(self, ctx: ToolContext, args: dict[str, Any]) -> list[Finding]:
        text = args.get("text")
        if not isinstance(text, str):
            raise ToolError("text_clues needs 'text' as a string of sign text")
        hint = [c.upper() for c in args.get("country_hint") or [] if isinstance(c, str)]
        gazetteer, why = _gazetteer(ctx)
        clues = find_text_clues(text[:MAX_CHARS], gazetteer, hint)
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
