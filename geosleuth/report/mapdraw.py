"""A small map renderer: a Web Mercator frame, an outline basemap, and marks drawn with Pillow.

``MapFrame`` is the window: a centre, a (fractional) zoom level of the Web Mercator
projection used by web maps (the world is ``256 * 2**zoom`` pixels wide) and a size in
pixels; ``to_pixel`` puts a latitude/longitude on the picture. ``MapCanvas`` draws on a
frame at twice the size and shrinks the result, which smooths every edge: first the
basemap (``draw_outlines``: sea, land, lakes, country borders and rivers from
``geo.outlines``), then translucent fills, outlines and markers; labels, the scale bar,
the north arrow and the attribution go on the final picture, where text is sharpest.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from geosleuth.geo import outlines
from geosleuth.geo.distance import EARTH_RADIUS_KM, destination

TILE = 256
MAX_LAT = 85.05112878  # Web Mercator's edge
EARTH_M = 6378137.0  # the projection's sphere
SUPERSAMPLE = 2
LAKE_MIN_PX = 30.0  # lakes smaller than this many square pixels are left out

SEA = (170, 211, 223)
LAND = (242, 239, 233)
COAST = (120, 160, 178)
BORDER = (150, 120, 160)
RIVER = (150, 195, 215)
INK = (40, 40, 40)
HALO = (255, 255, 255)

Colour = tuple[int, int, int]


def hex_colour(value: str) -> Colour:
    """``#rrggbb`` as an RGB tuple."""
    v = value.lstrip("#")
    return (int(v[0:2], 16), int(v[2:4], 16), int(v[4:6], 16))


def _mercator(lat: np.ndarray | float, lon: np.ndarray | float) -> tuple[np.ndarray, np.ndarray]:
    """Web Mercator on a world one unit wide: x east from -180°, y south from the top."""
    phi = np.radians(np.clip(lat, -MAX_LAT, MAX_LAT))
    x = (np.asarray(lon, dtype=float) + 180.0) / 360.0
    y = (1.0 - np.log(np.tan(phi) + 1.0 / np.cos(phi)) / math.pi) / 2.0
    return x, y


@dataclass(frozen=True)
class MapFrame:
    """A picture's window on the Web Mercator plane."""

    lat: float
    lon: float
    zoom: float
    width: int
    height: int

    @property
    def world_px(self) -> float:
        """The width of the whole world at this zoom, in pixels."""
        return TILE * 2.0 ** self.zoom

    def to_pixels(self, lats: np.ndarray | Sequence[float], lons: np.ndarray | Sequence[float],
                  *, wrap: bool = True) -> tuple[np.ndarray, np.ndarray]:
        """Pixel x, y of points; ``wrap`` takes each longitude within 180° of the centre."""
        lons = np.asarray(lons, dtype=float)
        if wrap:
            lons = self.lon + (lons - self.lon + 180.0) % 360.0 - 180.0
        x, y = _mercator(np.asarray(lats, dtype=float), lons)
        cx, cy = _mercator(self.lat, self.lon)
        w = self.world_px
        return (x - cx) * w + self.width / 2.0, (y - cy) * w + self.height / 2.0

    def to_pixel(self, lat: float, lon: float) -> tuple[float, float]:
        x, y = self.to_pixels([lat], [lon])
        return float(x[0]), float(y[0])

    def to_latlon(self, x: float, y: float) -> tuple[float, float]:
        """The latitude and longitude at a pixel (longitude unwrapped around the centre)."""
        cx, cy = _mercator(self.lat, self.lon)
        mx = float(cx) + (x - self.width / 2.0) / self.world_px
        my = float(cy) + (y - self.height / 2.0) / self.world_px
        lon = mx * 360.0 - 180.0
        lat = math.degrees(math.atan(math.sinh(math.pi * (1.0 - 2.0 * my))))
        return lat, lon

    @property
    def bounds(self) -> tuple[float, float, float, float]:
        """South, west, north, east (west and east may pass ±180° across the antimeridian)."""
        north, west = self.to_latlon(0, 0)
        south, east = self.to_latlon(self.width, self.height)
        return south, west, north, east

    @property
    def metres_per_pixel(self) -> float:
        """Ground distance of one pixel at the centre's latitude."""
        return 2 * math.pi * EARTH_M * math.cos(math.radians(self.lat)) / self.world_px

    @property
    def span_km(self) -> float:
        return max(self.width, self.height) * self.metres_per_pixel / 1000.0

    @classmethod
    def around(cls, circles: Sequence[tuple[float, float, float]], width: int, height: int, *,
               min_span_km: float = 20.0, margin: float = 0.08) -> MapFrame:
        """The frame that shows these (lat, lon, radius_km) circles, at least
        ``min_span_km`` across its narrower side; the whole world without circles."""
        min_zoom = math.log2(max(width, height) / TILE)
        if not circles:
            return cls(20.0, 0.0, min_zoom, width, height)
        ref_lon = circles[0][1]
        lats, lons = [], []
        for lat, lon, radius in circles:
            lats.append(lat)
            lons.append(lon)
            if radius > 0:
                for bearing in range(0, 360, 45):
                    plat, plon = destination(lat, lon, bearing, radius)
                    lats.append(plat)
                    lons.append(plon)
        lon_arr = ref_lon + (np.asarray(lons) - ref_lon + 180.0) % 360.0 - 180.0
        x, y = _mercator(np.asarray(lats), lon_arr)
        x0, x1, y0, y1 = float(x.min()), float(x.max()), float(y.min()), float(y.max())
        cx, cy = (x0 + x1) / 2.0, (y0 + y1) / 2.0
        usable_w, usable_h = width * (1 - 2 * margin), height * (1 - 2 * margin)
        fit = min(usable_w / max(x1 - x0, 1e-12), usable_h / max(y1 - y0, 1e-12))
        zoom = math.log2(fit / TILE)
        centre_lat = math.degrees(math.atan(math.sinh(math.pi * (1.0 - 2.0 * cy))))
        # no closer than min_span_km across the narrower side (at the centre's latitude)
        world_m = 2 * math.pi * EARTH_M * max(math.cos(math.radians(centre_lat)), 1e-6)
        max_zoom = math.log2(world_m * min(width, height) / (min_span_km * 1000.0) / TILE)
        zoom = max(min(zoom, max_zoom), min_zoom)
        # keep the picture inside the projection's square vertically
        half = height / 2.0 / (TILE * 2.0 ** zoom)
        cy = min(max(cy, half), 1.0 - half) if half < 0.5 else 0.5
        centre_lat = math.degrees(math.atan(math.sinh(math.pi * (1.0 - 2.0 * cy))))
        centre_lon = cx * 360.0 - 180.0
        centre_lon = (centre_lon + 180.0) % 360.0 - 180.0
        return cls(centre_lat, centre_lon, zoom, width, height)


@lru_cache(maxsize=8)
def font(size: int, bold: bool = False) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    """DejaVu Sans (Latin, Greek, Cyrillic) if the system has it, else Pillow's own font."""
    for name in (("DejaVuSans-Bold.ttf",) if bold else ()) + ("DejaVuSans.ttf",):
        try:
            return ImageFont.truetype(name, size)
        except OSError:
            continue
    return ImageFont.load_default(size=size)


def nice_length(max_m: float) -> float:
    """The largest 1, 2 or 5 times a power of ten not above ``max_m`` metres."""
    if max_m <= 0:
        return 0.0
    power = 10.0 ** math.floor(math.log10(max_m))
    for step in (5.0, 2.0, 1.0):
        if step * power <= max_m:
            return step * power
    return power


def format_length(metres: float) -> str:
    return f"{metres / 1000:g} km" if metres >= 1000 else f"{metres:g} m"


class MapCanvas:
    """A picture of a frame being drawn: shapes at ``SUPERSAMPLE`` times the size, then text."""

    def __init__(self, frame: MapFrame, background: Colour = SEA) -> None:
        self.frame = frame
        self.s = SUPERSAMPLE
        self.image = Image.new("RGB", (frame.width * self.s, frame.height * self.s), background)
        self.draw = ImageDraw.Draw(self.image)
        self.final: Image.Image | None = None
        self.attribution: list[str] = []

    # -- geometry at the drawing scale ------------------------------------------------

    def _xy(self, lats: np.ndarray | Sequence[float], lons: np.ndarray | Sequence[float],
            wrap: bool = True) -> np.ndarray:
        x, y = self.frame.to_pixels(lats, lons, wrap=wrap)
        return np.column_stack([x, y]) * self.s

    def _visible(self, pts: np.ndarray, pad: float = 0.0) -> bool:
        w, h = self.image.size
        return bool(pts[:, 0].max() >= -pad and pts[:, 0].min() <= w + pad
                    and pts[:, 1].max() >= -pad and pts[:, 1].min() <= h + pad)

    # -- basemap ---------------------------------------------------------------------

    def draw_outlines(self, *, rivers: bool = True, borders: bool = True) -> None:
        """Sea, land, lakes, coastlines, country borders and (zoomed in) rivers."""
        if not outlines.available():
            return
        res = outlines.resolution_for(self.frame.span_km)
        south, west, north, east = self.frame.bounds
        pad_lat = (north - south) * 0.02 + 0.01
        pad_lon = (east - west) * 0.02 + 0.01
        box = (max(south - pad_lat, -90.0), west - pad_lon, min(north + pad_lat, 90.0),
               east + pad_lon)
        order = {outlines.LAND: 0, outlines.ANTARCTICA: 0, outlines.LAKE: 1,
                 outlines.ISLAND_IN_LAKE: 2, outlines.POND: 3}
        shore = sorted(self._projected(outlines.shape_set("gshhs", res), box),
                       key=lambda s: order.get(s[0], 4))
        for kind, flat in shore:
            water = kind in (outlines.LAKE, outlines.POND)
            self.draw.polygon(flat, fill=SEA if water else LAND)
            if kind != outlines.ANTARCTICA:
                self.draw.line(flat + flat[:2], fill=COAST, width=self.s)
        if rivers and res == "i":
            for _, flat in self._projected(outlines.shape_set("rivers", res), box, lines=True):
                self.draw.line(flat, fill=RIVER, width=self.s)
        if borders:
            for _, flat in self._projected(outlines.shape_set("countries", res), box,
                                           lines=True):
                self.draw.line(flat, fill=BORDER, width=self.s)
        self.attribution.append(f"Coast, borders, rivers: {outlines.ATTRIBUTION}")

    def _projected(self, shapes: outlines.ShapeSet, box: tuple[float, float, float, float],
                   lines: bool = False) -> list[tuple[int, list[float]]]:
        """The shapes in the window as flat pixel lists, points closer than a pixel merged;
        shapes under a pixel (lakes under three) and those off the picture left out."""
        w, h = self.image.size
        out: list[tuple[int, list[float]]] = []
        for idx, shift in shapes.hits(*box):
            x0, y0 = self.frame.to_pixels(shapes.north[idx], shapes.west[idx] + shift, wrap=False)
            x1, y1 = self.frame.to_pixels(shapes.south[idx], shapes.east[idx] + shift, wrap=False)
            x0, x1, y0, y1 = x0 * self.s, x1 * self.s, y0 * self.s, y1 * self.s
            # lakes under LAKE_MIN_PX square pixels are slivers, other shapes under a pixel
            water = np.isin(shapes.kinds[idx], (outlines.LAKE, outlines.POND))
            km_per_px = self.frame.metres_per_pixel / 1000.0
            big = np.where(water, shapes.areas[idx] / km_per_px**2 >= LAKE_MIN_PX,
                           np.maximum(x1 - x0, y1 - y0) >= self.s)
            keep = big & (x1 >= 0) & (x0 <= w) & (y1 >= 0) & (y0 <= h)
            if lines:
                keep = (np.maximum(x1 - x0, y1 - y0) >= 0.5 * self.s) & (x1 >= 0) & (
                    x0 <= w) & (y1 >= 0) & (y0 <= h)
            chosen = np.flatnonzero(keep)
            if not chosen.size:
                continue
            shape_ids = idx[chosen]
            firsts, lasts = shapes.starts[shape_ids], shapes.starts[shape_ids + 1]
            pts = np.concatenate([shapes.points[a:b] for a, b in zip(firsts, lasts, strict=True)])
            px, py = self.frame.to_pixels(pts[:, 1], pts[:, 0] + shift, wrap=False)
            xy = np.round(np.column_stack([px, py]) * self.s).astype(np.int64)
            bounds = np.cumsum(np.concatenate([[0], lasts - firsts]))
            # a point is kept if it moved from the previous one, or starts its shape
            moved = np.concatenate([[True], np.any(np.diff(xy, axis=0) != 0, axis=1)])
            moved[bounds[:-1]] = True
            inside = (x0[chosen] >= 0) & (x1[chosen] <= w) & (y0[chosen] >= 0) & (y1[chosen] <= h)
            for n, i in enumerate(shape_ids):
                seg = xy[bounds[n]:bounds[n + 1]][moved[bounds[n]:bounds[n + 1]]]
                if len(seg) < (2 if lines else 3):
                    continue
                if lines or inside[n]:
                    out.append((int(shapes.kinds[i]), seg.ravel().tolist()))
                else:
                    out += [(int(shapes.kinds[i]), ring) for ring in _clip_ring(seg, w, h)]
        return out

    # -- marks -------------------------------------------------------------------------

    def fill(self, rings: Sequence[np.ndarray], colour: Colour, opacity: float) -> None:
        """Blend a translucent fill of rings given as (lat, lon) arrays (holes not cut)."""
        if opacity <= 0:
            return
        w, h = self.image.size
        for xy in (xy for ring in rings for xy in self._ring_xys(ring)):
            if len(xy) < 3 or not self._visible(xy):
                continue
            x0, y0 = max(int(xy[:, 0].min()), 0), max(int(xy[:, 1].min()), 0)
            x1, y1 = min(int(xy[:, 0].max()) + 1, w), min(int(xy[:, 1].max()) + 1, h)
            if x1 <= x0 or y1 <= y0:
                continue
            mask = Image.new("L", (x1 - x0, y1 - y0), 0)
            ImageDraw.Draw(mask).polygon((xy - (x0, y0)).ravel().tolist(),
                                         fill=round(opacity * 255))
            self.image.paste(colour, (x0, y0, x1, y1), mask)

    def outline(self, rings: Sequence[np.ndarray], colour: Colour, width: float) -> None:
        for xy in (xy for ring in rings for xy in self._ring_xys(ring, closed=False)):
            if len(xy) >= 2 and self._visible(xy, pad=width * self.s):
                self.draw.line(xy.ravel().tolist(), fill=colour,
                               width=max(1, round(width * self.s)), joint="curve")

    def _ring_xys(self, ring: np.ndarray, closed: bool = True) -> list[np.ndarray]:
        """A (lat, lon) ring in drawing pixels, its longitudes made continuous and brought
        next to the centre's. A ring that goes round a pole (a circle holding it) spans
        every longitude: it is drawn three times, 360° apart, and for a fill (``closed``)
        each copy is closed along the map's edge on that pole's side."""
        lat = ring[:, 0]
        lon = np.degrees(np.unwrap(np.radians(ring[:, 1])))
        lon = lon + 360.0 * round((self.frame.lon - float(lon.mean())) / 360.0)
        if abs(lon[-1] - lon[0]) <= 180.0:
            return [self._xy(lat, lon, wrap=False)]
        if closed:
            edge = MAX_LAT if float(lat.mean()) > 0 else -MAX_LAT
            lat = np.concatenate([lat, [edge, edge]])
            lon = np.concatenate([lon, [lon[-1], lon[0]]])
        return [self._xy(lat, lon + shift, wrap=False) for shift in (-360.0, 0.0, 360.0)]

    def marker(self, lat: float, lon: float, colour: Colour, shape: str = "circle",
               size: float = 7.0) -> tuple[float, float]:
        """A marker centred on a point (``circle``, ``diamond``, ``star``); its pixel."""
        x, y = self.frame.to_pixel(lat, lon)
        cx, cy, r = x * self.s, y * self.s, size * self.s
        edge = max(1, round(1.5 * self.s))
        if shape == "diamond":
            pts = [(cx, cy - r), (cx + r, cy), (cx, cy + r), (cx - r, cy)]
            self.draw.polygon(pts, fill=colour, outline=HALO, width=edge)
        elif shape == "star":
            pts = []
            for i in range(10):
                rr = r * (1.35 if i % 2 == 0 else 0.6)
                a = math.pi / 2 + i * math.pi / 5
                pts.append((cx + rr * math.cos(a), cy - rr * math.sin(a)))
            self.draw.polygon(pts, fill=colour, outline=HALO, width=edge)
        else:
            self.draw.ellipse((cx - r, cy - r, cx + r, cy + r), fill=colour, outline=HALO,
                              width=edge)
        return x, y

    # -- the final picture ---------------------------------------------------------

    def finish(self) -> Image.Image:
        """Shrink the drawing to the frame's size; text goes on this picture."""
        if self.final is None:
            self.final = self.image.reduce(self.s)
        return self.final

    def text(self, xy: tuple[float, float], text: str, *, colour: Colour = INK, size: int = 13,
             bold: bool = False, anchor: str = "la") -> tuple[int, int, int, int]:
        """Text with a white halo on the final picture; returns its box."""
        draw = ImageDraw.Draw(self.finish())
        f = font(size, bold)
        draw.text(xy, text, fill=colour, font=f, anchor=anchor, stroke_width=2,
                  stroke_fill=HALO)
        box = draw.textbbox(xy, text, font=f, anchor=anchor, stroke_width=2)
        return (int(box[0]), int(box[1]), int(box[2]), int(box[3]))

    def scale_bar(self) -> None:
        """A bar of a round length at the bottom left, true at the centre's latitude."""
        img = self.finish()
        draw = ImageDraw.Draw(img)
        mpp = self.frame.metres_per_pixel
        length = nice_length(self.frame.width * 0.25 * mpp)
        if length <= 0:
            return
        px = length / mpp
        x0, y0 = 14, self.frame.height - 30
        draw.rectangle((x0 - 6, y0 - 20, x0 + px + 8, y0 + 14), fill=(255, 255, 255))
        half = px / 2
        draw.rectangle((x0, y0, x0 + half, y0 + 6), fill=INK)
        draw.rectangle((x0 + half, y0, x0 + px, y0 + 6), fill=HALO, outline=INK)
        draw.rectangle((x0, y0, x0 + px, y0 + 6), outline=INK)
        label = format_length(length)
        if self.frame.span_km > 500:
            label += f" at {abs(self.frame.lat):.0f}°{'N' if self.frame.lat >= 0 else 'S'}"
        draw.text((x0, y0 - 3), label, fill=INK, font=font(12), anchor="ld")

    def north_arrow(self) -> None:
        """An arrow pointing up (north is up everywhere on this projection), top right."""
        img = self.finish()
        draw = ImageDraw.Draw(img)
        cx, top = self.frame.width - 26, 12
        draw.ellipse((cx - 16, top, cx + 16, top + 44), fill=(255, 255, 255), outline=INK)
        draw.polygon([(cx, top + 5), (cx + 8, top + 27), (cx, top + 22), (cx - 8, top + 27)],
                     fill=INK)
        draw.text((cx, top + 39), "N", fill=INK, font=font(11, bold=True), anchor="ms")

    def credit(self, extra: Sequence[str] = ()) -> None:
        """The attribution line at the bottom right, on a white band."""
        img = self.finish()
        draw = ImageDraw.Draw(img)
        text = " · ".join([*self.attribution, *extra])
        f = font(10)
        box = draw.textbbox((0, 0), text, font=f)
        w, h = box[2] - box[0], box[3] - box[1]
        x1, y1 = self.frame.width, self.frame.height
        draw.rectangle((x1 - w - 8, y1 - h - 7, x1, y1), fill=(255, 255, 255))
        draw.text((x1 - 4, y1 - 3), text, fill=(70, 70, 70), font=f, anchor="rd")

    def inset(self, size: tuple[int, int] = (150, 96)) -> None:
        """A small world map with the picture's window marked, above the attribution."""
        world, picture = _world_inset(*size)
        pic = picture.copy()
        d = ImageDraw.Draw(pic)
        south, west, north, east = self.frame.bounds
        xs, ys = world.to_pixels([north, south], [west, east], wrap=False)
        x0, x1 = float(xs[0]), float(xs[1])
        y0, y1 = float(ys[0]), float(ys[1])
        if x1 - x0 < 6 or y1 - y0 < 6:
            cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
            d.ellipse((cx - 4, cy - 4, cx + 4, cy + 4), outline=(214, 39, 40), width=2)
        else:
            d.rectangle((x0, y0, x1, y1), outline=(214, 39, 40), width=2)
        d.rectangle((0, 0, size[0] - 1, size[1] - 1), outline=INK)
        self.finish().paste(pic, (self.frame.width - size[0] - 8,
                                  self.frame.height - size[1] - 24))


@lru_cache(maxsize=2)
def _world_inset(w: int, h: int) -> tuple[MapFrame, Image.Image]:
    """The world from about 75°N to 60°S, ``w`` pixels wide, drawn once per process."""
    frame = MapFrame(12.0, 0.0, math.log2(w / TILE), w, h)
    canvas = MapCanvas(frame)
    canvas.draw_outlines(rivers=False, borders=False)
    return frame, canvas.finish()


def _clip_ring(xy: np.ndarray, w: int, h: int) -> list[list[float]]:
    """A polygon that reaches beyond the picture, clipped to it (plus a margin): Pillow
    fills a polygon in time that grows with its edges, visible or not.

    Sutherland–Hodgman against the four sides, vectorised: the fill inside the window is
    kept for any ring, even one that rounding to pixels made self-intersecting; the
    edges it adds run along the margin, outside the picture.
    """
    m = 4.0
    pts = xy.astype(float)
    for axis, limit, keep_above in ((0, -m, True), (0, w + m, False), (1, -m, True),
                                    (1, h + m, False)):
        if len(pts) < 3:
            return []
        nxt = np.roll(pts, -1, axis=0)
        cur_in = pts[:, axis] >= limit if keep_above else pts[:, axis] <= limit
        nxt_in = np.roll(cur_in, -1)
        if cur_in.all():
            continue
        with np.errstate(divide="ignore", invalid="ignore"):  # edges along the side: unused
            t = (limit - pts[:, axis]) / (nxt[:, axis] - pts[:, axis])
            cross = pts + (nxt - pts) * t[:, None]
        cross[:, axis] = limit
        # each edge (cur -> nxt) emits: cur if inside, then the crossing if it changes side
        emit_cur = cur_in
        emit_cross = cur_in != nxt_in
        both = np.stack([pts, cross], axis=1)  # (n, 2, 2)
        mask = np.stack([emit_cur, emit_cross], axis=1)
        pts = both[mask]
    return [pts.ravel().tolist()] if len(pts) >= 3 else []


def circle_points(lat: float, lon: float, radius_km: float, n: int = 128) -> np.ndarray:
    """A circle on the sphere as an (n + 1, 2) array of (lat, lon), closed (within 0.5 %
    of the ellipsoid's geodesic circle, well under a pixel at any map scale)."""
    phi1, lmb1 = math.radians(lat), math.radians(lon)
    d = radius_km / EARTH_RADIUS_KM
    theta = np.radians(np.linspace(0.0, 360.0, n + 1))
    phi2 = np.arcsin(np.clip(math.sin(phi1) * math.cos(d)
                             + math.cos(phi1) * math.sin(d) * np.cos(theta), -1.0, 1.0))
    lmb2 = lmb1 + np.arctan2(np.sin(theta) * math.sin(d) * math.cos(phi1),
                             math.cos(d) - math.sin(phi1) * np.sin(phi2))
    out = np.column_stack([np.degrees(phi2), (np.degrees(lmb2) + 180.0) % 360.0 - 180.0])
    out[-1] = out[0]
    return out


def geojson_rings(geometry: dict) -> list[np.ndarray]:
    """The outer rings of a GeoJSON Polygon or MultiPolygon as (lat, lon) arrays."""
    if geometry.get("type") == "Polygon":
        polygons = [geometry.get("coordinates") or []]
    elif geometry.get("type") == "MultiPolygon":
        polygons = geometry.get("coordinates") or []
    else:
        return []
    out = []
    for rings in polygons:
        if rings and len(rings[0]) >= 3:
            arr = np.asarray([p[:2] for p in rings[0]], dtype=float)
            out.append(arr[:, ::-1])
    return out
