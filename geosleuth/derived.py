"""Files derived once into the cache folder (indexes built from an installed package's
data) and read by every later run."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

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
