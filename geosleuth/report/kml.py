"""case.kml and a batch's all.kml: the case's map for Google Earth and other KML viewers.

A case's KML holds one folder per kind of thing, in the colours of the PNG map and the
GeoJSON: the verdict (its point and circle), the hypotheses (each point and circle), the
located evidence (points) and the evidence areas (sun loci). A batch's KML holds each
photo's verdict point and circle.

Written with simplekml, its own text parsing off: simplekml would pass a ``<![CDATA[``
section found in a text through unescaped, and the text here comes from the photo.
Names are XML-escaped; descriptions, which KML viewers show as HTML, are HTML-escaped and
then XML-escaped, so that text read in a photo shows as text and never as markup.
"""

from __future__ import annotations

import html
from typing import Any
from xml.sax.saxutils import escape as xml_escape

import simplekml

from geosleuth.report.features import (
    FILL_OPACITY,
    ROLE_NAMES,
    STROKE_WIDTH,
    MapItem,
    case_items,
)
from geosleuth.report.geojson import circle_ring
from geosleuth.text.quoting import printable

ICON_SCALE = {"verdict": 1.3, "hypothesis": 1.0, "evidence": 0.8}


def _kml_colour(hex_rgb: str, opacity: float) -> str:
    """``#rrggbb`` and an opacity as KML's ``aabbggrr``."""
    r, g, b = hex_rgb[1:3], hex_rgb[3:5], hex_rgb[5:7]
    return f"{round(opacity * 255):02x}{b}{g}{r}"


def _name(text: object) -> str:
    return xml_escape(" ".join(printable(text).split()))


def _description(*lines: object) -> str:
    """Lines of text as an HTML description (escaped for HTML, then for XML)."""
    body = "<br/>".join(html.escape(" ".join(printable(line).split())) for line in lines)
    return xml_escape(body)


def _style(role: str, colour: str) -> simplekml.Style:
    style = simplekml.Style()
    style.iconstyle.color = _kml_colour(colour, 1.0)
    style.iconstyle.scale = ICON_SCALE.get(role, 1.0)
    style.linestyle.color = _kml_colour(colour, 1.0)
    style.linestyle.width = STROKE_WIDTH.get(role, 2)
    style.polystyle.color = _kml_colour(colour, max(FILL_OPACITY.get(role, 0.1), 0.05))
    return style


def _ring(lat: float, lon: float, radius_km: float) -> list[tuple[float, float]]:
    return [(p[0], p[1]) for p in circle_ring(lat, lon, radius_km, 96)]


def _add_area(folder: Any, item: MapItem, style: simplekml.Style) -> None:
    geometry = item.area or {}
    polygons = ([geometry["coordinates"]] if geometry.get("type") == "Polygon"
                else geometry.get("coordinates") or [])
    multi = folder.newmultigeometry(name=_name(item.title),
                                    description=_description(item.description))
    multi.style = style
    for rings in polygons:
        if not rings:
            continue
        multi.newpolygon(outerboundaryis=[tuple(p[:2]) for p in rings[0]],
                         innerboundaryis=[[tuple(p[:2]) for p in r] for r in rings[1:]])


def _add_point(folder: Any, item: MapItem, style: simplekml.Style) -> None:
    assert item.lat is not None and item.lon is not None
    point = folder.newpoint(name=_name(item.title), description=_description(item.description),
                            coords=[(item.lon, item.lat)])
    point.style = style
    if item.role == "evidence" or not item.radius_km:
        return
    ring = folder.newpolygon(name=_name(f"{item.title}: circle of {item.radius_km:g} km"),
                             description=_description(item.description),
                             outerboundaryis=_ring(item.lat, item.lon, item.radius_km))
    ring.style = style
    ring.tessellate = 1


def case_kml(record: dict[str, Any]) -> str:
    """The KML document of a case."""
    photo = str(record["image"]["path"]).replace("\\", "/").rsplit("/", 1)[-1]
    doc = simplekml.Kml(name=_name(f"geosleuth case: {photo}"))
    doc.parsetext(False)
    doc.document.description = _description(
        f"Photo {photo}, sha256 {record['image']['sha256']}",
        "The verdict, the hypotheses with their circles, the located evidence and the"
        " evidence areas of the case; see report.md for the reasoning.")
    items = case_items(record)
    styles: dict[str, simplekml.Style] = {}
    for role in ("verdict", "hypothesis", "evidence", "evidence-area"):
        mine = [i for i in items if i.role == role]
        if not mine:
            continue
        folder = doc.newfolder(name=_name(ROLE_NAMES[role]))
        style = styles.setdefault(role, _style(role, mine[0].colour))
        for item in mine:
            if item.area is not None:
                _add_area(folder, item, style)
            else:
                _add_point(folder, item, style)
    return doc.kml()


def batch_kml(rows: list[dict[str, Any]]) -> str:
    """A batch's KML: each answered photo's verdict point and circle, in one folder each."""
    from geosleuth.report.features import COLOURS

    doc = simplekml.Kml(name="geosleuth batch")
    doc.parsetext(False)
    style = _style("verdict", COLOURS["verdict"])
    answered = 0
    for row in rows:
        if row.get("lat") is None or row.get("lon") is None:
            continue
        answered += 1
        path = str(row.get("path") or "photo")
        folder = doc.newfolder(name=_name(path))
        lines = [f"Photo {path}", f"{row.get('place') or 'Unnamed place'}"
                 f" ({row.get('country_code') or '??'}), level {row.get('level')}",
                 f"Within {row.get('radius_km') or 0:g} km with confidence"
                 f" {row.get('confidence') or 0:.2f}"]
        if row.get("case_dir"):
            lines.append(f"Case folder {row['case_dir']}")
        point = folder.newpoint(name=_name(row.get("place") or path),
                                description=_description(*lines),
                                coords=[(row["lon"], row["lat"])])
        point.style = style
        if row.get("radius_km"):
            ring = folder.newpolygon(name=_name(f"{path}: circle of {row['radius_km']:g} km"),
                                     outerboundaryis=_ring(row["lat"], row["lon"],
                                                           row["radius_km"]))
            ring.style = style
            ring.tessellate = 1
    doc.document.description = _description(
        f"{answered} of {len(rows)} photos answered: each answer's point and circle.")
    return doc.kml()
