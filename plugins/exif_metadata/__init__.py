"""EXIF metadata clue tool (placeholder until the tool lands)."""

from geosleuth.tools.api import ClueTool


def tools() -> list[ClueTool]:
    return []
