"""Raster XYZ tiles for a map view, fetched through ``geosleuth.net`` (cache, rate limit,
retry, egress record) when network use is on.

A tile source is a URL template with ``{z}``, ``{x}`` and ``{y}`` (``{s}`` a subdomain
letter, ``{key}`` an API key read from the environment variable the config names, so
that no key is ever written into a config dump, a case or an egress record). Tiles are
asked at the whole zoom nearest the view's, cached a week (OpenStreetMap's tile usage
policy: a User-Agent naming the application, no more than needed, a low rate, caching),
pasted into a mosaic and scaled to the view.
"""

from __future__ import annotations

import io
import math
import os
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from PIL import Image

from geosleuth.errors import ConfigError, NetworkError
from geosleuth.report.mapdraw import TILE, MapFrame, _mercator

TILE_MAX_AGE_S = 7 * 24 * 3600.0
MAX_TILES = 36  # a view never asks for more tiles than this
MISSING = (225, 225, 225)


@dataclass(frozen=True)
class TileSource:
    template: str
    attribution: str
    max_zoom: int = 19
    key_env: str | None = None

    @property
    def host(self) -> str:
        return urlsplit(self.template.replace("{s}", "a")).netloc

    def url(self, z: int, x: int, y: int) -> str:
        values = {"z": z, "x": x, "y": y, "s": "abc"[(x + y) % 3]}
        if "{key}" in self.template:
            key = os.environ.get(self.key_env or "", "")
            if not key:
                raise ConfigError(
                    f"the tile URL needs an API key: set the environment variable named by"
                    f" [tools.map_view] tile_key_env ({self.key_env or 'unset'})")
            values["key"] = key
        url = self.template
        for name, value in values.items():
            url = url.replace("{" + name + "}", str(value))
        return url


@dataclass
class TileStats:
    """Tiles a view used: asked of the server, from the cache, failed."""

    fetched: int = 0
    cached: int = 0
    failed: int = 0
    hosts: set[str] = field(default_factory=set)
    problem: str | None = None


def tile_zoom(frame: MapFrame, max_zoom: int) -> int:
    return max(0, min(max_zoom, round(frame.zoom)))


def tiles_for(frame: MapFrame, z: int) -> tuple[list[tuple[int, int]], float, float, float]:
    """The tiles (x, y) at zoom ``z`` covering the frame, the frame's top-left corner in
    that zoom's world pixels, and the frame's width in them."""
    n = 2 ** z
    cx, cy = _mercator(frame.lat, frame.lon)
    factor = 2.0 ** (z - frame.zoom)
    width, height = frame.width * factor, frame.height * factor
    left = float(cx) * n * TILE - width / 2.0
    top = float(cy) * n * TILE - height / 2.0
    xs = range(math.floor(left / TILE), math.floor((left + width - 1e-9) / TILE) + 1)
    ys = range(max(0, math.floor(top / TILE)),
               min(n - 1, math.floor((top + height - 1e-9) / TILE)) + 1)
    return [(x, y) for y in ys for x in xs], left, top, width


def tile_mosaic(frame: MapFrame, source: TileSource, client: object,
                stats: TileStats) -> Image.Image:
    """The frame filled with the source's tiles (``client``: a ``geosleuth.net.HttpClient``);
    a tile that cannot be had is left grey and counted in ``stats``."""
    z = tile_zoom(frame, source.max_zoom)
    tiles, left, top, width = tiles_for(frame, z)
    if len(tiles) > MAX_TILES:
        raise ConfigError(f"the view needs {len(tiles)} tiles; make it smaller")
    n = 2 ** z
    x0 = min(x for x, _ in tiles)
    y0 = min(y for _, y in tiles)
    cols = max(x for x, _ in tiles) - x0 + 1
    rows = max(y for _, y in tiles) - y0 + 1
    mosaic = Image.new("RGB", (cols * TILE, rows * TILE), MISSING)
    for x, y in tiles:
        url = source.url(z, x % n, y)
        try:
            resp = client.get(url, what=f"GET map tile {z}/{x % n}/{y}",  # type: ignore[attr-defined]
                              max_age_s=TILE_MAX_AGE_S)
            with Image.open(io.BytesIO(resp.body)) as tile:
                picture = tile.convert("RGB")
        except NetworkError as exc:
            stats.failed += 1
            stats.problem = str(exc)
            continue
        except OSError as exc:  # not an image
            stats.failed += 1
            stats.problem = f"{source.host} sent a tile that is not an image ({exc})"
            continue
        if resp.from_cache:
            stats.cached += 1
        else:
            stats.fetched += 1
        stats.hosts.add(resp.host)
        if picture.size != (TILE, TILE):
            picture = picture.resize((TILE, TILE))
        mosaic.paste(picture, ((x - x0) * TILE, (y - y0) * TILE))
    factor = 2.0 ** (z - frame.zoom)
    box = (left - x0 * TILE, top - y0 * TILE, left - x0 * TILE + width,
           top - y0 * TILE + frame.height * factor)
    return mosaic.resize((frame.width, frame.height), Image.Resampling.BILINEAR, box=box)
