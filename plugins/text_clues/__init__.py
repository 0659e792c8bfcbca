"""text_clues: place names, phones, web addresses, postcodes, plates, prices, roads, distances."""

from geosleuth_plugins.text_clues.tool import TextCluesTool

from geosleuth.tools.api import ClueTool


def tools() -> list[ClueTool]:
    return [TextCluesTool()]


__all__ = ["TextCluesTool", "tools"]
