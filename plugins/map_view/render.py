"""A map view as a picture: the window, the basemap (imported extracts or tiles), the
case's hypotheses and located evidence, a scale bar, a north arrow and the attribution."""

from __future__ import annotations

import io
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from PIL import Image

from geosleuth.maps.index import MapIndex
from geosleuth.model import Evidence, Hypothesis
from geosleuth.report.features import COLOURS, FILL_OPACITY, STROKE_WIDTH
from geosleuth.report.mapdraw import (
    EARTH_M,
    LAND,
    TILE,
    MapCanvas,
    MapFrame,
    circle_points,
    hex_colour,
)
from geosleuth.report.osmlayer import ATTRIBUTION, draw_osm, label_osm

VIEW_PX = 640
MIN_ZOOM, MAX_ZOOM = 3.0, 19.0
MAX_MARKS = 12


def frame_for(args: dict[str, Any], size: int = VIEW_PX) -> MapFrame:
    """The window a call asks for: a centre and a zoom, or a box [south, west, north, east]."""
    box = args.get("box")
    if box is not None:
        south, west, north, east = (float(v) for v in box)
        from geosleuth.report.mapdraw import _mercator

        x0, y1 = _mercator(south, west)
        x1, y0 = _mercator(north, east)
        span = max(float(x1 - x0), float(y1 - y0), 1e-12)
        zoom = math.log2(size / span / TILE)
        lat = math.degrees(math.atan(math.sinh(math.pi * (1.0 - float(y0 + y1)))))
        lon = (west + east) / 2.0
    else:
        lat, lon = float(args["lat"]), float(args["lon"])
        zoom = float(args.get("zoom", 16))
    return MapFrame(lat, lon, min(max(zoom, MIN_ZOOM), MAX_ZOOM), size, size)


def zoom_for_span(lat: float, span_m: float, size: int = VIEW_PX) -> float:
    """The zoom at which ``size`` pixels cover ``span_m`` metres at this latitude."""
    world_m = 2 * math.pi * EARTH_M * max(math.cos(math.radians(lat)), 1e-6)
    return math.log2(world_m * size / span_m / TILE)


@dataclass
class Marks:
    """What of the case a view draws: hypotheses (best first) and located evidence."""

    hypotheses: Sequence[Hypothesis] = ()
    evidence: Sequence[Evidence] = ()
    drawn: list[str] = field(default_factory=list)


def _inside(frame: MapFrame, x: float, y: float) -> bool:
    return 0 <= x < frame.width and 0 <= y < frame.height


def draw_marks(canvas: MapCanvas, marks: Marks) -> list[tuple[int, int, int, int]]:
    """Hypothesis circles and markers, located evidence; the label boxes they take."""
    frame = canvas.frame
    hyps = list(marks.hypotheses)[:MAX_MARKS]
    blue = hex_colour(COLOURS["hypothesis"])
    purple = hex_colour(COLOURS["evidence"])
    for h in reversed(hyps):
        ring = [circle_points(h.lat, h.lon, h.radius_km)]
        canvas.fill(ring, blue, FILL_OPACITY["hypothesis"])
        canvas.outline(ring, blue, STROKE_WIDTH["hypothesis"])
    points: list[tuple[str, float, float, str]] = []
    for e in marks.evidence:
        c = e.constraint
        if c is not None and getattr(c, "kind", None) == "point":
            points.append((e.id, float(c.lat), float(c.lon), "evidence"))  # type: ignore[attr-defined]
    points += [(h.id, h.lat, h.lon, "hypothesis") for h in reversed(hyps)]
    placed: list[tuple[float, float, str]] = []
    for key, lat, lon, role in points:
        x, y = frame.to_pixel(lat, lon)
        if not _inside(frame, x, y):
            continue
        colour = purple if role == "evidence" else blue
        canvas.marker(lat, lon, colour, "diamond" if role == "evidence" else "circle",
                      5.5 if role == "evidence" else 6.5)
        placed.append((x, y, key))
        marks.drawn.append(key)
    canvas.finish()
    taken: list[tuple[int, int, int, int]] = [
        (int(x) - 9, int(y) - 9, int(x) + 9, int(y) + 9) for x, y, _ in placed]
    groups: dict[tuple[int, int], list[str]] = {}
    for x, y, key in placed:
        near = next((p for p in groups if abs(p[0] - x) < 20 and abs(p[1] - y) < 20), None)
        groups.setdefault(near or (round(x), round(y)), []).append(key)
    for (x, y), keys in groups.items():
        text = ", ".join(sorted(dict.fromkeys(keys), key=lambda k: (k[:1] != "H", k)))
        taken.append(canvas.text((x + 9, y - 8), text, size=12, bold=True))
    return taken


@dataclass
class Rendered:
    image: Image.Image
    ways: int
    regions: tuple[str, ...]
    labels: int
    attribution: str


def render_offline(frame: MapFrame, indexes: Sequence[tuple[str, MapIndex]],
                   marks: Marks) -> Rendered:
    """The view drawn from the imported extracts over the coasts and borders."""
    canvas = MapCanvas(frame)
    canvas.draw_outlines(rivers=True, borders=True)
    drawn = draw_osm(canvas, indexes)
    taken = draw_marks(canvas, marks)
    w, h = frame.width, frame.height
    taken += [(w - 50, 0, w, 64), (0, h - 56, 200, h), (w - 380, h - 18, w, h)]
    labels = label_osm(canvas, indexes, drawn, taken) if indexes else 0
    if indexes and not drawn.ways and labels:
        canvas.attribution.append(ATTRIBUTION)
    return _decorate(canvas, drawn.ways, tuple(name for name, _ in indexes), labels)


def render_tiles(frame: MapFrame, picture: Image.Image, attribution: str,
                 marks: Marks) -> Rendered:
    """The view over raster tiles already fitted to the frame (``tiles.tile_mosaic``)."""
    canvas = MapCanvas(frame, background=LAND)
    canvas.image.paste(picture.resize(canvas.image.size, Image.Resampling.BILINEAR))
    canvas.attribution.append(attribution)
    draw_marks(canvas, marks)
    return _decorate(canvas, 0, (), 0)


def _decorate(canvas: MapCanvas, ways: int, regions: tuple[str, ...], labels: int) -> Rendered:
    canvas.scale_bar()
    canvas.north_arrow()
    canvas.credit(["geosleuth"])
    return Rendered(canvas.finish(), ways, regions, labels, " · ".join(canvas.attribution))


def png_bytes(image: Image.Image) -> bytes:
    buf = io.BytesIO()
    image.save(buf, format="PNG", compress_level=3)
    return buf.getvalue()
