"""Stretches of text that could name a place: the candidates ``placenames`` looks up.

Every run of 1-4 words on a line, and every 2-6 character stretch of Han, Kana or Hangul
and every 3-20 character stretch of Thai (written without spaces), longest first. Runs
that begin or end with a street-type word name a street ("rue de Rivoli"), as do the
words right after a street word in languages that put it first ("Via Roma"); and after a
twinning phrase ("twinned with") a sign names places other than its own.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import regex

MAX_WORDS = 4

_WORD = regex.compile(r"[\p{L}\p{M}][\p{L}\p{M}'’\-.]*", flags=regex.V1)
_CJK = regex.compile(r"[\p{Han}\p{Hiragana}\p{Katakana}\p{Hangul}ー]{2,}", flags=regex.V1)
_SCRIPT_SEAM = regex.compile(
    r"(?<=[\p{Han}\p{Hiragana}\p{Katakana}\p{Hangul}])(?=\p{Latin})"
    r"|(?<=\p{Latin})(?=[\p{Han}\p{Hiragana}\p{Katakana}\p{Hangul}])", flags=regex.V1)
_KANA = regex.compile(r"[\p{Hiragana}\p{Katakana}ー]+", flags=regex.V1)
# Thai writes no spaces between words and the OCR joins a Thai line without them, so a
# town's name sits inside a longer run ("ถนนสุขุมวิทกรุงเทพมหานคร"). A stretch may not begin
# with a mark or a following vowel, nor end before one or after a leading vowel.
_THAI = regex.compile(r"\p{Thai}{3,}", flags=regex.V1)
_THAI_NO_START = regex.compile(r"[\p{Mn}\u0e30\u0e32\u0e33\u0e45\u0e46]", flags=regex.V1)
_THAI_LEADING_VOWEL = regex.compile(r"[\u0e40-\u0e44]", flags=regex.V1)
THAI_MIN, THAI_MAX, THAI_RUN_MAX = 3, 20, 60


@dataclass(frozen=True)
class Candidate:
    text: str
    span: tuple[int, int, int]  # line, first token, last token (exclusive)
    words: int
    exact_only: bool = False  # a stretch cut out of a Thai run: only exact names count


# Languages whose street word comes before the street's own name ("Via Roma", "Rua
# Augusta", "улица Ленина", "شارع الملك فهد"): the words right after it name the street
# (after a person or another town), not the place where the sign stands.
NAME_FOLLOWS_STREET_WORD = frozenset({
    "fr", "es", "ca", "pt", "it", "pl", "ro", "ru", "uk", "be", "bg", "sr", "hr", "el", "vi",
    "ar", "fa", "he", "th", "ms", "tl", "sq",
})


@lru_cache(maxsize=2)
def _street_words(name_follows: bool = False) -> regex.Pattern[str]:
    """Street-type words (all, or those of ``NAME_FOLLOWS_STREET_WORD``), any case: signs
    write "Rua", "Via", "Улица" capitalised."""
    from geosleuth.text.streets import _compiled

    return regex.compile(
        "|".join(f"(?:{p.pattern})" for w, p in _compiled()
                 if not name_follows or w.language in NAME_FOLLOWS_STREET_WORD),
        flags=regex.V1 | regex.IGNORECASE)


def candidates(text: str) -> list[Candidate]:
    """The stretches of ``text`` that could name a place, line by line, longest first."""
    out: list[Candidate] = []
    street, before_name = _street_words(), _street_words(name_follows=True)
    for li, line in enumerate(text.splitlines()):
        # a CJK glyph glued to a Latin word ("大TEXAS": the OCR joined a sign behind a
        # plate) is another word
        spaced = _SCRIPT_SEAM.sub(" ", line)
        words = [m.group(0).strip(".-’'") for m in _WORD.finditer(spaced)]
        words = [w for w in words if w]
        for n in range(min(MAX_WORDS, len(words)), 0, -1):
            for i in range(len(words) - n + 1):
                gram = words[i : i + n]
                if n == 1 and (len(gram[0]) < 3 or street.fullmatch(gram[0])):
                    continue
                if street.fullmatch(gram[0]) or street.fullmatch(gram[-1]):
                    continue  # "rue de Rivoli" names a street, not the place Rivoli
                if i > 0 and before_name.fullmatch(words[i - 1]):
                    continue  # "Via Roma Firenze": Roma is the street's name
                out.append(Candidate(" ".join(gram), (li, i, i + n), n))
        for run in _CJK.finditer(line):
            s = run.group(0)
            if len(s) > 12:
                continue
            kana_runs = {(m.start(), m.end()) for m in _KANA.finditer(s)}
            for n in range(min(6, len(s)), 1, -1):
                for i in range(len(s) - n + 1):
                    if _KANA.fullmatch(s[i : i + n]) and (i, i + n) not in kana_runs:
                        continue  # a piece of a kana word ("うと" of "きょうと") names nothing
                    out.append(Candidate(s[i : i + n], (li, 1000 + run.start() + i,
                                                        1000 + run.start() + i + n), 1))
        out += _thai_candidates(line, li)
    return out


def _thai_candidates(line: str, li: int) -> list[Candidate]:
    """Stretches of the Thai runs of ``line`` that could be words, longest first."""
    out: list[Candidate] = []
    for run in _THAI.finditer(line):
        s = run.group(0)
        if len(s) > THAI_RUN_MAX:
            continue
        for n in range(min(THAI_MAX, len(s)), THAI_MIN - 1, -1):
            for i in range(len(s) - n + 1):
                j = i + n
                if (_THAI_NO_START.match(s[i]) or _THAI_LEADING_VOWEL.match(s[j - 1])
                        or (j < len(s) and _THAI_NO_START.match(s[j]))):
                    continue
                if n == len(s):
                    continue  # the whole run is a word of the line, tried already
                out.append(Candidate(s[i:j], (li, 1000 + run.start() + i,
                                              1000 + run.start() + j), 1, exact_only=True))
    return out


def overlaps(span: tuple[int, int, int], taken: list[tuple[int, int, int]]) -> bool:
    """Whether ``span`` shares a token with a span already taken on its line."""
    return any(span[0] == t[0] and span[1] < t[2] and t[1] < span[2] for t in taken)


# Phrases after which a sign names another place than its own: twin towns ("Epping,
# twinned with Eppingen"). Everything after one, on its line and below, is passed over.
TWINNING = regex.compile(
    r"twinned\s+with|twin\s+towns?|sister\s+cit(?:y|ies)|partnerst[aä]dt|"
    r"st[aä]dtepartnerschaft|jumel[ée]e?s?\s+avec|jumelage|gemellat[ao]\s+con|gemellaggio|"
    r"hermanad[ao]\s+con|ciudad(?:es)?\s+hermanas?|geminad[ao]\s+com|cidades?[-\s]irm[ãa]s?|"
    r"miasta?\s+partnerski|zustersted|vänort|partnerby|ystävyyskaupun",
    flags=regex.V1 | regex.IGNORECASE,
)


def named_elsewhere(text: str) -> tuple[int, int]:
    """(line, first word) from which on the text names places other than its own."""
    for li, line in enumerate(text.splitlines()):
        m = TWINNING.search(line)
        if m:
            return li, len(_WORD.findall(line[: m.start()]))
    return 1_000_000, 0
