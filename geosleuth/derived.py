"""Files derived once into the cache folder (indexes built from an installed package's
data) and read by every later run."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from geosleuth.tempfiles import remove_stale, writing

T = TypeVar("T")


def open_or_build(path: Path, build: Callable[[Path], None], open_: Callable[[Path], T],
                  errors: tuple[type[BaseException], ...]) -> T | None:
    """``open_(path)``, after ``build(path)`` when the file is missing. A file that fails
    to open with one of ``errors`` (damaged, half-written by an older version) is removed
    and built again, once; None when the folder cannot hold it (the caller then falls
    back to the package it was derived from)."""
    for attempt in (1, 2):
        try:
            if not path.is_file():
                build(path)
            return open_(path)
        except errors:
            if attempt == 2:
                return None
            try:
                path.unlink(missing_ok=True)
            except OSError:
                return None
    return None


def write_sqlite(path: Path, schema: str, fill: Callable[[sqlite3.Connection], None]) -> None:
    """Write the SQLite file ``path`` atomically: ``schema`` (an SQL script) and ``fill``'s
    rows into a temporary file beside it (journal and syncing off: a file that is not
    whole is never renamed into place), then renamed over it. A temporary file a killed
    build left is removed first (``tempfiles.remove_stale``)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    remove_stale(path.parent, prefix=path.stem, suffix=".tmp")
    with writing(path.parent, prefix=path.stem, suffix=".tmp") as tmp:
        con = sqlite3.connect(tmp)
        try:
            con.executescript("PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;" + schema)
            fill(con)
            con.commit()
        finally:
            con.close()
        os.replace(tmp, path)
