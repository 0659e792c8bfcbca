"""Scripts whose Tesseract models read each other's glyphs as their own, and how to tell.

Thai and the Brahmic scripts of South Asia are drawn from similar strokes: on real Indian
signs the Thai model read Devanagari, Bengali and Odia lines as Thai letters at mean
confidences of 0.5-0.8, above the right model's reading of the same line (a Devanagari
"कार्यालय" at 0.53 against a Thai "สรเม์ธรร" at 0.80; measured on the real signs of the
benchmark, ``benchmarks/real.md``). Confidence alone cannot choose among these models, so
a line found in one script of the family is read with every installed pack of the family,
and each reading is weighed by how much of it is words of its language
(``lexical_share``): a look-alike reading is a string of letters, not words.

Word lists: wordfreq's for Hindi, Bengali and Tamil (already a dependency), PyThaiNLP's
Thai dictionary (62k words, shipped in its wheel; Thai is written without spaces, so its
maximal-matching segmenter splits the line first). Scripts with no word list here (Odia,
Telugu, Kannada, ...) get a neutral weight.
"""

from __future__ import annotations

from functools import lru_cache

import regex

# The look-alike family, the scripts the mixed-language first read uses to stand for it
# first (their packs are in that read; the others are read only when one of these, or
# another family script, came out of it).
FAMILY: tuple[str, ...] = ("Thai", "Devanagari", "Bengali", "Oriya", "Tamil", "Telugu",
                           "Kannada", "Malayalam", "Gujarati", "Gurmukhi", "Sinhala", "Lao",
                           "Khmer", "Myanmar")
PROBE_MEMBERS: frozenset[str] = frozenset({"Thai", "Devanagari"})
# Scripts whose models were seen making letters of their own out of other scripts: the
# family, and Georgian, Armenian and Ethiopic ("თათ" at 0.81 of a rendered Devanagari
# "मुंबई सेंट्रल", "სასას)" of a real one, two Ethiopic letters of an Indian shop sign).
# A reading in one of them that no word list can confirm needs one letter more.
LOOKALIKE_MAKERS: frozenset[str] = frozenset(FAMILY) | {"Georgian", "Armenian", "Ethiopic"}

# wordfreq languages whose lists hold the words of a script's main languages. Outside the
# family, the words only weigh a reading down when it is not words (``weight``): the
# Cyrillic model made "фебече вот вчае" of a rendered Odia sign at 0.44.
_WORDFREQ: dict[str, tuple[str, ...]] = {
    "Devanagari": ("hi",), "Bengali": ("bn",), "Tamil": ("ta",),
    "Cyrillic": ("ru", "uk", "bg", "mk", "sh"), "Greek": ("el",), "Hebrew": ("he",),
    "Arabic": ("ar", "fa", "ur"),
}
MIN_WORD = 3  # code points: shorter "words" match a dictionary by chance
UNKNOWN_WEIGHT = 0.75  # the weight of a reading in a script without a word list
CONFIRMED = 0.8  # a lexical share from which a reading is taken as confirmed words

_WORD = regex.compile(r"[\p{L}\p{M}]+", flags=regex.V1)


@lru_cache(maxsize=1)
def _thai_words() -> frozenset[str] | None:
    try:
        from pythainlp.corpus import thai_words
    except ImportError:
        return None
    return frozenset(thai_words())


def _thai_share(text: str) -> float | None:
    words = _thai_words()
    if words is None:
        return None
    from pythainlp.tokenize import word_tokenize

    tokens = [t for t in word_tokenize(text, engine="newmm", keep_whitespace=False)
              if _WORD.fullmatch(t)]
    total = sum(len(t) for t in tokens)
    if not total:
        return None
    return sum(len(t) for t in tokens if len(t) >= MIN_WORD and t in words) / total


def _wordfreq_share(text: str, langs: tuple[str, ...]) -> float | None:
    from geosleuth.text.wordfreqs import zipf

    tokens = _WORD.findall(text)
    total = sum(len(t) for t in tokens)
    if not total:
        return None
    known = sum(len(t) for t in tokens if len(t) >= MIN_WORD and zipf(t, langs) > 0)
    return known / total


@lru_cache(maxsize=2048)
def lexical_share(text: str, script: str) -> float | None:
    """Share of the letters of ``text`` that are in words of ``script``'s main language
    (words of at least ``MIN_WORD`` code points); None without a word list for it."""
    if script == "Thai":
        return _thai_share(text)
    langs = _WORDFREQ.get(script)
    return None if langs is None else _wordfreq_share(text, langs)


def weight(text: str, script: str) -> float:
    """The factor a reading's score is multiplied by: 0.5 for no word of the language up
    to 1 for all words; without a word list ``UNKNOWN_WEIGHT`` in the family, 1.0 outside
    it (Georgian, Armenian: read apart from the family, see ``LOOKALIKE_MAKERS``)."""
    share = lexical_share(text, script)
    if share is None:
        return UNKNOWN_WEIGHT if script in FAMILY else 1.0
    return 0.5 + 0.5 * share


def not_words(text: str, script: str) -> bool:
    """Whether a reading in a script whose models make letters of textures and of other
    scripts (``LOOKALIKE_MAKERS``) is shown by that script's word list not to be words;
    a script without a word list (Odia) is given the benefit of the doubt."""
    if script not in LOOKALIKE_MAKERS:
        return False
    share = lexical_share(text, script)
    return share is not None and share < CONFIRMED


def latin_words(text: str) -> bool:
    """Whether ``text`` is mostly words of a language written in Latin letters (wordfreq's
    lists): RapidOCR's "NOTICE" is; a plate number or look-alike junk is not."""
    from geosleuth.text.wordfreqs import ALL_LANGUAGES

    share = _wordfreq_share(text, ALL_LANGUAGES)
    return share is not None and share >= CONFIRMED


def confirmed(text: str, script: str) -> bool:
    """Whether the reading is mostly words of the script's language."""
    share = lexical_share(text, script)
    return share is not None and share >= CONFIRMED
