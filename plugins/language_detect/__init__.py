"""language_detect: the scripts and languages of text read in the photo, and a country prior."""

from geosleuth_plugins.language_detect.tool import LanguageDetectTool

from geosleuth.tools.api import ClueTool


def tools() -> list[ClueTool]:
    return [LanguageDetectTool()]


__all__ = ["LanguageDetectTool", "tools"]
