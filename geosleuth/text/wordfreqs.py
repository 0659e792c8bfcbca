"""How common a word or phrase is, in the languages signs are written in (wordfreq).

A string read in a photo is evidence for a place only as far as it would be unlikely on
a photo taken elsewhere: a word that is common in some language ("Metro", "Stop") or a
brand ("Honda" is Zipf 4.7 in Indonesian) turns up everywhere. Zipf frequency is
log10 of occurrences per billion words: 3 is about once in a million words, 5 once in ten
thousand. The small lists of these languages are read from indexes in the cache folder
(``word_index``; wordfreq expands them into dictionaries in 0.48 CPU-s and 154 MB).
"""

from __future__ import annotations

from functools import lru_cache

import regex

_WORDS = regex.compile(r"[\p{L}\p{M}\p{N}]+", flags=regex.V1)

COMMON_LANGUAGES = ("en", "fr", "de", "es", "it", "pt", "nl")
WORLD_LANGUAGES = ("id", "ms", "fil", "tr", "pl", "ru", "uk", "ar", "hi", "bn", "vi", "sv",
                   "cs", "ro", "hu", "fi", "el", "he", "fa", "ur", "ta")
ALL_LANGUAGES = COMMON_LANGUAGES + WORLD_LANGUAGES
# wordfreq needs MeCab or jieba for these; their words come as CJK runs matched exactly
_NEEDS_TOKENIZER = frozenset({"ja", "ko", "zh"})


@lru_cache(maxsize=4096)
def zipf(phrase: str, languages: tuple[str, ...] = ALL_LANGUAGES) -> float:
    """The highest Zipf frequency of ``phrase`` (lower-cased) among ``languages``."""
    from geosleuth.text import word_index

    best = 0.0
    for lang in languages:
        if lang in _NEEDS_TOKENIZER:
            continue
        try:
            # from the word lists' indexes in the cache folder (``word_index``), else wordfreq
            value = word_index.zipf_frequency(phrase.lower(), lang)
            if value is None:
                from wordfreq import zipf_frequency

                value = zipf_frequency(phrase.lower(), lang, wordlist="small")
            best = max(best, value)
        except (LookupError, ImportError, ValueError):  # a language wordfreq does not list
            continue
    return best


PER_WORD = 9.0  # Zipf is log10 of occurrences per 10^9 words
PHRASE_BONUS = 2.0  # the words of a name go together far more often than by chance


def phrase_zipf(phrase: str) -> float:
    """Zipf frequency of a name of several words, as if its words were drawn together.

    wordfreq gives a phrase about the frequency of its rarest word, which makes
    "Löwen-Apotheke" as common as "Apotheke". Here the words' probabilities multiply, and
    each word after the first adds ``PHRASE_BONUS`` for how much more often the words of
    a name occur together than apart.
    """
    words = [w for w in _WORDS.findall(phrase.lower()) if w]
    if len(words) <= 1:
        return zipf(phrase)
    total = PER_WORD + sum(zipf(w) - PER_WORD for w in words)
    return total + PHRASE_BONUS * (len(words) - 1)


def distinctiveness(phrase: str, rare_zipf: float = 2.5) -> float:
    """In (0, 1]: 1 for a rare string, 10^(rare_zipf − Zipf) for a common one.

    It scales how far finding the string somewhere says the photo is there: a word ten
    times more frequent than "rare" is found by chance ten times more often elsewhere.
    """
    return min(1.0, 10.0 ** (rare_zipf - phrase_zipf(phrase)))
