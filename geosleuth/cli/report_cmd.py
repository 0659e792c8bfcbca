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
    from geosleuth.cases.folder import CASE_FILE, read_record
    from geosleuth.errors import BadInputError
    from geosleuth.report.geojson import case_geojson
    from geosleuth.report.markdown import render

    record = read_record(case_dir)
    path = case_dir / CASE_FILE if case_dir.is_dir() else case_dir
    try:
        outputs = {"report.md": render(record),
                   "hypotheses.geojson": json.dumps(case_geojson(record), indent=1)}
    except (KeyError, TypeError, ValueError) as exc:
        raise BadInputError(f"{path}: the case record is incomplete ({type(exc).__name__}: {exc})"
                            ) from None
    for name, text in outputs.items():
        replace_text_atomically(path.parent / name, text)  # each file replaced whole
    typer.echo(f"Rendered {path.parent / 'report.md'} and {path.parent / 'hypotheses.geojson'}")
