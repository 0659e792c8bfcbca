"""The case folders a resumed batch may replace: its own, for the photos it runs again.

A new case never replaces a folder (``cases.folder.write_case`` takes ``<stem>-<sha8>-2``
when ``<stem>-<sha8>`` is taken). But a resumed batch runs some photos again whose case
folder it wrote itself: a retried error (its row is forgotten), or a photo whose folder
was written just before a kill, before its row reached the journal. Taking a new folder
for those would leave two cases of one photo, so the batch replaces its own folder.

A folder counts as the batch's own when no row of the journal names it, its case.json
describes the same bytes (sha256) under the same batch-relative path, and it was not
saved by the investigator (a record the TUI saved has an ``investigator`` entry): an
investigator's work is never replaced; the photo then takes a new folder.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any


def own_case_dirs(out: Path, rows: Iterable[dict[str, Any]]) -> dict[tuple[str, str], str]:
    """``(sha256, path) -> folder name`` of the batch's unrecorded case folders in ``out``."""
    if not out.is_dir():
        return {}
    named = {str(r["case_dir"]) for r in rows if r.get("case_dir")}
    found: dict[tuple[str, str], str] = {}
    for entry in sorted(out.iterdir()):
        if entry.name.startswith(".") or entry.name in named or not entry.is_dir():
            continue
        try:
            record = json.loads((entry / "case.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if not isinstance(record, dict) or "investigator" in record:
            continue
        image = record.get("image")
        if isinstance(image, dict) and image.get("sha256") and image.get("path"):
            found.setdefault((str(image["sha256"]), str(image["path"])), entry.name)
    return found
