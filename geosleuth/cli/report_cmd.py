"""``geosleuth report CASE_DIR``: re-render a case folder's files for people from case.json.

Nothing is recomputed and nothing touches the network: the reports, the map, the GeoJSON
and the KML are pure functions of the case record (the thumbnail is made again from the
photo when it is found, else the folder's own is kept), so an old case re-renders with
the current formats. ``--format html`` writes the one self-contained report.html
(``--output`` elsewhere); ``--format md``, ``geojson``, ``kml`` and ``png`` one file each.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer


class Format(StrEnum):
    all = "all"
    md = "md"
    html = "html"
    geojson = "geojson"
    kml = "kml"
    png = "png"


def register(app: typer.Typer) -> None:
    app.command(name="report", help="Re-render a case folder's reports (Markdown, HTML), map,"
                " GeoJSON and KML from its case.json (no network).")(report)


def report(
    case_dir: Annotated[Path, typer.Argument(metavar="CASE_DIR",
                                       help="A case folder written by 'geosleuth locate'.")],
    fmt: Annotated[Format, typer.Option(
        "--format", "-f", help="Which file: all (every file for people), md (report.md),"
        " html (report.html: one self-contained page, images inlined, works offline),"
        " geojson, kml, png (map.png).")] = Format.all,
    output: Annotated[Path | None, typer.Option(
        "--output", "-o", help="Write the one file here instead of into the case folder"
        " (not with --format all).")] = None,
) -> None:
    from geosleuth.batch.journal import replace_bytes_atomically
    from geosleuth.cases.folder import CASE_FILE, find_photo, read_record
    from geosleuth.errors import BadInputError
    from geosleuth.report.outputs import ALL_FILES, FORMATS, THUMB_FILE, case_outputs

    record = read_record(case_dir)
    path = case_dir / CASE_FILE if case_dir.is_dir() else case_dir
    folder = path.parent
    if output is not None and fmt is Format.all:
        raise BadInputError("--output names one file: give --format md, html, geojson, kml"
                            " or png with it")
    names = ALL_FILES if fmt is Format.all else FORMATS[fmt.value]
    photo = None
    if fmt in (Format.all, Format.md, Format.html):
        try:
            photo = find_photo(record, folder)
        except BadInputError:
            photo = None  # the folder's thumbnail, if it has one, stands in for it
    old = folder / THUMB_FILE
    try:
        outputs = case_outputs(record, photo=photo,
                               thumbnail=old.read_bytes() if old.is_file() else None,
                               names=names, replaced=folder)
    except (KeyError, TypeError, ValueError) as exc:
        raise BadInputError(f"{path}: the case record is incomplete ({type(exc).__name__}: {exc})"
                            ) from None
    written = []
    for name, data in outputs.items():
        target = folder / name
        if output is not None:  # the file asked for there, and the figures it shows beside it
            target = output if name == names[0] else output.parent / name
        try:
            replace_bytes_atomically(target, data)  # each file replaced whole
        except OSError as exc:
            raise BadInputError(f"{target}: cannot write it ({exc.strerror or exc})") from None
        written.append(target)
    if not written:
        raise BadInputError(f"{path}: nothing to render for --format {fmt.value}")
    if len(written) == 1:
        typer.echo(f"Rendered {written[0]}")
    else:
        typer.echo(f"Rendered {written[0].parent}: " + ", ".join(p.name for p in written))
