"""Language identification of sign text, restricted to the languages of its scripts.

The text is cut into chunks of one script per line (a bilingual sign "서울 Seoul" is two
chunks). A chunk whose script is written in one language only (Hangul, Thai, Greek,
Georgian ...) needs no model. Otherwise lingua decides among the languages written in that
script; detectors are built lazily per language set, with only those models loaded, and
cached (all 75 languages would cost ~1 GB and seconds to load).

Latin text next to another script ("서울 Seoul", "ถนนสุขุมวิท Sukhumvit Rd") is taken as
a romanisation or English and gives no opinion. Kana anywhere makes the Han of the text
Japanese; Han without Kana is left to the Han script's country prior, because lingua
calls every kanji-only string Chinese while kanji-only signs are common in Japan. That
prior is narrowed when the characters are Simplified only (mainland China, Singapore) or
Traditional only (Taiwan, Hong Kong, Macau, and Japan's kanji), as hanzidentifier tells.

The country prior mixes the CLDR table of ``geosleuth.text.languages`` over the languages
found, weighted by their share of the letters; scripts no model reads (Ethiopic, Khmer ...)
contribute their script prior.
"""

from __future__ import annotations

import threading
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING

from geosleuth.heap import return_freed_memory
from geosleuth.text.languages import (
    DEFAULT_OUTSIDE,
    countries_for_han,
    countries_for_language,
    countries_for_script,
    default_outside,
    default_script_code,
    scripts_of_code,
)
from geosleuth.text.scripts import KANA, detect_scripts, dominant_script, script_counts

if TYPE_CHECKING:
    from lingua import Language, LanguageDetector

# Lingua languages with no country that writes them on its signs.
_EXCLUDED = {"eo"}
# A chunk whose best language has less than this share of the model's confidence is
# treated as having no language (short romanised names: "Seoul km").
MIN_CHUNK_CONFIDENCE = 0.25
# Languages below this share of the letters add nothing to the prior but its default.
MIN_PRIOR_SHARE = 0.01
# Languages below this share of the letters are not reported.
MIN_LANGUAGE_SHARE = 0.05
# Languages at least this share of the letters count for the multilingual-country rule.
MULTILINGUAL_SHARE = 0.15


@dataclass(frozen=True)
class LanguageGuess:
    code: str  # ISO 639-1, lower case
    name: str
    confidence: float  # share of the text's letters, times the model's confidence
    script: str


@dataclass
class LanguageReport:
    letters: int
    scripts: dict[str, float]
    languages: list[LanguageGuess] = field(default_factory=list)
    countries: dict[str, float] = field(default_factory=dict)
    default: float = DEFAULT_OUTSIDE
    decided: float = 0.0  # share of the letters that a model or a script decided
    certainty: float = 0.0  # share of the decided letters held by the leading language
    han_variant: str | None = None  # "Hans" / "Hant" when kana-free Han is one set only
    # the leading opinion is a script's own prior (Han), not a language model's guess
    script_decided: bool = False
    # the opinion comes from letters of a script other than Latin (Latin beside them is
    # a romanisation and gives none): Devanagari, Han, Thai ... are written in a few
    # countries, Latin in most
    local_script: bool = False

    @property
    def top(self) -> LanguageGuess | None:
        return self.languages[0] if self.languages else None


@lru_cache(maxsize=1)
def lingua_languages_by_script() -> dict[str, tuple[str, ...]]:
    """Script name -> ISO 639-1 codes of the lingua languages written in it (CLDR scripts)."""
    from lingua import Language

    out: dict[str, list[str]] = defaultdict(list)
    for lang in Language.all():
        code = lang.iso_code_639_1.name.lower()
        if code in _EXCLUDED:
            continue
        script_code = default_script_code(code)
        for script in scripts_of_code(script_code or ""):
            out[script].append(code)
    return {script: tuple(sorted(codes)) for script, codes in out.items()}


def _language(code: str) -> Language:
    from lingua import IsoCode639_1, Language

    return Language.from_iso_code_639_1(getattr(IsoCode639_1, code.upper()))


_lock = threading.Lock()
_detectors: dict[tuple[frozenset[str], bool], LanguageDetector] = {}


def detector_for(codes: frozenset[str], low_accuracy: bool = False) -> LanguageDetector:
    """A lingua detector for exactly these languages, built once and cached.

    ``low_accuracy`` uses lingua's trigram-only mode: a fraction of the memory and load
    time, less accurate on short text (see benchmarks/text.md).
    """
    key = (codes, low_accuracy)
    with _lock:
        found = _detectors.get(key)
        if found is None:
            from lingua import LanguageDetectorBuilder

            builder = LanguageDetectorBuilder.from_languages(*[_language(c) for c in sorted(codes)])
            if low_accuracy:
                builder = builder.with_low_accuracy_mode()
            found = builder.with_preloaded_language_models().build()
            _detectors[key] = found
        return found


def clear_detectors() -> None:
    """Forget every cached detector and unload its language models (lingua keeps loaded
    models in a process-wide store until told), handing their memory back: 50 MB for the
    Latin-script languages in low-accuracy mode."""
    with _lock:
        for detector in _detectors.values():
            detector.unload_language_models()
        _detectors.clear()
    return_freed_memory()


def _chunks(text: str) -> list[tuple[str, str]]:
    """(script, text) per line and script, in reading order."""
    out: list[tuple[str, str]] = []
    for line in text.splitlines():
        by_script: dict[str, list[str]] = defaultdict(list)
        for token in line.split():
            script = dominant_script(token)
            if script is not None:
                by_script[script].append(token)
        out.extend((script, " ".join(tokens)) for script, tokens in by_script.items())
    return out


@lru_cache(maxsize=256)
def _name(code: str) -> str:
    from babel import Locale

    try:
        return Locale.parse(code).get_display_name("en") or code
    except Exception:  # babel knows every lingua language; this is only a guard
        return code


def low_accuracy_for(script: str, accuracy: str) -> bool:
    """Whether ``script`` is read in lingua's low-accuracy mode under this setting.

    "auto" uses it for Latin only: the 48 Latin-script models cost about 0.9 GB and
    seconds to load in high-accuracy mode and 55 MB in low, with the same accuracy on
    the sign set of benchmarks/bench_language.py; other scripts' sets are small.
    """
    if accuracy == "auto":
        return script == "Latin"
    return accuracy == "low"


def _chunk_confidences(
    script: str, chunk: str, japanese: bool, accuracy: str = "auto"
) -> dict[str, float]:
    """Language -> confidence for one chunk of one script; empty when no model applies."""
    if script in ("Han", KANA) and japanese:
        return {"ja": 1.0}
    if script == "Han":
        return {}  # left to the Han script prior (see the module docstring)
    codes = lingua_languages_by_script().get(script, ())
    if not codes:
        return {}
    if len(codes) == 1:
        return {codes[0]: 1.0}
    detector = detector_for(frozenset(codes), low_accuracy_for(script, accuracy))
    values = detector.compute_language_confidence_values(chunk)
    return {v.language.iso_code_639_1.name.lower(): v.value for v in values if v.value > 0}


def identify(text: str, accuracy: str = "auto") -> LanguageReport:
    """Scripts, languages and the country prior of ``text`` (which may hold several lines).

    ``accuracy`` is the ``language_accuracy`` setting: "auto", "high" or "low".
    """
    counts = script_counts(text)
    letters = sum(counts.values())
    report = LanguageReport(letters=letters, scripts=detect_scripts(text))
    if letters == 0:
        return report
    japanese = KANA in counts
    # next to a local script, Latin text is a romanisation or English ("서울 Seoul"):
    # it names no language of the place, so it gives no opinion
    local_script = any(sc not in ("Latin", "Other") and n >= 2 for sc, n in counts.items())
    report.local_script = local_script
    lang_mass: dict[tuple[str, str], float] = defaultdict(float)
    script_mass: dict[str, float] = defaultdict(float)
    for script, chunk in _chunks(text):
        if script == "Latin" and local_script:
            continue
        n = sum(script_counts(chunk).values())
        confidences = _chunk_confidences(script, chunk, japanese, accuracy)
        if not confidences:
            if script == "Latin":
                # Latin letters no language model has an opinion on ("BA 123 XY" on a
                # plate) are written in every country: brands, English, plates. Latin's
                # script prior favours the populous Latin-writing countries and counts
                # against the rest; on 13 real plates it held the truth for none.
                continue
            script_mass[script] += n
            continue
        total = sum(confidences.values())
        if max(confidences.values()) / total < MIN_CHUNK_CONFIDENCE:
            continue  # the model cannot tell (e.g. a romanised name): no opinion
        for code, value in confidences.items():
            lang_mass[(code, script)] += n * value / total

    guesses: dict[str, LanguageGuess] = {}
    for (code, script), mass in sorted(lang_mass.items(), key=lambda kv: -kv[1]):
        share = mass / letters
        if code in guesses or share < MIN_LANGUAGE_SHARE:
            continue
        guesses[code] = LanguageGuess(code, _name(code), round(share, 4), script)
    report.languages = list(guesses.values())
    decided = sum(lang_mass.values()) + sum(script_mass.values())
    report.decided = round(decided / letters, 4)
    if decided > 0:
        top_lang = max(lang_mass.values(), default=0.0)
        top_script = max(script_mass.values(), default=0.0)
        report.certainty = round(max(top_lang, top_script) / decided, 4)
        report.script_decided = top_script > top_lang
    variant = han_variant(text) if "Han" in script_mass else None
    report.han_variant = variant
    report.countries, report.default = _country_prior(
        lang_mass, script_mass, letters, list(guesses.values()), variant
    )
    return report


def han_variant(text: str) -> str | None:
    """"Hans" when the Han characters are Simplified only, "Hant" when Traditional only,
    None when they are shared by both sets or mixed (hanzidentifier, CC-CEDICT data)."""
    import hanzidentifier

    found = hanzidentifier.identify(text)
    if found == hanzidentifier.SIMPLIFIED:
        return "Hans"
    if found == hanzidentifier.TRADITIONAL:
        return "Hant"
    return None


def _country_prior(
    lang_mass: dict[tuple[str, str], float],
    script_mass: dict[str, float],
    letters: int,
    guesses: list[LanguageGuess],
    han_variant: str | None = None,
) -> tuple[dict[str, float], float]:
    """Mix the language and script priors by share of letters; returns (weights, default)."""
    prior: dict[str, float] = defaultdict(float)
    outside = 0.0
    for (code, script), mass in lang_mass.items():
        share = mass / letters
        if share < MIN_PRIOR_SHARE:
            outside += share * DEFAULT_OUTSIDE
            continue
        for country, w in countries_for_language(code, script).items():
            prior[country] += share * w
        outside += share * default_outside(code)
    for script, mass in script_mass.items():
        share = mass / letters
        if script == "Han":
            prior_of_script = countries_for_han(han_variant) if han_variant else None
        else:
            prior_of_script = None
        for country, w in (prior_of_script or countries_for_script(script)).items():
            prior[country] += share * w
        outside += share * DEFAULT_OUTSIDE
    if not prior:
        return {}, DEFAULT_OUTSIDE
    top = max(prior.values())
    # A sign in several languages points at the countries that use all of them together
    # (German + Italian + French: Switzerland): those get at least the top weight.
    major = [g for g in guesses if g.confidence >= MULTILINGUAL_SHARE]
    if len(major) >= 2:
        sets = [set(countries_for_language(g.code, g.script)) for g in major]
        for country in set.intersection(*sets):
            prior[country] = max(prior[country], top)
    weights = {
        c: round(w / top, 4)
        for c, w in sorted(prior.items(), key=lambda kv: -kv[1])
        if w / top >= 0.01
    }
    return weights, round(min(outside / top, 1.0), 4)
