"""A SQLite cache of HTTP responses, each stored with the time it was fetched.

A lookup says how old the response is, and ignores responses older than the caller's
``max_age_s``; only successful responses are stored.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import threading
from dataclasses import dataclass
from pathlib import Path

from geosleuth.net.ratelimit import Clock, SystemClock

_SCHEMA = """
CREATE TABLE IF NOT EXISTS responses (
    key TEXT PRIMARY KEY,
    method TEXT NOT NULL,
    url TEXT NOT NULL,
    status INTEGER NOT NULL,
    headers TEXT NOT NULL,
    body BLOB NOT NULL,
    stored_at REAL NOT NULL
)
"""


@dataclass(frozen=True)
class CachedResponse:
    status: int
    headers: dict[str, str]
    body: bytes
    stored_at: float
    age_s: float


def cache_key(method: str, url: str, body: bytes | None = None) -> str:
    digest = hashlib.sha256()
    for part in (method.upper().encode(), url.encode(), body or b""):
        digest.update(len(part).to_bytes(8, "big"))
        digest.update(part)
    return digest.hexdigest()


class ResponseCache:
    """Responses keyed by method, URL and body. ``path`` None keeps them in memory."""

    def __init__(self, path: Path | None, clock: Clock | None = None) -> None:
        self.clock: Clock = clock or SystemClock()
        self.path = path
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._db = sqlite3.connect(
            str(path) if path is not None else ":memory:", check_same_thread=False, timeout=10
        )
        with self._lock, self._db:
            if path is not None:
                self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute(_SCHEMA)

    def get(self, key: str, max_age_s: float | None = None) -> CachedResponse | None:
        with self._lock:
            row = self._db.execute(
                "SELECT status, headers, body, stored_at FROM responses WHERE key = ?", (key,)
            ).fetchone()
        if row is None:
            return None
        status, headers, body, stored_at = row
        age = max(0.0, self.clock.time() - stored_at)
        if max_age_s is not None and age > max_age_s:
            return None
        return CachedResponse(status, json.loads(headers), bytes(body), stored_at, age)

    def put(
        self, key: str, method: str, url: str, status: int, headers: dict[str, str], body: bytes
    ) -> None:
        with self._lock, self._db:
            self._db.execute(
                "INSERT OR REPLACE INTO responses VALUES (?, ?, ?, ?, ?, ?, ?)",
                (key, method.upper(), url, status, json.dumps(headers), body, self.clock.time()),
            )

    def purge(self, older_than_s: float) -> int:
        """Delete responses older than ``older_than_s``; return how many went."""
        with self._lock, self._db:
            cur = self._db.execute(
                "DELETE FROM responses WHERE stored_at < ?", (self.clock.time() - older_than_s,)
            )
        return cur.rowcount

    def __len__(self) -> int:
        with self._lock:
            return int(self._db.execute("SELECT COUNT(*) FROM responses").fetchone()[0])

    def close(self) -> None:
        with self._lock:
            self._db.close()
