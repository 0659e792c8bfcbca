"""A SQLite cache of tool results, keyed by a hash of what determines them.

One file in the cache directory, real transactions, safe to share between threads (one
connection behind a lock) and between processes (WAL, busy timeout).
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import threading
import time
from pathlib import Path
from typing import Any

SCHEMA = """
CREATE TABLE IF NOT EXISTS entries (
    key TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    value TEXT NOT NULL,
    created REAL NOT NULL
)
"""


class ResultCache:
    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._lock = threading.Lock()
        self._db = sqlite3.connect(path, check_same_thread=False, timeout=30.0)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute(SCHEMA)
        self._db.commit()

    @staticmethod
    def digest(key: str) -> str:
        return hashlib.sha256(key.encode("utf-8")).hexdigest()

    def get(self, kind: str, key: str, max_age_s: float | None = None) -> Any | None:
        with self._lock:
            row = self._db.execute(
                "SELECT value, created FROM entries WHERE key = ? AND kind = ?",
                (self.digest(key), kind),
            ).fetchone()
        if row is None:
            return None
        if max_age_s is not None and time.time() - row[1] > max_age_s:
            return None
        return json.loads(row[0])

    def put(self, kind: str, key: str, value: Any) -> None:
        blob = json.dumps(value, sort_keys=True, default=str)
        with self._lock:
            self._db.execute(
                "INSERT OR REPLACE INTO entries (key, kind, value, created) VALUES (?, ?, ?, ?)",
                (self.digest(key), kind, blob, time.time()),
            )
            self._db.commit()

    def close(self) -> None:
        with self._lock:
            self._db.close()


def open_cache(cache_dir: Path) -> ResultCache:
    return ResultCache(cache_dir / "results.sqlite3")
