"""The ``language_detect`` clue tool: scripts, then lingua among their languages, then countries.

The text is data. It is measured (scripts, languages) and never interpreted; the summary
names languages and countries, never repeats the text.
"""

from __future__ import annotations

from typing import Any, ClassVar

from geosleuth.errors import ToolError
from geosleuth.heap import models_used_once
from geosleuth.model import CountryConstraint, Finding
from geosleuth.text.langid import LanguageReport, clear_detectors, identify
from geosleuth.tools.api import ClueTool, Requirement, Stage
from geosleuth.tools.context import ToolContext
from geosleuth.tools.plan import PlanInput

MAX_CHARS = 5000  # longer input is cut: a photo's signage never needs more
MIN_DECIDED_LETTERS = 3  # fewer letters with a language or script opinion: no constraint
# A Latin-language guess. Until Dec 2026 an area clue's floor diluted its strength (see
# geosleuth.fusion.likelihood): 0.5-0.7 with the languages' usual floor 0.2 put 0.45-0.61
# in their countries. This range keeps that: Latin guesses are not better measured than
# that (real photos: 3 of 3 tune, 1 of 2 holdout held the truth; a rendered "ulica
# Floriańska Kraków" came out Lithuanian and outweighed the name at 0.65).
STRENGTH_MIN, STRENGTH_MAX = 0.45, 0.6
# The most an opinion read from a local script (not Latin) states (from STRENGTH_MIN up,
# by certainty and length like a Latin guess). Measured with
# benchmarks/clue_strengths.py on the real signs and plates (eval_real at 704d282): such
# opinions held the truth for 7 of 7 photos of the tune split (Laplace's rule of
# succession: 8/9 = 0.89) and 5 of 5 of the holdout; Latin-language guesses for 3 of 3
# and 1 of 2 (romanised Indian place names came out as Maori). The real sets come from
# OCR datasets photographed where their scripts are at home, so the figure is shaded
# down for the signs seen abroad (a Chinatown) that they hold too few of.
LOCAL_SCRIPT_MAX = 0.85
FULL_LENGTH_LETTERS = 10  # letters at which text length no longer limits the strength
# A language model's guess gives a country prior only when it is clear: the leading
# language holds this share of the decided letters and leads the next by this margin. Short Latin
# text ("Rua Augusta / Lisboa") otherwise comes out as Māori or Yoruba, and their
# countries would be evidence against the place the words name.
MIN_LANGUAGE_SHARE = 0.5
MIN_LANGUAGE_MARGIN = 0.2
# A language model's guess among the Latin-script languages needs this many decided letters.
# On the real photos (../shared/data/real, tune split) the guesses that named a wrong country
# had 9, 14, 14 and 88 letters ("ARIZONA" on a plate as Southern Sotho), the right ones 19 to
# 114; the holdout split agreed. Latin words that short are names, brands and plates, which
# every Latin-writing country shows.
MIN_LATIN_LETTERS = 15


def unsure(report: LanguageReport) -> bool:
    """Whether the leading language is a guess too weak to give countries."""
    top = report.top
    if top is None:
        # A script alone decided (Han) and its prior stands; or no language reached a share
        # worth naming, and the language models' opinions are spread over many: the mix of
        # their countries is no evidence. On real licence plates ("BA 123 XY") such a mix
        # put the Philippines, the United States and India first, and held the truth for
        # 1 of 14 photos.
        return not report.script_decided
    if top.script == "Latin" and report.decided * report.letters < MIN_LATIN_LETTERS:
        return True
    second = report.languages[1].confidence if len(report.languages) > 1 else 0.0
    margin = (top.confidence - second) / max(report.decided, 1e-9)  # of the decided letters
    return report.certainty < MIN_LANGUAGE_SHARE or margin < MIN_LANGUAGE_MARGIN


def strength_for(report: LanguageReport) -> float | None:
    """Constraint strength from the leading language's certainty and the amount of text;
    None (no constraint) for too few letters or an unsure guess."""
    decided_letters = report.decided * report.letters
    if decided_letters < MIN_DECIDED_LETTERS or not report.countries or unsure(report):
        return None
    length = min(1.0, decided_letters / FULL_LENGTH_LETTERS)
    top = LOCAL_SCRIPT_MAX if report.local_script else STRENGTH_MAX
    return round(STRENGTH_MIN + (top - STRENGTH_MIN) * report.certainty * length, 3)


def _percent(share: float) -> str:
    return f"{round(share * 100)} %"


def summarise(report: LanguageReport) -> str:
    if not report.scripts:
        return "no letters in the text: no script or language"
    scripts = ", ".join(f"{s} {_percent(v)}" for s, v in report.scripts.items())
    if report.languages:
        langs = ", ".join(f"{g.name} ({g.confidence:.2f})" for g in report.languages[:3])
    else:
        langs = "no language decided"
    if unsure(report):
        return f"scripts {scripts}; {langs}; too unsure of the language to point at countries"
    top = ", ".join(f"{c} {w:.2f}" for c, w in list(report.countries.items())[:5])
    return f"scripts {scripts}; {langs}" + (f"; countries {top}" if top else "")


class LanguageDetectTool(ClueTool):
    name = "language_detect"
    stage: ClassVar[Stage | None] = "interpret"

    def offline_calls(self, plan: PlanInput) -> list[dict[str, Any]]:
        return [{"text": "\n".join(plan.text)}] if plan.text else []
    version = "1.0"
    description = (
        "Identify the writing scripts and languages of text read in the photo (for example "
        "by ocr_signage) and turn them into a prior over countries, using where each "
        "language is written in public (Unicode CLDR). Give it the sign text, one line per "
        "line of the sign. Mixed-language signs give mixed priors; a few letters give no "
        "constraint."
    )
    parameters: ClassVar[dict[str, Any]] = {
        "type": "object",
        "properties": {
            "text": {
                "type": "string",
                "description": "text read in the photo; may hold several lines",
            }
        },
        "required": ["text"],
        "additionalProperties": False,
    }
    cost = "local"
    basis = "read"
    requires = (
        Requirement(module="lingua", install="pip install lingua-language-detector"),
    )

    def run(self, ctx: ToolContext, args: dict[str, Any]) -> Finding:
        text = args.get("text")
        if not isinstance(text, str):
            raise ToolError("language_detect needs 'text' as a string of sign text")
        report = identify(text[:MAX_CHARS], ctx.settings.language_accuracy)
        if models_used_once():
            clear_detectors()  # the photo's text is read once; the memory is wanted later
        strength = strength_for(report)
        constraint = None
        if strength is not None:
            constraint = CountryConstraint(
                weights=report.countries, default=report.default, strength=strength
            )
        data = {
            "scripts": {s: round(v, 4) for s, v in report.scripts.items()},
            "languages": [
                {"code": g.code, "name": g.name, "confidence": g.confidence, "script": g.script}
                for g in report.languages
            ],
            "countries": report.countries,
            "letters": report.letters,
            "decided": report.decided,
            "local_script": report.local_script,
        }
        return Finding(summary=summarise(report), data=data, constraint=constraint)
