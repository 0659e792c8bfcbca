"""Pictures a tool made for the reasoner to look at (a map view), kept by their hash.

A tool that draws a picture stores its PNG under ``<cache_dir>/views/<sha256>.png`` and
records ``data["view"] = {"sha256": …, "width": …, "height": …, …}`` in its finding. The
model reasoner shows the picture at its next step (``load_view``), the case folder keeps
a copy named after the evidence (``view_file_name``), and the reports show it.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path
from typing import Any

VIEWS_DIR = "views"


def view_path(cache_dir: Path, sha256: str) -> Path:
    return Path(cache_dir) / VIEWS_DIR / f"{sha256}.png"


def save_view(cache_dir: Path, png: bytes) -> str:
    """Store a PNG (atomically; once per content) and return its SHA-256."""
    digest = hashlib.sha256(png).hexdigest()
    path = view_path(cache_dir, digest)
    if path.is_file():
        return digest
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".view-", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(png)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return digest


def load_view(cache_dir: Path | str | None, sha256: str) -> bytes | None:
    """The PNG stored under this hash, checked against it; None when it is gone."""
    if not cache_dir or not isinstance(sha256, str) or len(sha256) != 64:
        return None
    path = view_path(Path(cache_dir), sha256)
    try:
        data = path.read_bytes()
    except OSError:
        return None
    return data if hashlib.sha256(data).hexdigest() == sha256 else None


def view_of(data: dict[str, Any]) -> dict[str, Any] | None:
    """The ``view`` record of an evidence's data, if it holds a picture."""
    view = data.get("view")
    return view if isinstance(view, dict) and isinstance(view.get("sha256"), str) else None


def view_file_name(evidence_id: str) -> str:
    """The picture's name in a case folder: ``view-E7.png``."""
    safe = "".join(ch for ch in evidence_id if ch.isalnum() or ch in "-_")
    return f"view-{safe or 'E'}.png"
