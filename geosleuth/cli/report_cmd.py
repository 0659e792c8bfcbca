"""``geosleuth report CASE_DIR``: re-render report.md and hypotheses.geojson from case.json.

Nothing is recomputed and nothing touches the network: the report is a pure function
of the case record, so an old case re-renders with the current report format.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer


def register(app: typer.Typer) -> None:
    app.command(name="report", help="Re-render a case folder's report.md and hypotheses.geojson"
                " from its case.json (no network).")(report)


def report(
    case_dir: Annotated[Path, typer.Argument(metavar="CASE_DIR",
                                       help="A case folder written by 'geosleuth locate'.")],
) -> None:
    import json

    from geosleuth.batch.journal import replace_text_atomically
    from geosleuth.errors import BadInputError
    from geosleuth.report.geojson import case_geojson
    from geosleuth.report.markdown import render
    from geosleuth.report.record import SCHEMA

    path = case_dir / "case.json" if case_dir.is_dir() else case_dir
    if not path.is_file():
        raise BadInputError(
            f"{path}: no case.json here; give a folder written by 'geosleuth locate'")
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise BadInputError(f"{path}: not valid JSON ({exc})") from None
    if not isinstance(record, dict) or record.get("schema") != SCHEMA:
        found = record.get("schema") if isinstance(record, dict) else type(record).__name__
        raise BadInputError(f"{path}: not a {SCHEMA} case record (schema {found!r})")
    try:
        outputs = {"report.md": render(record),
                   "hypotheses.geojson": json.dumps(case_geojson(record), indent=1)}
    except (KeyError, TypeError, ValueError) as exc:
        raise BadInputError(f"{path}: the case record is incomplete ({type(exc).__name__}: {exc})"
                            ) from None
    for name, text in outputs.items():
        replace_text_atomically(path.parent / name, text)  # each file replaced whole
    typer.echo(f"Rendered {path.parent / 'report.md'} and {path.parent / 'hypotheses.geojson'}")
