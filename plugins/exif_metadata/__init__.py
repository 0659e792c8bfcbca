"""The ``exif_metadata`` clue tool and ``read_metadata``, the same facts as a plain function.

Modules: ``reading`` (raw tags from exifread, Pillow as fallback), ``fields`` (tags to
values: GPS, times), ``camera`` (camera name, phones, editors), ``metadata``
(``read_metadata``: each field read on its own, numbers finite and bounded), ``tool``
(the ClueTool and its findings).
"""

from geosleuth_plugins.exif_metadata.metadata import read_metadata
from geosleuth_plugins.exif_metadata.tool import ExifMetadataTool, findings_for, offset_band

from geosleuth.tools.api import ClueTool

__all__ = ["ExifMetadataTool", "findings_for", "offset_band", "read_metadata", "tools"]


def tools() -> list[ClueTool]:
    """The entry point of ``geosleuth.tools``: this plugin's tools."""
    return [ExifMetadataTool()]
