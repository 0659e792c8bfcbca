"""The files for people in a case folder, each rendered from the case record (and the photo).

| file | what |
|---|---|
| report.md | the report, with the photo's thumbnail and the map |
| report.html | the same report in one self-contained page (images inlined, no network) |
| hypotheses.geojson | verdict, hypotheses with circles, located evidence, sun loci (simplestyle) |
| case.kml | the same for Google Earth and other KML viewers |
| map.png | the map: verdict circle, hypotheses, located evidence over coasts and borders |
| photo-thumbnail.jpg | the photo, small, without its metadata |
| view-E<n>.png | each map view the reasoner saw (``map_view``), as it saw it |

A map that fails to render (a bug) leaves the other files whole: the report then goes
without it, and the failure is logged. The thumbnail needs the photo; without it a
thumbnail already in the folder is kept. A map view's picture is read from the cache
folder the case ran with (``tools.views``); when it is gone there, the copy already in
the folder is kept.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable
from pathlib import Path
from typing import Any

REPORT_MD = "report.md"
REPORT_HTML = "report.html"
GEOJSON_FILE = "hypotheses.geojson"
KML_FILE = "case.kml"
MAP_FILE = "map.png"
THUMB_FILE = "photo-thumbnail.jpg"
# what each --format of `geosleuth report` writes: its file, then the figures it shows
FORMATS: dict[str, tuple[str, ...]] = {
    "md": (REPORT_MD, MAP_FILE, THUMB_FILE),
    "html": (REPORT_HTML,),
    "geojson": (GEOJSON_FILE,),
    "kml": (KML_FILE,),
    "png": (MAP_FILE,),
}
ALL_FILES = (REPORT_MD, REPORT_HTML, GEOJSON_FILE, KML_FILE, MAP_FILE, THUMB_FILE)

log = logging.getLogger("geosleuth")


def _map(record: dict[str, Any]) -> bytes | None:
    from geosleuth.report.casemap import map_png

    try:
        return map_png(record)
    except Exception as exc:  # a bug in the map must not cost the case its other files
        log.warning("geosleuth: the map could not be drawn (%s: %s); the report goes without"
                    " it", type(exc).__name__, exc)
        return None


def view_files(record: dict[str, Any], replaced: Path | None = None) -> dict[str, bytes]:
    """``view-E<n>.png`` -> the picture of each map view of the case: from the case's cache
    folder, else from ``replaced`` (the folder these files replace), else left out."""
    from geosleuth.tools.views import load_view, view_file_name, view_of

    cache_dir = (record.get("settings") or {}).get("cache_dir")
    out: dict[str, bytes] = {}
    for e in record.get("evidence") or []:
        view = view_of(e.get("data") or {})
        if view is None:
            continue
        name = view_file_name(str(e["id"]))
        png = load_view(cache_dir, view["sha256"])
        if png is None and replaced is not None and (replaced / name).is_file():
            png = (replaced / name).read_bytes()
        if png is not None:
            out[name] = png
    return out


def case_outputs(record: dict[str, Any], *, photo: Path | None = None,
                 thumbnail: bytes | None = None,
                 names: Iterable[str] = ALL_FILES,
                 replaced: Path | None = None) -> dict[str, bytes]:
    """File name -> contents of the files for people named in ``names``.

    ``photo`` makes the thumbnail; ``thumbnail`` is one made before (kept when the photo
    is gone). The reports show only the figures that are written with them; the map
    views' pictures go with report.md (``replaced``: the folder whose copies are kept).
    """
    from geosleuth.report.casemap import photo_thumbnail
    from geosleuth.report.geojson import case_geojson
    from geosleuth.report.html import render_html
    from geosleuth.report.kml import case_kml
    from geosleuth.report.markdown import VIEW_PREFIX, render

    wanted = set(names)
    out: dict[str, bytes] = {}
    if photo is not None:
        thumbnail = photo_thumbnail(photo) or thumbnail
    picture = _map(record) if wanted & {REPORT_MD, REPORT_HTML, MAP_FILE} else None
    if MAP_FILE in wanted and picture:
        out[MAP_FILE] = picture
    if THUMB_FILE in wanted and thumbnail:
        out[THUMB_FILE] = thumbnail
    views = view_files(record, replaced) if wanted & {REPORT_MD, REPORT_HTML} else {}
    if REPORT_MD in wanted:
        figures = {"map": MAP_FILE} if picture else {}
        if thumbnail:
            figures["photo"] = THUMB_FILE
        figures.update({VIEW_PREFIX + name[len("view-"):-len(".png")]: name for name in views})
        out[REPORT_MD] = render(record, figures).encode("utf-8")
        out.update(views)
    if REPORT_HTML in wanted:
        out[REPORT_HTML] = render_html(record, map_png=picture, thumbnail=thumbnail,
                                       views=views).encode("utf-8")
    if GEOJSON_FILE in wanted:
        # strict JSON: a NaN or an infinity in a record is a bug, and raises ValueError
        out[GEOJSON_FILE] = json.dumps(case_geojson(record), indent=1,
                                       allow_nan=False).encode("utf-8")
    if KML_FILE in wanted:
        out[KML_FILE] = case_kml(record).encode("utf-8")
    return out


def recorded_photo(record: dict[str, Any]) -> Path | None:
    """The photo at the path the record names, if it is there (relative to the cwd)."""
    path = Path(str(record["image"]["path"]))
    return path if path.is_file() else None
