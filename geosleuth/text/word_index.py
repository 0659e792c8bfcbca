"""wordfreq's Zipf frequencies from per-language indexes kept in the cache folder.

``zipf_frequency(word, lang)`` is ``wordfreq.zipf_frequency(word, lang, wordlist="small")``
step for step (wordfreq's own tokenizer, number smashing and rounding), but the word list
is read from an SQLite file (``<cache_dir>/wordfreq/small-<lang>-wf<version>-f1.sqlite``,
one B-tree search a token) instead of being expanded into a dictionary in every process:
the 28 sign languages' lists took 0.48 CPU-s and 154 MB in each process that looked a
word up. A language's file is written the first time it is needed (0.05-0.1 s each, the
time wordfreq takes to load it anyway). ``configure`` sets the folder; without one, or
when it cannot be written, wordfreq answers as before (``None`` from ``zipf_frequency``).
"""

from __future__ import annotations

import math
import sqlite3
import threading
from functools import lru_cache
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from geosleuth.derived import open_or_build, write_sqlite

FORMAT = 1
_folder: Path | None = None
_lock = threading.Lock()
_tables: dict[tuple[Path, str], _Table] = {}


def configure(cache_dir: Path | None) -> None:
    """Keep the word lists' indexes in ``cache_dir``/wordfreq (None: none kept)."""
    global _folder
    _folder = Path(cache_dir) / "wordfreq" if cache_dir is not None else None


def configured() -> Path | None:
    return _folder


class _Table:
    """Word -> frequency of one language's small list."""

    def __init__(self, path: Path) -> None:
        self._con = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
        self._lock = threading.Lock()
        self._con.execute("SELECT count(*) FROM meta").fetchone()  # a damaged file fails here

    def get(self, word: str) -> float | None:
        with self._lock:
            row = self._con.execute("SELECT freq FROM words WHERE word = ?", (word,)).fetchone()
        return None if row is None else float(row[0])


@lru_cache(maxsize=1)
def _version() -> str:
    try:
        return version("wordfreq")
    except PackageNotFoundError:
        return "0"


def table_path(folder: Path, lang: str) -> Path:
    safe = "".join(ch for ch in lang if ch.isalnum() or ch in "-_")
    return folder / f"small-{safe}-wf{_version()}-f{FORMAT}.sqlite"


def _build(path: Path, lang: str) -> None:
    from wordfreq import get_frequency_dict

    freqs = get_frequency_dict(lang, wordlist="small")  # LookupError: no list for lang

    def fill(con: sqlite3.Connection) -> None:
        con.executemany("INSERT INTO words VALUES (?, ?)", freqs.items())  # unsorted: faster
        con.execute("INSERT INTO meta VALUES ('lang', ?)", (lang,))

    write_sqlite(path, "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT) WITHOUT ROWID;"
                 "CREATE TABLE words (word TEXT PRIMARY KEY, freq REAL NOT NULL) WITHOUT ROWID;",
                 fill)


def _table(lang: str) -> _Table | None:
    """The index of ``lang``'s small list (built now if missing); None without a usable
    folder. LookupError when wordfreq has no list for ``lang``."""
    folder = _folder
    if folder is None:
        return None
    key = (folder, lang)
    found = _tables.get(key)  # a dict read: no lock, no path built, for every token
    if found is not None:
        return found
    path = table_path(folder, lang)
    with _lock:
        found = _tables.get(key)
        if found is not None:
            return found
        found = open_or_build(path, lambda p: _build(p, lang), _Table,
                              (OSError, sqlite3.DatabaseError))
        if found is not None:
            _tables[key] = found
        return found


def zipf_frequency(word: str, lang: str) -> float | None:
    """``wordfreq.zipf_frequency(word, lang, wordlist="small")`` from the index; None when
    no folder is configured or usable (ask wordfreq then). Raises what wordfreq raises
    for a language it cannot tokenize or has no list for."""
    if _folder is None:
        return None
    from wordfreq import INFERRED_SPACE_FACTOR, freq_to_zipf, zipf_to_freq
    from wordfreq.language_info import get_language_info
    from wordfreq.numbers import digit_freq, smash_numbers
    from wordfreq.tokens import lossy_tokenize

    minimum = zipf_to_freq(0.0)
    tokens = lossy_tokenize(word, lang)
    if not tokens:
        return round(freq_to_zipf(minimum), 2)
    table = _table(lang)
    if table is None:
        return None
    one_over_result = 0.0
    for token in tokens:
        smashed = smash_numbers(token)
        freq = table.get(smashed)
        if freq is None:
            return round(freq_to_zipf(minimum), 2)
        if smashed != token:
            freq *= digit_freq(token)
        one_over_result += 1.0 / freq
    freq = 1.0 / one_over_result
    if get_language_info(lang)["tokenizer"] == "jieba":
        freq *= INFERRED_SPACE_FACTOR ** -(len(tokens) - 1)
    unrounded = max(freq, minimum)
    # 3 significant digits, as wordfreq rounds (unrounded >= minimum > 0)
    value = round(unrounded, math.floor(-math.log(unrounded, 10)) + 3)
    return round(freq_to_zipf(value), 2)
