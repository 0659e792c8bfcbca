"""The ``ocr_signage`` clue tool: the text lines of the photo, as data for the text clues.

Text is not a place, so the finding has no constraint; the language and text-clue tools
interpret it. The summary quotes the text with ``repr``-style escaping, so a sign's text
cannot break the line it is shown on; the report escapes it again where it renders it.
"""

from __future__ import annotations

from typing import Any, ClassVar

from geosleuth_plugins.ocr_signage.engines import ENGINE_NAMES, engine
from geosleuth_plugins.ocr_signage.lines import TextLine
from pydantic import BaseModel, ConfigDict, Field

from geosleuth.errors import ToolError
from geosleuth.model import Finding
from geosleuth.text.quoting import quote
from geosleuth.tools.api import Availability, ClueTool, Coverage, Reveal, Stage
from geosleuth.tools.context import ToolContext

SUMMARY_LINES = 4
SUMMARY_CHARS = 40


def summarise(lines: list[TextLine]) -> str:
    if not lines:
        return "no text found"
    shown = ", ".join(quote(line.text, SUMMARY_CHARS) for line in lines[:SUMMARY_LINES])
    more = ", …" if len(lines) > SUMMARY_LINES else ""
    noun = "text line" if len(lines) == 1 else "text lines"
    return f"{len(lines)} {noun}: {shown}{more}"


class Options(BaseModel):
    """The ``[tools.ocr_signage]`` table."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    # 960 keeps a locate of a large photo fast; 1280 finds smaller text in larger photos
    # too, at about 1.8 times the detection's time and memory.
    detect_px: int = Field(
        960, ge=320, le=4096,
        description="long side (pixels) of the copy the text detector looks at; 1280 "
                    "finds smaller text, more slowly")
    # A photo at most this long is looked at whole (``rapidocr_engine.DET_WHOLE_UP_TO``):
    # 1280 reads the small text of real plates and signs of that size, but costs 0.2-0.9
    # CPU-s more a photo, most on photos without text; 0 (the default) shrinks every photo.
    whole_px: int = Field(
        0, ge=0, le=4096,
        description="a photo at most this long (pixels) is looked at whole, not shrunk to "
                    "detect_px: 1280 finds the small text of plates in such photos, more "
                    "slowly; 0: always shrink")
    # A photo at most this long whose shrunk look found small text is looked at again
    # whole (``rapidocr_engine.DET_SECOND_LOOK_UP_TO``).
    second_look_px: int = Field(
        1280, ge=0, le=4096,
        description="a photo at most this long (pixels) in which the shrunk look found "
                    "small text is looked at again whole; 0: never")


class OcrSignageTool(ClueTool):
    name = "ocr_signage"
    Options: ClassVar[type[BaseModel]] = Options
    reveals: ClassVar[frozenset[Reveal]] = frozenset({"photo_text"})
    stage: ClassVar[Stage | None] = "observe"
    example_args: ClassVar[dict[str, Any] | None] = {"region": [0.0, 0.0, 1.0, 0.5]}
    version = "1.0"
    description = (
        "Read the text in the photo (street signs, shop fronts, plates, posters) with OCR. "
        "Returns each text line with its position, confidence, engine and script; it "
        "gives no location by itself (pass the text to the language and text-clue tools). "
        "Use 'region' to zoom into part of the photo at full resolution, for example a "
        "distant sign; 'languages' to force Tesseract language packs."
    )
    parameters: ClassVar[dict[str, Any]] = {
        "type": "object",
        "properties": {
            "region": {
                "type": "array",
                "items": {"type": "number", "minimum": 0, "maximum": 1},
                "minItems": 4,
                "maxItems": 4,
                "description": "[x0, y0, x1, y1] as fractions of the image; zooms into it",
            },
            "engine": {
                "type": "string",
                "enum": ["auto", *ENGINE_NAMES],
                "description": "OCR engine; auto picks by script (default from settings)",
            },
            "languages": {
                "type": "array",
                "items": {"type": "string", "pattern": "^[a-z]{3}(_[a-z]{3,4})?$"},
                "description": "Tesseract language codes such as rus, kor, chi_sim",
            },
        },
        "additionalProperties": False,
    }
    cost = "local"
    basis = "read"

    def availability(self) -> Availability:
        status = {name: engine(name).availability() for name in ENGINE_NAMES}
        if any(s.available for s in status.values()):
            return Availability.ok()
        return Availability(False, "no OCR engine: " + "; ".join(
            f"{name}: {s.reason}" for name, s in status.items()))

    def coverage(self) -> list[Coverage]:
        from geosleuth_plugins.ocr_signage.coverage import script_coverage

        return script_coverage()

    def run(self, ctx: ToolContext, args: dict[str, Any]) -> Finding:
        from geosleuth_plugins.ocr_signage.onnx_models import use_cache
        from geosleuth_plugins.ocr_signage.reading import read_image

        use_cache(ctx.settings.cache_dir)  # flushed models are derived once, kept there
        choice = str(args.get("engine") or ctx.settings.ocr_engine or "auto")
        region = args.get("region")
        if region is not None:
            x0, y0, x1, y1 = (float(v) for v in region)
            if not (0 <= x0 < x1 <= 1 and 0 <= y0 < y1 <= 1):
                raise ToolError(f"region {region} must be fractions with x0 < x1 and y0 < y1")
        image = ctx.image
        # the executor passes the [tools.ocr_signage] table; a context built by hand has none
        options = ctx.options if isinstance(ctx.options, Options) else Options()
        try:
            result = read_image(image, choice=choice, languages=tuple(args.get("languages", ())),
                                region=region, detect_px=options.detect_px,
                                whole_px=options.whole_px,
                                second_look_px=options.second_look_px)
        except ValueError as exc:
            raise ToolError(f"ocr_signage: {exc}") from None
        data: dict[str, Any] = {
            "lines": [line.as_dict() for line in result.lines],
            "engines": result.engines,
            "zoomed_regions": result.zoomed_regions,
            "image_size": [image.width, image.height],
        }
        if region is not None:
            data["region"] = [float(v) for v in region]
        if result.notes:
            data["notes"] = result.notes
        summary = summarise(result.lines)
        if result.notes:  # what could not be read, and the command that would read it
            more = f" (+{len(result.notes) - 1} more)" if len(result.notes) > 1 else ""
            summary += f"; note: {result.notes[0]}{more}"
        return Finding(summary=summary, data=data)
