"""map_view: way geometry in the map index, views drawn from an OSM file the test writes
(pixels checked), raster tiles from a local tile server (rate limit, cache, no key in any
output), and an index of an older schema refused in one line."""

from __future__ import annotations

import io
import json
import sqlite3
import time
from pathlib import Path
from typing import Any

import pytest
from geosleuth_plugins.map_view import MapView
from geosleuth_plugins.map_view.render import frame_for
from maps_helpers import ROAD_LAT, LocalServer, Reply, Request, make_settings
from PIL import Image

from geosleuth.errors import ToolError
from geosleuth.maps.regions import RegionStore
from geosleuth.model import Case, Evidence, Hypothesis, PointConstraint
from geosleuth.model.case import ImageInfo
from geosleuth.settings import Settings
from geosleuth.tools.context import ToolContext, tool_options
from geosleuth.tools.views import load_view

PRIMARY = (252, 214, 164)
BLUE = (31, 119, 180)  # a hypothesis marker
PURPLE = (123, 63, 160)  # located evidence


def case() -> Case:
    return Case(image=ImageInfo(path="photo.jpg", sha256="0" * 64, width=10, height=10,
                                format="JPEG", size_bytes=1))


def context(settings: Settings, hypotheses: list[Hypothesis] = (),  # type: ignore[assignment]
            evidence: list[Evidence] = ()) -> ToolContext:  # type: ignore[assignment]
    tool = MapView()
    return ToolContext(case=case(), settings=settings, evidence=list(evidence),
                       hypotheses=lambda: hypotheses, options=tool_options(settings, tool))


def picture(settings: Settings, data: dict[str, Any]) -> Image.Image:
    png = load_view(settings.cache_dir, data["view"]["sha256"])
    assert png is not None
    return Image.open(io.BytesIO(png)).convert("RGB")


def near(pixel: tuple[int, ...], colour: tuple[int, int, int], tol: int = 12) -> bool:
    return all(abs(a - b) <= tol for a, b in zip(pixel, colour, strict=False))


def test_an_index_of_an_older_schema_is_a_tool_error(streets: Settings) -> None:
    path = RegionStore(streets.data_dir).root / "streets.sqlite"
    db = sqlite3.connect(path)
    with db:
        db.execute("UPDATE meta SET value = '1' WHERE key = 'schema'")
    db.close()
    with pytest.raises(ToolError, match="import it again"):
        MapView().run(context(streets), {"lat": 47.0, "lon": 9.0, "zoom": 16})


def test_a_view_draws_the_road_where_it_runs_and_the_marks_where_they_are(
        streets: Settings) -> None:
    h = Hypothesis(id="H1", lat=47.0015, lon=8.9975, radius_km=0.05, score=0.6)
    e = Evidence(id="E4", tool="map_search", tool_version="1", summary="a café",
                 constraint=PointConstraint(lat=46.9985, lon=9.0025, radius_km=0.05,
                                            strength=0.5))
    args = {"lat": 47.0, "lon": 9.0, "zoom": 17}
    found = MapView().run(context(streets, [h], [e]), args)
    assert found.constraint is None and found.host is None
    view = found.data["view"]
    assert view["source"] == "offline" and view["regions"] == ["streets"]
    assert view["drawn"] == ["E4", "H1"]
    assert "Map data © OpenStreetMap contributors" in view["attribution"]
    img = picture(streets, found.data)
    assert img.size == (640, 640)
    frame = frame_for(args)
    for lon in (8.9980, 9.0012, 9.0030):  # along the road, away from labels and marks
        x, y = frame.to_pixel(ROAD_LAT, lon)
        assert near(img.getpixel((round(x), round(y))), PRIMARY), lon
    x, y = frame.to_pixel(ROAD_LAT + 0.0006, 9.0025)  # 67 m north: no road
    assert not near(img.getpixel((round(x), round(y))), PRIMARY)
    x, y = frame.to_pixel(h.lat, h.lon)
    assert near(img.getpixel((round(x), round(y))), BLUE, 20)
    x, y = frame.to_pixel(46.9985, 9.0025)
    assert near(img.getpixel((round(x), round(y))), PURPLE, 20)


def test_a_box_frames_the_view_and_a_bad_box_is_refused(streets: Settings) -> None:
    found = MapView().run(context(streets), {"box": [46.995, 8.995, 47.005, 9.005]})
    s, w, n, e = found.data["view"]["bounds"]
    assert s <= 46.995 and n >= 47.005 and w <= 8.995 and e >= 9.005
    assert (n - s) < 0.02  # fitted, not the whole world
    with pytest.raises(ToolError, match="south < north"):
        MapView().run(context(streets), {"box": [47.0, 9.0, 46.0, 9.1]})


def test_satellite_needs_network_and_a_provider(tmp_path: Path) -> None:
    settings = make_settings(tmp_path)
    with pytest.raises(ToolError, match="network use"):
        MapView().run(context(settings), {"lat": 47.0, "lon": 9.0, "layer": "satellite"})
    online = make_settings(tmp_path, network=True)
    with pytest.raises(ToolError, match="no satellite imagery provider"):
        MapView().run(context(online), {"lat": 47.0, "lon": 9.0, "layer": "satellite"})


def _tile(colour: tuple[int, int, int]) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (256, 256), colour).save(buf, format="PNG")
    return buf.getvalue()


def tile_server(req: Request) -> Reply:
    if req.path.endswith(".png"):
        return 200, {"Content-Type": "image/png"}, _tile((40, 160, 60))
    return 404, {}, b"no"


def test_tiles_come_through_the_network_layer_rate_limited_and_cached(
        server: LocalServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    server.route = tile_server
    stamps: list[float] = []
    original = server.answer

    def stamped(req: Request) -> Reply:
        stamps.append(time.monotonic())
        return original(req)

    server.answer = stamped  # type: ignore[method-assign]
    monkeypatch.setenv("TEST_TILE_KEY", "SECRET-KEY-123")
    settings = make_settings(tmp_path, network=True, tools={"map_view": {
        "satellite_tiles": server.url + "/sat/{z}/{x}/{y}.png?key={key}",
        "satellite_attribution": "Imagery © Test Provider",
        "tile_key_env": "TEST_TILE_KEY", "tile_interval_s": 0.05}})
    ctx = context(settings)
    args = {"lat": 47.0, "lon": 9.0, "zoom": 15, "layer": "satellite"}
    found = MapView().run(ctx, args)
    first = len(server.requests)
    assert 9 <= first <= 16  # 640 px at a whole zoom: 2.5 tiles a side, 4 x 4 at most
    assert all(r.path.startswith("/sat/15/") for r in server.requests)
    assert all(r.query["key"] == ["SECRET-KEY-123"] for r in server.requests)
    assert all(r.headers["User-Agent"].startswith("geosleuth/") for r in server.requests)
    # one server, one request at a time, 50 ms apart (measured where they arrive, so a
    # single gap may shrink by the server's own delays; their sum may not)
    assert stamps[-1] - stamps[0] >= 0.05 * (first - 1) - 0.02
    view = found.data["view"]
    assert view["source"] == "tiles" and view["tiles"]["fetched"] == first
    assert "Imagery © Test Provider" in view["attribution"]
    assert found.host == server.url.split("//")[1]
    img = picture(settings, found.data)
    assert near(img.getpixel((320, 200)), (40, 160, 60))  # the tiles fill the view
    # no key anywhere: finding, egress record
    dumped = json.dumps([found.model_dump(mode="json"), [e.as_dict() for e in ctx.egress]])
    assert "SECRET-KEY-123" not in dumped and "key=" not in dumped
    assert ctx.egress and ctx.egress[0].what.startswith("GET map tile 15/")
    # the same view again: every tile from the cache, no request
    again = MapView().run(context(settings), args)
    assert len(server.requests) == first
    assert again.data["view"]["tiles"] == {"fetched": 0, "cached": first, "failed": 0}


def test_the_map_layer_uses_tiles_only_where_no_region_is_imported(
        server: LocalServer, tmp_path: Path) -> None:
    server.route = tile_server
    settings = make_settings(tmp_path, network=True, tools={"map_view": {
        "map_tiles": server.url + "/osm/{z}/{x}/{y}.png", "tile_interval_s": 0}})
    found = MapView().run(context(settings), {"lat": 47.0, "lon": 9.0, "zoom": 14})
    assert found.data["view"]["source"] == "tiles" and server.requests
    offline = make_settings(tmp_path / "off")
    plain = MapView().run(context(offline), {"lat": 47.0, "lon": 9.0, "zoom": 14})
    assert plain.data["view"]["source"] == "offline"
    assert "coasts and borders only" in plain.summary


def test_marks_from_camera_metadata_are_drawn_only_when_metadata_may_be_sent(
        streets: Settings) -> None:
    gps = Evidence(id="E1", tool="exif_metadata", tool_version="1", summary="GPS",
                   reveals=("camera_metadata",),
                   constraint=PointConstraint(lat=47.001, lon=9.001, radius_km=0.05,
                                              strength=0.99))
    h1 = Hypothesis(id="H1", lat=47.001, lon=9.001, radius_km=0.05, score=0.9,
                    supported_by=["E1"])
    h2 = Hypothesis(id="H2", lat=46.999, lon=8.999, radius_km=0.05, score=0.1)
    args = {"lat": 47.0, "lon": 9.0, "zoom": 17}
    found = MapView().run(context(streets, [h1, h2], [gps]), args)
    assert found.data["view"]["drawn"] == ["H2"]
    assert found.data["view"]["withheld"] == ["E1", "H1"]
    assert "leaves out E1, H1 (from camera metadata)" in found.summary
    img = picture(streets, found.data)
    x, y = frame_for(args).to_pixel(47.001, 9.001)
    assert not near(img.getpixel((round(x), round(y))), BLUE, 30)
    sending = streets.model_copy(update={"send_metadata": True})
    shown = MapView().run(context(sending, [h1, h2], [gps]), args)
    assert shown.data["view"]["drawn"] == ["E1", "H1", "H2"]


def test_the_case_map_draws_the_imported_streets_in_a_close_view(streets: Settings) -> None:
    from geosleuth.report.casemap import case_frame, render_case_map

    record = {"verdict": {"lat": 47.02, "lon": 9.0, "radius_km": 0.3, "confidence": 0.8,
                          "level": "street", "place": "Testdorf"},
              "hypotheses": [], "evidence": [],
              "settings": {"data_dir": str(streets.data_dir)}}
    frame = case_frame(record)
    img = render_case_map(record, places=None)
    x, y = frame.to_pixel(ROAD_LAT, 9.0030)  # 2.2 km south of the verdict
    assert near(img.getpixel((round(x), round(y))), PRIMARY, 30)
    record["settings"] = {}  # no data folder: coasts and borders only
    bare = render_case_map(record, places=None)
    assert not near(bare.getpixel((round(x), round(y))), PRIMARY, 30)
