"""map.png of a case, and the photo's thumbnail, for report.md and report.html.

The map shows the verdict circle, the hypotheses with their circles, the located evidence
and any sun loci, over an outline basemap (coasts, lakes, borders, rivers) that needs
nothing imported, and, in a view 38 km across or less, the roads, water, land use and
buildings of the map regions imported in the case's data folder (``osmlayer``), with a
legend, a scale bar, a north arrow, a small world map locating the view, and the
attribution. It frames the verdict and the hypotheses worth a look
(at least a twentieth of the leading one's probability), else the located evidence, else
the world; evidence outside the frame is named in the legend. The largest towns in view
are named, from the gazetteer index of the case's cache folder when one is there (a
report never builds it); a label never covers a marker, another label or the legend.

``photo_thumbnail`` is the photo as a viewer shows it, at most ``THUMB_PX`` on its longer
side, re-encoded as a JPEG without any metadata (no EXIF position leaves in a report).
"""

from __future__ import annotations

import io
import math
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Literal

from PIL import Image, ImageDraw

from geosleuth.report.features import (
    COLOURS,
    FILL_OPACITY,
    STROKE_WIDTH,
    MapItem,
    case_items,
)
from geosleuth.report.mapdraw import (
    HALO,
    INK,
    MapCanvas,
    MapFrame,
    circle_points,
    font,
    geojson_rings,
    hex_colour,
)
from geosleuth.report.osmlayer import draw_osm
from geosleuth.text.quoting import printable

MAP_SIZE = (960, 640)
OSM_MAX_MPP = 60.0  # the imported regions' ways are drawn in views this close (38 km across)
THUMB_PX = 640
MAX_HYPOTHESES = 8
MIN_SHARE = 0.05  # hypotheses framed: at least this share of the leading one's score
LABEL_MERGE_PX = 24  # markers closer than this share one label
MAX_PLACE_LABELS = 12
PLACE_MAX_SPAN_DEG = 15.0  # towns are named in views up to this many degrees of latitude
# (south, west, north, east, limit) -> [(lat, lon, name)], most populous first
PlaceSource = Callable[[float, float, float, float, int], list[tuple[float, float, str]]]
Box = tuple[int, int, int, int]
MARKER_SHAPES = {"verdict": ("star", 9.0), "hypothesis": ("circle", 6.5),
                 "evidence": ("diamond", 5.5)}


def _framed(items: list[MapItem]) -> list[tuple[float, float, float]]:
    verdict = [i for i in items if i.role == "verdict"]
    hyps = [i for i in items if i.role == "hypothesis"][:MAX_HYPOTHESES]
    top = max((float(i.props.get("score") or 0.0) for i in hyps), default=0.0)
    hyps = [i for i in hyps if float(i.props.get("score") or 0.0) >= MIN_SHARE * top]
    chosen = verdict + hyps or [i for i in items if i.role == "evidence"]
    return [(i.lat, i.lon, float(i.radius_km or 0.0)) for i in chosen
            if i.lat is not None and i.lon is not None]


def case_frame(record: dict[str, Any], size: tuple[int, int] = MAP_SIZE) -> MapFrame:
    """The window of a case's map."""
    return MapFrame.around(_framed(case_items(record)), *size)


def _inside(canvas: MapCanvas, x: float, y: float) -> bool:
    return 0 <= x < canvas.frame.width and 0 <= y < canvas.frame.height


def _legend(canvas: MapCanvas, lines: Sequence[tuple[str | None, str]]) -> Box:
    """A white box at the top left: a swatch (role colour) and a line of text per entry."""
    img = canvas.finish()
    draw = ImageDraw.Draw(img)
    f = font(12)
    widths = [draw.textlength(text, font=f) for _, text in lines]
    w = int(max(widths, default=0)) + 34
    h = 18 * len(lines) + 8
    draw.rectangle((8, 8, 8 + w, 8 + h), fill=(255, 255, 255), outline=(160, 160, 160))
    for n, (role, text) in enumerate(lines):
        y = 16 + 18 * n
        if role is not None:
            c = hex_colour(COLOURS[role])
            draw.rectangle((16, y + 1, 28, y + 11), fill=c, outline=INK)
        draw.text((34, y), text, fill=INK, font=f)
    return (8, 8, 8 + w, 8 + h)


def gazetteer_places(record: dict[str, Any]) -> PlaceSource | None:
    """Towns from the gazetteer index in the case's cache folder, if it has been built."""
    cache_dir = (record.get("settings") or {}).get("cache_dir")
    if not cache_dir:
        return None
    try:
        from geosleuth.geo.gazetteer import Gazetteer, index_path

        if not index_path(Path(cache_dir)).is_file():
            return None
        gazetteer = Gazetteer.open(Path(cache_dir))
    except Exception:  # no index, or one that cannot be read: a map without town names
        return None

    def places(south: float, west: float, north: float, east: float,
               limit: int) -> list[tuple[float, float, str]]:
        return [(p.lat, p.lon, p.name)
                for p in gazetteer.largest_in_box(south, west, north, east, limit)]

    return places


def imported_regions(record: dict[str, Any], frame: MapFrame) -> list[tuple[str, Any]]:
    """The map regions imported in the case's data folder that meet the frame (none when
    the folder or an index cannot be read: the map goes without streets)."""
    data_dir = (record.get("settings") or {}).get("data_dir")
    if not data_dir:
        return []
    try:
        from geosleuth.maps.regions import RegionStore, boxes_meet

        store = RegionStore.shared(Path(data_dir))
        south, west, north, east = frame.bounds
        out = []
        for info in store.list():
            if info.bbox is not None and boxes_meet(info.bbox, (south, west, north, east)):
                try:
                    out.append((info.name, store.open(info.name)))
                except Exception:  # an index of another schema: left out
                    continue
        return out
    except Exception:
        return []


def _overlaps(box: Box, boxes: list[Box]) -> bool:
    return any(box[0] < b[2] and b[0] < box[2] and box[1] < b[3] and b[1] < box[3]
               for b in boxes)


def _place_labels(canvas: MapCanvas, places: PlaceSource, taken: list[Box]) -> None:
    """Name the largest towns in view, each with a dot, where the label fits."""
    frame = canvas.frame
    south, west, north, east = _latlon_box(frame)
    if north - south > PLACE_MAX_SPAN_DEG or east - west > PLACE_MAX_SPAN_DEG * 1.5:
        return  # a continent: its towns are too many to rank quickly, the borders suffice
    try:
        found = places(south, west, north, east, MAX_PLACE_LABELS * 5)
    except Exception:
        return
    img = canvas.finish()
    draw = ImageDraw.Draw(img)
    f = font(11)
    shown = 0
    for lat, lon, name in found:
        x, y = frame.to_pixel(lat, lon)
        text = " ".join(printable(name).split())[:40]
        if not text or not (4 <= x < frame.width - 4 and 4 <= y < frame.height - 4):
            continue
        _, top, right, bottom = draw.textbbox((x + 5, y), text, font=f, anchor="lm",
                                                 stroke_width=2)
        box = (int(x) - 3, int(top) - 1, int(right) + 1, int(bottom) + 1)
        if box[2] > frame.width or _overlaps(box, taken):
            continue
        draw.ellipse((x - 2.5, y - 2.5, x + 2.5, y + 2.5), fill=(60, 60, 60), outline=HALO)
        draw.text((x + 5, y), text, fill=(60, 60, 60), font=f, anchor="lm", stroke_width=2,
                  stroke_fill=HALO)
        taken.append(box)
        shown += 1
        if shown >= MAX_PLACE_LABELS:
            break


def _latlon_box(frame: MapFrame) -> tuple[float, float, float, float]:
    south, west, north, east = frame.bounds
    return max(south, -90.0), west, min(north, 90.0), east


def render_case_map(record: dict[str, Any], size: tuple[int, int] = MAP_SIZE, *,
                    places: PlaceSource | Literal["auto"] | None = "auto") -> Image.Image:
    """The case's map as a picture; ``places`` names the towns (``"auto"``: from the
    gazetteer of the case's cache folder when it is built; None: no town names)."""
    items = case_items(record)
    frame = case_frame(record, size)
    canvas = MapCanvas(frame)
    canvas.draw_outlines()
    if frame.metres_per_pixel <= OSM_MAX_MPP:
        streets = imported_regions(record, frame)
        if streets:
            draw_osm(canvas, streets)
    areas = [i for i in items if i.area is not None]
    circled = [i for i in items if i.role in ("hypothesis", "verdict") and i.radius_km]
    circled.sort(key=lambda i: i.role == "verdict")  # the verdict's circle on top
    rings = {id(i): [circle_points(i.lat, i.lon, i.radius_km)] for i in circled
             if i.lat is not None and i.lon is not None and i.radius_km is not None}
    for item in areas:
        canvas.fill(geojson_rings(item.area or {}), hex_colour(item.colour),
                    FILL_OPACITY[item.role])
    for item in circled:
        canvas.fill(rings[id(item)], hex_colour(item.colour), FILL_OPACITY[item.role])
    for item in areas:
        canvas.outline(geojson_rings(item.area or {}), hex_colour(item.colour),
                       STROKE_WIDTH[item.role])
    for item in circled:
        canvas.outline(rings[id(item)], hex_colour(item.colour), STROKE_WIDTH[item.role])
    # markers: evidence, then hypotheses (the leading one last), then the verdict
    points = [i for i in items if i.area is None and i.lat is not None and i.lon is not None]
    order = {"evidence": 0, "hypothesis": 1, "verdict": 2}
    placed: dict[tuple[int, int], list[str]] = {}  # label position -> the markers' ids
    outside: list[str] = []
    markers: list[tuple[float, float]] = []
    hyps = [i for i in points if i.role == "hypothesis"]
    for item in sorted(points, key=lambda i: (order[i.role],
                                              -hyps.index(i) if i in hyps else 0)):
        assert item.lat is not None and item.lon is not None
        x, y = frame.to_pixel(item.lat, item.lon)
        if not _inside(canvas, x, y):
            if item.role == "evidence":
                outside.append(item.key)
            continue
        shape, px = MARKER_SHAPES[item.role]
        canvas.marker(item.lat, item.lon, hex_colour(item.colour), shape, px)
        markers.append((x, y))
        if item.role != "verdict":
            near = next((p for p in placed if abs(p[0] - x) < LABEL_MERGE_PX
                         and abs(p[1] - y) < LABEL_MERGE_PX), None)
            placed.setdefault(near or (round(x), round(y)), []).append(item.key)
    canvas.finish()
    taken: list[Box] = [(int(x) - 10, int(y) - 10, int(x) + 10, int(y) + 10)
                        for x, y in markers]
    for (x, y), keys in placed.items():  # one label per cluster of nearby markers
        taken.append(canvas.text((x + 10, y - 8),
                                 ", ".join(sorted(dict.fromkeys(keys), key=_key_order)),
                                 size=12, bold=True))
    taken.append(_legend(canvas, _legend_lines(record, items, outside)))
    w, h = frame.width, frame.height
    taken += [(w - 50, 0, w, 64), (0, h - 60, 250, h), (w - 170, h - 130, w, h)]  # decorations
    source = gazetteer_places(record) if places == "auto" else places
    if source is not None:
        _place_labels(canvas, source, taken)
    canvas.scale_bar()
    canvas.north_arrow()
    if frame.span_km < 4000:
        canvas.inset()
    canvas.credit(["geosleuth"])
    return canvas.finish()


def _legend_lines(record: dict[str, Any], items: list[MapItem],
                  outside: list[str]) -> list[tuple[str | None, str]]:
    v = record["verdict"]
    lines: list[tuple[str | None, str]] = []
    if v.get("lat") is not None:
        lines.append(("verdict", _clip(f"Verdict: {v.get('place') or 'unnamed place'},"
                                       f" {_km(v['radius_km'])}, p={v['confidence']:.2f}")))
    else:
        lines.append((None, "No verdict: the evidence does not single out a place"))
    hyps = [i for i in items if i.role == "hypothesis"]
    if hyps:
        lines.append(("hypothesis", f"Hypotheses {hyps[0].key}–{hyps[-1].key} with circles"
                      if len(hyps) > 1 else f"Hypothesis {hyps[0].key} with its circle"))
    if any(i.role == "evidence" for i in items):
        lines.append(("evidence", "Located evidence (E…)"
                      + (f"; off the map: {', '.join(outside)}" if outside else "")))
    if any(i.role == "evidence-area" for i in items):
        lines.append(("evidence-area", "Sun locus (where the shadows fit)"))
    return lines


def _key_order(key: str) -> tuple[str, int]:
    """H before E, then by number: H1, H2, E4, E6."""
    digits = "".join(ch for ch in key if ch.isdigit())
    return ({"H": "0", "E": "1"}.get(key[:1], "2"), int(digits) if digits else 0)


def _km(radius_km: float) -> str:
    return f"±{radius_km * 1000:.0f} m" if radius_km < 1 else f"±{radius_km:g} km"


def _clip(text: str, n: int = 70) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1] + "…"


def map_png(record: dict[str, Any], size: tuple[int, int] = MAP_SIZE, *,
            places: PlaceSource | Literal["auto"] | None = "auto") -> bytes:
    """map.png's bytes."""
    buf = io.BytesIO()
    render_case_map(record, size, places=places).save(buf, format="PNG", compress_level=3)
    return buf.getvalue()


def photo_thumbnail(photo: Path, max_px: int = THUMB_PX) -> bytes | None:
    """The photo, oriented, at most ``max_px`` on its longer side, as a JPEG with no
    metadata; None when it cannot be read (the report then goes without it).

    A large photo is reduced before it is turned upright (a JPEG as it is decoded, any
    other right after), so no full-size copy is made besides the decode."""
    from geosleuth.images import _register_heif, oriented, quiet_pillow, shrink

    _register_heif()
    try:
        with quiet_pillow(), Image.open(photo) as image:
            if math.prod(image.size) > 120_000_000:
                return None
            image.draft("RGB", (max_px, max_px))
            image.load()
            picture = oriented(shrink(image, max(image.size) // (2 * max_px)))
            picture.thumbnail((max_px, max_px), Image.Resampling.LANCZOS)
            buf = io.BytesIO()
            picture.save(buf, format="JPEG", quality=82)  # no exif=: nothing but pixels
            return buf.getvalue()
    except Exception:  # a damaged or vanished photo: the report goes on without it
        return None
