"""Finding features by name in a region's index, and scoring how well a name fits.

Text is matched with FTS5 (accent-folded, last word as a prefix); a word the index
does not know is replaced by the indexed words within one or two edits (rapidfuzz
over the FTS5 vocabulary), so one typo still finds the place. Candidates are then
ranked by rapidfuzz similarity to the best of their name variants.
"""

from __future__ import annotations

from collections.abc import Mapping

from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from geosleuth.errors import BadInputError
from geosleuth.maps.index import MapIndex
from geosleuth.maps.osm_import import BBox, is_name_key
from geosleuth.maps.text import fold, fts_term, tokens, variants

STRONG = 0.9  # a match at least this good counts as "the name"
NAME_MATCH = 0.75  # co-occurrence: a candidate must match its pattern's name this well


def _alternatives(index: MapIndex, token: str) -> list[str]:
    """The token if the index knows it, else indexed words within one or two edits
    (optimal string alignment: swapping two neighbouring letters is one edit)."""
    if index.has_term(token):
        return [token]
    cutoff = 1 if len(token) <= 5 else 2
    found = process.extract(
        token, index.vocabulary(), scorer=OSA.distance, score_cutoff=cutoff, limit=8
    )
    return [token] + [term for term, _dist, _i in found]


def _fts_query(index: MapIndex, words: list[str], any_word: bool = False) -> str:
    groups = []
    for i, word in enumerate(words):
        alts = [fts_term(a) for a in _alternatives(index, word)]
        if i == len(words) - 1 and len(word) >= 2:
            alts.append(fts_term(word, prefix=True))
        groups.append("(" + " OR ".join(dict.fromkeys(alts)) + ")")
    return (" OR " if any_word else " AND ").join(groups)


def name_variants(tags: Mapping[str, str]) -> list[str]:
    out: list[str] = []
    for key, value in tags.items():
        if is_name_key(key):
            for part in value.split(";"):
                out.extend(variants(part.strip()))
    street = tags.get("addr:street") or tags.get("addr:place")
    if street:
        number = tags.get("addr:housenumber")
        out.append(f"{street} {number}" if number else street)
    return [v for v in dict.fromkeys(out) if v]


def _words(text: str) -> str:
    """The folded words of ``text``, one space apart: punctuation is not part of a name's
    identity ("Stern Apotheke" on a sign is "Stern-Apotheke" on the map)."""
    return " ".join(tokens(text)) or fold(text)


def similarity(query: str, tags: Mapping[str, str]) -> tuple[float, str | None]:
    """How well ``query`` names this feature (0..1), and the name variant that matched."""
    q = _words(query)
    best, best_name = 0.0, None
    for name in name_variants(tags):
        n = _words(name)
        s = (0.6 * fuzz.ratio(q, n) + 0.4 * fuzz.token_set_ratio(q, n)) / 100.0
        if s > best:
            best, best_name = s, name
    return best, best_name


def pattern_score(name: str, tags: Mapping[str, str]) -> float:
    """Like ``similarity``, but a name read on a sign may be part of the full name
    ("Müller" on "Bäckerei Müller"): every word found counts as a good match."""
    score, matched = similarity(name, tags)
    if matched is not None and fuzz.token_set_ratio(fold(name), fold(matched)) >= 95:
        score = max(score, 0.85)
    return score


def text_ids(
    index: MapIndex, text: str, box: BBox | None = None, limit: int = 300, enough: int = 10
) -> list[int]:
    """Feature ids whose names, addresses or kinds match ``text``: all words, and when that
    finds fewer than ``enough``, any word (best bm25 first)."""
    words = tokens(text)[:12]
    if not words:
        raise BadInputError(f"{text!r} holds no words to search for")
    ids = index.match(_fts_query(index, words), box, limit)
    if len(ids) < enough and len(words) > 1:
        seen = set(ids)
        more = index.match(_fts_query(index, words, any_word=True), box, limit)
        ids += [i for i in more if i not in seen][: limit - len(ids)]
    return ids
