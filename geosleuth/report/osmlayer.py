"""A street map drawn from the imported OSM extracts, on a ``MapCanvas``.

Land use and water are filled, then buildings, waterways, railways and roads by class
(a grey casing under light roads), from the ways kept in each region's index
(``MapIndex.shapes_in_box``); finer kinds appear as the view closes in
(``geometry.rank_for``). ``label_osm`` then names places, streets and (at a street's
scale) points of interest on the final picture, where labels do not collide.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from PIL import ImageDraw

from geosleuth.maps.geometry import KINDS, decode_many, rank_for
from geosleuth.maps.index import MapIndex
from geosleuth.report.mapdraw import HALO, MapCanvas, _clip_ring, font
from geosleuth.text.quoting import printable

Colour = tuple[int, int, int]
Box = tuple[int, int, int, int]
ATTRIBUTION = "Map data © OpenStreetMap contributors (ODbL)"

FILL: dict[str, Colour] = {
    "built-up": (226, 222, 222), "farmland": (238, 240, 213), "bare": (236, 228, 216),
    "grass": (205, 235, 176), "park": (200, 250, 204), "forest": (173, 209, 158),
    "water": (170, 211, 223), "building": (217, 208, 201),
}
AREA_ORDER = ("built-up", "farmland", "bare", "grass", "park", "forest", "water", "building")
# (colour, casing or None, width in pixels at a street's scale, 2 m a pixel)
LINE: dict[str, tuple[Colour, Colour | None, float]] = {
    "path": ((250, 128, 114), None, 1.4),
    "service": ((255, 255, 255), (175, 175, 175), 3.0),
    "street": ((255, 255, 255), (165, 165, 165), 5.0),
    "tertiary": ((255, 255, 255), (150, 150, 150), 6.0),
    "secondary": ((247, 250, 191), (160, 165, 100), 7.0),
    "primary": ((252, 214, 164), (170, 130, 70), 8.0),
    "trunk": ((249, 178, 156), (180, 100, 80), 9.0),
    "motorway": ((232, 146, 162), (170, 80, 100), 9.0),
    "railway": ((110, 110, 110), None, 2.0),
    "tram": ((120, 120, 130), None, 1.4),
    "river": ((140, 190, 215), None, 6.0),
    "stream": ((160, 200, 220), None, 2.0),
    "coastline": ((100, 150, 175), None, 2.0),
}
LINE_ORDER = ("stream", "river", "coastline", "path", "service", "street", "tertiary",
              "railway", "tram", "secondary", "primary", "trunk", "motorway")
ROAD_KINDS = frozenset({"street", "tertiary", "secondary", "primary", "trunk", "motorway",
                        "service"})
POI_KEYS = ("amenity", "shop", "tourism", "historic", "leisure", "railway")
PLACE_SIZE = {"city": 15, "town": 14, "suburb": 12, "village": 12, "quarter": 11,
              "neighbourhood": 11, "hamlet": 11, "locality": 10}


def _scale(mpp: float) -> float:
    """Line widths relative to a street's scale: wide at 1 m a pixel, thin zoomed out."""
    return min(1.6, max(0.3, math.sqrt(2.0 / max(mpp, 0.1))))


@dataclass
class OsmDrawn:
    """What ``draw_osm`` drew: how many ways, from which regions, and the named roads
    (name -> drawing-scale pixel points of its longest way) for the labels."""

    ways: int = 0
    regions: tuple[str, ...] = ()
    roads: dict[str, np.ndarray] | None = None


def _box(canvas: MapCanvas) -> tuple[float, float, float, float]:
    south, west, north, east = canvas.frame.bounds
    return max(south, -90.0), west, min(north, 90.0), east


def draw_osm(canvas: MapCanvas, indexes: Sequence[tuple[str, MapIndex]]) -> OsmDrawn:
    """Draw every region's ways in the canvas's window; nothing when none meets it."""
    frame = canvas.frame
    box = _box(canvas)
    mpp = frame.metres_per_pixel
    rank = rank_for(mpp)
    # a way under a pixel across is left out (degrees of latitude + longitude)
    min_extent = mpp / 111_320.0
    rows: list[tuple[int, str | None, bytes]] = []
    used = []
    for name, index in indexes:
        found = index.shapes_in_box(box, rank, min_extent)
        if found:
            used.append(name)
            rows += found
    drawn = OsmDrawn(len(rows), tuple(used), {})
    if not rows:
        return drawn
    pts, starts = decode_many([r[2] for r in rows])
    xy = canvas._xy(pts[:, 0], pts[:, 1])
    s = canvas.s
    w, h = canvas.image.size
    scale = _scale(mpp)
    by_kind: dict[str, list[int]] = {}
    for n, r in enumerate(rows):
        by_kind.setdefault(KINDS[r[0]].name, []).append(n)
    draw = canvas.draw

    def segment(n: int) -> np.ndarray:
        return xy[starts[n]:starts[n + 1]]

    for kind in AREA_ORDER:
        colour = FILL[kind]
        edge = (196, 182, 171) if kind == "building" else None
        for n in by_kind.get(kind, ()):
            seg = segment(n)
            if len(seg) < 4 or abs(seg[0, 0] - seg[-1, 0]) + abs(seg[0, 1] - seg[-1, 1]) > 0.01:
                continue
            if (seg[:, 0].min() < -w or seg[:, 0].max() > 2 * w or seg[:, 1].min() < -h
                    or seg[:, 1].max() > 2 * h):
                rings = _clip_ring(seg, w, h)
            else:
                rings = [seg.ravel().tolist()]
            for ring in rings:
                draw.polygon(ring, fill=colour, outline=edge)
    for kind in LINE_ORDER:
        items = by_kind.get(kind)
        if not items:
            continue
        colour, casing, width = LINE[kind]
        px = max(1, round(width * scale * s))
        flats = [segment(n).ravel().tolist() for n in items]
        if casing is not None and px >= 2 * s:
            for n, flat in zip(items, flats, strict=True):
                _line(draw, flat, segment(n), casing, px + 2 * s)
        for n, flat in zip(items, flats, strict=True):
            _line(draw, flat, segment(n), colour, px)
        if kind in ROAD_KINDS:
            assert drawn.roads is not None
            for n, flat_n in zip(items, flats, strict=True):
                name = rows[n][1]
                seg = segment(n)
                if name and len(flat_n) >= 4:
                    old = drawn.roads.get(name)
                    if old is None or _length(seg) > _length(old):
                        drawn.roads[name] = seg
    canvas.attribution.append(ATTRIBUTION)
    return drawn


def _line(draw: ImageDraw.ImageDraw, flat: list[float], seg: np.ndarray, colour: Colour,
          width: int) -> None:
    """A polyline whose bends are rounded: a disc on each inner vertex of a wide line
    (Pillow's own rounded joints cost ten times more)."""
    draw.line(flat, fill=colour, width=width)
    if width >= 5 and len(seg) > 2:
        r = width / 2.0 - 0.5
        for x, y in seg[1:-1].tolist():
            draw.ellipse((x - r, y - r, x + r, y + r), fill=colour)


def _length(seg: np.ndarray) -> float:
    return float(np.hypot(*np.diff(seg, axis=0).T).sum())


def _overlaps(box: Box, boxes: list[Box]) -> bool:
    return any(box[0] < b[2] and b[0] < box[2] and box[1] < b[3] and b[1] < box[3]
               for b in boxes)


def _clean(name: str) -> str:
    return " ".join(printable(name).split())[:40]


def label_osm(canvas: MapCanvas, indexes: Sequence[tuple[str, MapIndex]], drawn: OsmDrawn,
              taken: list[Box], max_labels: int = 40) -> int:
    """Name places, streets and points of interest on the final picture where the label
    fits (not over ``taken``, which it extends); returns how many were placed."""
    frame = canvas.frame
    img = canvas.finish()
    draw = ImageDraw.Draw(img)
    mpp = frame.metres_per_pixel
    box = _box(canvas)
    shown = 0

    def put(x: float, y: float, text: str, size: int, colour: Colour, dot: bool,
            bold: bool = False) -> bool:
        f = font(size, bold)
        anchor = "lm" if dot else "mm"
        at = (x + 5, y) if dot else (x, y)
        left, top, right, bottom = draw.textbbox(at, text, font=f, anchor=anchor,
                                                 stroke_width=2)
        lb = (int(left) - (6 if dot else 0), int(top), int(right), int(bottom))
        if lb[0] < 0 or lb[1] < 0 or lb[2] > frame.width or lb[3] > frame.height:
            return False
        if _overlaps(lb, taken):
            return False
        if dot:
            draw.ellipse((x - 2.5, y - 2.5, x + 2.5, y + 2.5), fill=colour, outline=HALO)
        draw.text(at, text, fill=colour, font=f, anchor=anchor, stroke_width=2,
                  stroke_fill=HALO)
        taken.append(lb)
        return True

    # places: the largest kinds first
    places: list[tuple[int, str, float, float]] = []
    for _, index in indexes:
        for name, lat, lon, value in index.tagged_points(box, "place", 400):
            if value in PLACE_SIZE:
                places.append((PLACE_SIZE[value], name, lat, lon))
    places.sort(key=lambda p: -p[0])
    for size, name, lat, lon in places:
        if shown >= max_labels // 3:
            break
        x, y = frame.to_pixel(lat, lon)
        if put(x, y, _clean(name), size, (40, 40, 40), dot=mpp > 12, bold=size >= 14):
            shown += 1
    # streets: the longest drawn first, at the middle of the way
    if mpp <= 8 and drawn.roads:
        s = canvas.s
        longest = sorted(drawn.roads.items(), key=lambda kv: -_length(kv[1]))
        for name, seg in longest[:max_labels]:
            if shown >= max_labels * 2 // 3:
                break
            mid = seg[len(seg) // 2] / s
            if len(seg) == 2:
                mid = (seg[0] + seg[1]) / (2 * s)
            if put(float(mid[0]), float(mid[1]), _clean(name), 11, (60, 60, 60), dot=False):
                shown += 1
    # points of interest, at a street's scale
    if mpp <= 3:
        for _, index in indexes:
            for key in POI_KEYS:
                for name, lat, lon, value in index.tagged_points(box, key, 200):
                    if shown >= max_labels:
                        return shown
                    if key == "railway" and value not in ("station", "halt", "tram_stop"):
                        continue
                    x, y = frame.to_pixel(lat, lon)
                    if put(x, y, _clean(name), 10, (120, 70, 30), dot=True):
                        shown += 1
    return shown

