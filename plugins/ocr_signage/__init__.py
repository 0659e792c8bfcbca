"""The ocr_signage clue tool: text on signs read by RapidOCR, Tesseract or EasyOCR."""

from __future__ import annotations

from geosleuth.tools.api import ClueTool


def tools() -> list[ClueTool]:
    from geosleuth_plugins.ocr_signage.tool import OcrSignageTool

    return [OcrSignageTool()]
