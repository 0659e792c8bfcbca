"""place_lookup: the offline gazetteer as clue tools (name -> places, point -> names)."""

from geosleuth_plugins.place_lookup.lookup_tool import PlaceLookupTool
from geosleuth_plugins.place_lookup.reverse_tool import ReverseGeocodeTool

from geosleuth.tools.api import ClueTool


def tools() -> list[ClueTool]:
    return [PlaceLookupTool(), ReverseGeocodeTool()]


__all__ = ["PlaceLookupTool", "ReverseGeocodeTool", "tools"]
