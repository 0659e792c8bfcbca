"""Looking places up by name in the gazetteer index: exact, transliterated and fuzzy.

Lookups that find nothing exactly retry non-Latin text through its unidecode
transliteration ("南京" -> "nan jing", which GeoNames lists); ``fuzzy=True`` adds an
edit-distance match (rapidfuzz) against all keys of similar length, for OCR errors.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from geosleuth.geo.folding import fold_name, has_non_latin
from geosleuth.geo.gazetteer_reader import (
    PLACE_COLUMNS,
    GazPlace,
    IndexReader,
    PlaceMatch,
    place_from_row,
)

TRANSLIT_SCORE = 0.85  # a match reached through transliteration, not the name itself
FUZZY_SCORE_CAP = 0.95  # a fuzzy match never ranks with an exact one


class NameLookup(IndexReader):
    """Names -> places: the lookups of :class:`geosleuth.geo.gazetteer.Gazetteer` by name."""

    def _by_key(
        self, keys: Iterable[str], country: str | None, kinds: tuple[str, ...] | None
    ) -> Iterator[tuple[GazPlace, int, str, str]]:
        keys = list(dict.fromkeys(keys))
        if not keys:
            return
        sql = (
            f"SELECT {PLACE_COLUMNS}, n.name, n.key FROM names n JOIN places p ON p.id = n.place"
            f" WHERE n.key IN ({','.join('?' * len(keys))})"
        )
        params: list[Any] = list(keys)
        if country:
            sql += " AND p.cc = ?"
            params.append(country.upper())
        if kinds:
            sql += f" AND p.kind IN ({','.join('?' * len(kinds))})"
            params.extend(kinds)
        for row in self._query(sql, params):
            yield place_from_row(row), row[0], row[-2], row[-1]

    def lookup(
        self,
        name: str,
        country: str | None = None,
        limit: int = 10,
        fuzzy: bool = False,
        kinds: tuple[str, ...] | None = None,
    ) -> list[PlaceMatch]:
        """Places with this name, best first (score, then population).

        Exact after folding (score 1); failing that, for non-Latin text, through its
        transliteration (0.85); with ``fuzzy`` also names within a few edits (< 0.95).
        """
        key = fold_name(name)
        if not key:
            return []
        found: dict[int, PlaceMatch] = {}

        def take(hits: Iterable[tuple[GazPlace, int, str, str]], score_of: Any) -> None:
            for place, pid, matched, hit_key in hits:
                score = float(score_of(hit_key))
                if pid not in found or found[pid].score < score:
                    found[pid] = PlaceMatch(place, matched, round(score, 4))

        take(self._by_key([key], country, kinds), lambda _k: 1.0)
        if not found and has_non_latin(name):
            from unidecode import unidecode

            latin = fold_name(unidecode(name))
            take(
                self._by_key([latin, latin.replace(" ", "")], country, kinds),
                lambda _k: TRANSLIT_SCORE,
            )
        if fuzzy and len(key) >= 4:
            scores = self._fuzzy(key)
            if scores:
                take(self._by_key(scores, country, kinds), lambda k: scores[k])
        ranked = sorted(found.values(), key=lambda m: (-m.score, -m.place.population))
        return ranked[: max(0, limit)]

    def _fuzzy(self, key: str, candidates: int = 40) -> dict[str, float]:
        """Keys within about one edit in six characters of ``key`` -> score (< 0.95)."""
        from rapidfuzz import process
        from rapidfuzz.distance import Levenshtein

        allowed = 1 if len(key) <= 6 else 2 if len(key) <= 12 else 3
        hits: list[tuple[str, int]] = []
        for length in range(len(key) - allowed, len(key) + allowed + 1):
            pool = self._fuzzy_keys_of_length(length)
            found = process.extract(
                key, pool, scorer=Levenshtein.distance, score_cutoff=allowed, limit=candidates
            )
            hits += [(choice, int(dist)) for choice, dist, _ in found]
        hits.sort(key=lambda h: h[1])
        out = {}
        for choice, dist in hits[:candidates]:
            if choice == key:
                continue
            similarity = 1.0 - dist / max(len(key), len(choice))
            out[choice] = min(FUZZY_SCORE_CAP, similarity)
        return out

    def _fuzzy_keys_of_length(self, length: int) -> list[str]:
        """Every distinct name key of this length (read on first use, then kept)."""
        with self._lock:
            keys = self._fuzzy_keys.get(length)
            if keys is None:
                row = self._con.execute(
                    "SELECT keys FROM fuzzy_keys WHERE length = ?", (length,)
                ).fetchone()
                keys = row[0].split("\n") if row else []
                self._fuzzy_keys[length] = keys
            return keys

    def places_in_country(self, country_code: str, limit: int = 10) -> list[GazPlace]:
        """The most populous cities of a country."""
        rows = self._query(
            f"SELECT {PLACE_COLUMNS} FROM places p WHERE p.cc = ? AND p.kind = 'city'"
            " ORDER BY p.population DESC LIMIT ?",
            (country_code.upper(), int(limit)),
        )
        return [place_from_row(r) for r in rows]

