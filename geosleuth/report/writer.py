"""Writing a case folder all at once: a temporary folder renamed into place, or nothing."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

from geosleuth.report.geojson import case_geojson
from geosleuth.report.markdown import render


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
