"""A case folder on disk: case.json, report.md and hypotheses.geojson beside the photo's name.

``write_case`` writes one all at once (a temporary folder renamed into place, or
nothing); ``read_record`` reads its case.json back, checked for its schema;
``find_photo`` finds the photo it describes.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

from geosleuth.cases.record import SCHEMA
from geosleuth.errors import BadInputError
from geosleuth.report.geojson import case_geojson
from geosleuth.report.markdown import render

CASE_FILE = "case.json"


def read_record(folder: Path) -> dict[str, Any]:
    """The case.json of a case folder (or the file itself), checked for its schema."""
    path = folder / CASE_FILE if folder.is_dir() else folder
    if not path.is_file():
        raise BadInputError(f"{path}: no {CASE_FILE} here; give a case folder written by"
                            " 'geosleuth locate'")
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise BadInputError(f"{path}: not valid JSON ({exc}); the case file is damaged") from None
    if not isinstance(record, dict) or record.get("schema") != SCHEMA:
        found = record.get("schema") if isinstance(record, dict) else type(record).__name__
        raise BadInputError(f"{path}: not a {SCHEMA} case record (schema {found!r})")
    return record


def find_photo(record: dict[str, Any], folder: Path) -> Path:
    """The photo of a case: its recorded path, else that path or its name beside the folder."""
    recorded = Path(record["image"]["path"])
    candidates = [recorded]
    if not recorded.is_absolute():
        candidates += [folder / recorded, folder.parent / recorded, folder.parent.parent / recorded]
    candidates += [folder / recorded.name]
    for path in candidates:
        if path.is_file():
            return path
    raise BadInputError(
        f"{folder}: the photo {recorded} is not found; put it back or copy it into the case folder"
    )





def case_dir_name(record: dict[str, Any]) -> str:
    stem = Path(record["image"]["path"]).stem or "image"
    safe = "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in stem)[:80]
    return f"{safe}-{record['image']['sha256'][:8]}"


def write_case(record: dict[str, Any], out_dir: Path, folder: Path | None = None) -> Path:
    """Write case.json, report.md and hypotheses.geojson into ``out_dir/<stem>-<sha8>/``.

    The files are written into a temporary folder beside the target, which then replaces
    it, so an interrupted run leaves either the old folder or the new one.
    """
    target = folder or out_dir / case_dir_name(record)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    try:
        (tmp / "case.json").write_text(
            json.dumps(record, indent=2, ensure_ascii=False), encoding="utf-8"
        )
        (tmp / "report.md").write_text(render(record), encoding="utf-8")
        (tmp / "hypotheses.geojson").write_text(
            json.dumps(case_geojson(record), indent=1), encoding="utf-8"
        )
        if target.exists():
            old = target.with_name(f".{target.name}.old")
            shutil.rmtree(old, ignore_errors=True)
            os.replace(target, old)
            os.replace(tmp, target)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(tmp, target)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return target
