"""Sun and shadows: the ``sun_angle`` and ``timezone_check`` clue tools.

Modules: ``inputs`` (arguments, else the investigator's clues, else EXIF), ``sun_angle``
(the locus of a measured sun at the capture time, and chronolocation at a candidate),
``timezone_check`` (the EXIF UTC offset against the world's legal time zones).
"""

from geosleuth_plugins.sun_angle.sun_angle import SunAngleTool
from geosleuth_plugins.sun_angle.timezone_check import TimezoneCheckTool

from geosleuth.tools.api import ClueTool

__all__ = ["SunAngleTool", "TimezoneCheckTool", "tools"]


def tools() -> list[ClueTool]:
    """The entry point of ``geosleuth.tools``: this plugin's tools."""
    return [SunAngleTool(), TimezoneCheckTool()]
