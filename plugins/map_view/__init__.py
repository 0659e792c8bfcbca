"""map_view: a picture of the map around a place, for a reasoner that sees images.

Given a centre and a zoom, or a box, and a layer (``map`` or ``satellite``), the tool
draws a 640 px view with a scale bar, a north arrow, the path's hypotheses and located
evidence, and an attribution line. The ``map`` layer is drawn from the imported OSM
extracts (roads by class, railways, water, coastline, buildings, land use, named places,
streets and points of interest); when no imported region covers the view and network
use is on, from raster tiles (OpenStreetMap's standard tiles unless the config names
others). The ``satellite`` layer needs network use and a tile provider the user names in
``[tools.map_view]`` with its attribution.

The picture is kept by its hash in ``<cache_dir>/views`` (``geosleuth.tools.views``):
the model sees it at its next step, the case folder keeps it as ``view-E<n>.png`` and
the reports show it. A view locates nothing by itself: its evidence has no constraint.
"""

from __future__ import annotations

import math
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field, model_validator

from geosleuth.errors import BadInputError, ConfigError, ToolError
from geosleuth.model import Finding
from geosleuth.tools.api import ClueTool, Stage
from geosleuth.tools.context import ToolContext
from geosleuth.tools.plan import PlanInput
from geosleuth.tools.views import save_view

OSM_TILES = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
OSM_ATTRIBUTION = "© OpenStreetMap contributors"
# The offline plan looks at its leading hypothesis when it is this small (a street or a
# place matched on the map): at a zoom showing about 3 times its circle, 600 m at least.
OFFLINE_VIEW_MAX_KM = 2.0
MIN_SPAN_M = 600.0


class Options(BaseModel):
    """The ``[tools.map_view]`` table."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    map_tiles: str = Field(OSM_TILES, description="XYZ URL template of the map layer's tiles")
    map_attribution: str = OSM_ATTRIBUTION
    map_max_zoom: int = Field(19, ge=0, le=22)
    satellite_tiles: str | None = Field(
        None, description="XYZ URL template of a satellite imagery provider you may use")
    satellite_attribution: str | None = None
    satellite_max_zoom: int = Field(18, ge=0, le=22)
    tile_key_env: str | None = Field(
        None, description="environment variable whose value fills {key} in a tile URL")
    tile_interval_s: float = Field(
        0.5, ge=0, description="seconds between two tile requests to one server")

    @model_validator(mode="after")
    def _check(self) -> Options:
        for name in ("map_tiles", "satellite_tiles"):
            value = getattr(self, name)
            if value is not None and not (value.startswith(("http://", "https://"))
                                          and all(k in value for k in ("{z}", "{x}", "{y}"))):
                raise ValueError(f"{name} must be an http(s) URL with {{z}}, {{x}} and {{y}}")
        if self.satellite_tiles and not self.satellite_attribution:
            raise ValueError("satellite_tiles needs satellite_attribution (the provider's"
                             " required credit)")
        return self


def _number(lo: float, hi: float, desc: str) -> dict[str, Any]:
    return {"type": "number", "minimum": lo, "maximum": hi, "description": desc}


PARAMETERS: dict[str, Any] = {
    "type": "object",
    "properties": {
        "lat": _number(-85, 85, "latitude of the view's centre"),
        "lon": _number(-180, 180, "longitude of the view's centre"),
        "zoom": _number(3, 19, "web map zoom: 17 about 600 m across, 15 about 2.4 km, "
                               "13 about 10 km, 11 about 40 km (at mid latitudes)"),
        "box": {"type": "array", "items": {"type": "number"}, "minItems": 4, "maxItems": 4,
                "description": "instead of a centre: [south, west, north, east] in degrees"},
        "layer": {"type": "string", "enum": ["map", "satellite"],
                  "description": "map (streets, water, buildings; default) or satellite"},
        "why": {"type": "string", "maxLength": 200,
                "description": "what you want to compare with the photo"},
    },
    "oneOf": [{"required": ["lat", "lon"]}, {"required": ["box"]}],
    "additionalProperties": False,
}


def _check_box(box: list[float]) -> None:
    south, west, north, east = box
    if not (-85 <= south < north <= 85 and -180 <= west < east <= 180):
        raise ToolError("box must be [south, west, north, east] with south < north and"
                        " west < east, in degrees")
    if (north - south) > 20 or (east - west) > 30:
        raise ToolError("the box spans more than 20° of latitude or 30° of longitude;"
                        " a map view is for a city, a district or a street")


class MapView(ClueTool):
    name: ClassVar[str] = "map_view"
    version: ClassVar[str] = "1.0"
    stage: ClassVar[Stage | None] = "verify"
    shows_image: ClassVar[bool] = True
    basis = "computed"
    Options: ClassVar[type[BaseModel]] = Options
    example_args: ClassVar[dict[str, Any] | None] = {
        "lat": 47.1410, "lon": 9.5215, "zoom": 16, "layer": "map"}
    description: ClassVar[str] = (
        "See a map of a place to compare it with the photo: the road layout, rivers and "
        "coast, railways, buildings, parks and fields, street and place names. Give a "
        "centre (lat, lon) and a zoom (17: a street, 15: a district, 13: a town), or a box; "
        "layer map (default) or satellite (when the user configured a provider). Your "
        "hypotheses (H…) and located evidence (E…) are drawn on it. The picture is shown to "
        "you at the next step. It adds no location evidence by itself."
    )
    parameters: ClassVar[dict[str, Any]] = PARAMETERS

    def cache_key(self, ctx: ToolContext, args: dict[str, Any]) -> str | None:
        return None  # draws the path's hypotheses and evidence, which change

    def offline_calls(self, plan: PlanInput) -> list[dict[str, Any]]:
        """A view of the path's hypothesis when a name read in the photo located it (a
        street or a shop on a sign matched on the map) to a street's or a place's size:
        the investigator sees the match and what lies around it. The view changes no
        verdict (it has no constraint)."""
        if not plan.hypotheses:
            return []
        h = plan.hypotheses[plan.path % len(plan.hypotheses)] if plan.path else plan.hypotheses[0]
        if h.id not in plan.read_located or h.radius_km > OFFLINE_VIEW_MAX_KM:
            return []
        from geosleuth_plugins.map_view.render import zoom_for_span

        span = max(MIN_SPAN_M, 3000.0 * h.radius_km)
        return [{"lat": round(h.lat, 6), "lon": round(h.lon, 6),
                 "zoom": round(zoom_for_span(h.lat, span), 2), "layer": "map",
                 "why": f"the area of {h.id}"}]

    def run(self, ctx: ToolContext, args: dict[str, Any]) -> Finding:
        from geosleuth_plugins.map_view.render import frame_for, png_bytes

        if "box" in args:
            _check_box(args["box"])
        layer = args.get("layer", "map")
        frame = frame_for(args)
        marks, withheld = self._marks(ctx)
        options: Options = ctx.options  # type: ignore[assignment]
        if layer == "satellite":
            rendered, note, host, stats = self._tiles(ctx, options, frame, marks, satellite=True)
        else:
            indexes = self._regions(ctx, frame)
            if not indexes and ctx.settings.network:
                rendered, note, host, stats = self._tiles(ctx, options, frame, marks,
                                                          satellite=False)
            else:
                from geosleuth_plugins.map_view.render import render_offline

                rendered = render_offline(frame, indexes, marks)
                host, stats = None, None
                if rendered.ways:
                    note = f"from the imported regions {', '.join(rendered.regions)}"
                elif rendered.regions:
                    note = (f"the imported regions {', '.join(rendered.regions)} have no ways"
                            f" here: {rendered.labels} names over coasts and borders")
                else:
                    note = ("no imported region covers this view: coasts and borders only"
                            + ("" if ctx.settings.network else
                               " (import an extract or enable network use for a street map)"))
        png = png_bytes(rendered.image)
        sha = save_view(ctx.settings.cache_dir, png)
        south, west, north, east = frame.bounds
        span_m = frame.span_km * 1000.0
        view: dict[str, Any] = {
            "sha256": sha, "width": frame.width, "height": frame.height, "layer": layer,
            "source": "tiles" if host else "offline", "centre": [round(frame.lat, 6),
                                                                  round(frame.lon, 6)],
            "zoom": round(frame.zoom, 2),
            "bounds": [round(v, 6) for v in (south, west, north, east)],
            "metres_per_pixel": round(frame.metres_per_pixel, 3), "png_bytes": len(png),
            "attribution": rendered.attribution, "drawn": sorted(marks.drawn),
        }
        if rendered.regions:
            view["regions"] = list(rendered.regions)
            view["ways"] = rendered.ways
        if stats is not None:
            view["tiles"] = {"fetched": stats.fetched, "cached": stats.cached,
                             "failed": stats.failed}
        if withheld:
            view["withheld"] = withheld
        shown = f"; shows {', '.join(sorted(marks.drawn))}" if marks.drawn else ""
        if withheld:
            shown += f"; leaves out {', '.join(withheld)} (from camera metadata)"
        return Finding(
            summary=(f"{layer} view, {_span(span_m)} across around {frame.lat:.5f},"
                     f" {frame.lon:.5f} (zoom {frame.zoom:.1f}), {note}{shown}"),
            data={"view": view, "why": args.get("why", "")},
            host=host,
        )

    @staticmethod
    def _marks(ctx: ToolContext) -> tuple[Any, list[str]]:
        """What the view draws: the hypotheses and located evidence, less what rests on
        camera metadata unless metadata may be sent (a picture cannot be redacted later:
        a model that must not see the GPS position must not see it drawn either)."""
        from geosleuth_plugins.map_view.render import Marks

        hypotheses, evidence = list(ctx.hypotheses()), list(ctx.evidence)
        withheld: list[str] = []
        if not ctx.settings.send_metadata:
            meta = {e.id for e in evidence
                    if "camera_metadata" in e.reveals and e.constraint is not None}
            withheld = [e.id for e in evidence if e.id in meta]
            withheld += [h.id for h in hypotheses if meta & set(h.supported_by)]
            evidence = [e for e in evidence if e.id not in meta]
            hypotheses = [h for h in hypotheses if not meta & set(h.supported_by)]
        return Marks(hypotheses=tuple(hypotheses), evidence=tuple(evidence)), withheld

    @staticmethod
    def _regions(ctx: ToolContext, frame: Any) -> list[tuple[str, Any]]:
        from geosleuth.maps.regions import RegionStore, boxes_meet

        store = RegionStore.shared(ctx.settings.data_dir)
        south, west, north, east = frame.bounds
        out = []
        for info in store.list():
            if info.bbox is None or not boxes_meet(info.bbox, (south, west, north, east)):
                continue
            try:
                out.append((info.name, store.open(info.name)))
            except BadInputError as exc:
                raise ToolError(str(exc)) from None
        return out

    def _tiles(self, ctx: ToolContext, options: Options, frame: Any, marks: Any, *,
               satellite: bool) -> tuple[Any, str, str | None, Any]:
        from geosleuth_plugins.map_view.render import render_tiles
        from geosleuth_plugins.map_view.tiles import TileSource, TileStats, tile_mosaic

        from geosleuth.net.client import HttpClient

        if not ctx.settings.network:
            raise ToolError(
                ("a satellite view needs" if satellite else "no imported region covers this"
                 " view, and tiles need") + " network use: enable it with GEOSLEUTH_NETWORK=1"
                " or 'network = true' in the config")
        if satellite:
            if not options.satellite_tiles:
                raise ToolError("no satellite imagery provider is configured: set"
                                " satellite_tiles and satellite_attribution in"
                                " [tools.map_view] (a provider whose terms you accept)")
            source = TileSource(options.satellite_tiles, options.satellite_attribution or "",
                                options.satellite_max_zoom, options.tile_key_env)
        else:
            source = TileSource(options.map_tiles, options.map_attribution,
                                options.map_max_zoom, options.tile_key_env)
        client = HttpClient.from_settings(
            ctx.settings, limits={source.host: options.tile_interval_s},
            on_egress=lambda host, what: ctx.record_egress(host, what, self.name))
        stats = TileStats()
        try:
            picture = tile_mosaic(frame, source, client, stats)
        except ConfigError as exc:
            raise ToolError(str(exc)) from None
        finally:
            client.close()
        if stats.failed and not (stats.fetched or stats.cached):
            raise ToolError(f"no tile of the view could be had: {stats.problem}")
        rendered = render_tiles(frame, picture, source.attribution, marks)
        note = f"tiles from {source.host}"
        if stats.failed:
            note += f" ({stats.failed} missing: {stats.problem})"
        return rendered, note, source.host, stats


def _span(metres: float) -> str:
    return f"{metres / 1000:.1f} km" if metres >= 1000 else f"{math.ceil(metres / 10) * 10:.0f} m"


def tools() -> list[ClueTool]:
    return [MapView()]
