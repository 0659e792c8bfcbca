"""Text lines as the OCR engines report them, and the geometry to crop and map them.

A ``TextLine`` holds the text, its quadrilateral (clockwise from top-left) in the pixel
coordinates of some image, a confidence in 0..1, the engine that read it and its script.
``crop_quad`` cuts a quadrilateral out of an image as an upright rectangle (a perspective
warp, so tilted signs come out level), at a chosen output height.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
from PIL import Image

Point = tuple[float, float]


SURE_FROM = {"rapidocr": 0.75}  # the confidence from which an engine's reading is sure


@dataclass(frozen=True)
class TextLine:
    text: str
    polygon: tuple[Point, ...]
    confidence: float
    engine: str
    script: str = ""
    notes: tuple[str, ...] = field(default=())
    doubt: str = ""  # why the reading is not sure whatever its confidence ("" if none)
    echo: str = ""  # the photo's Latin line that spells this reading out (``parallel``)

    @property
    def bbox(self) -> tuple[float, float, float, float]:
        xs = [p[0] for p in self.polygon]
        ys = [p[1] for p in self.polygon]
        return min(xs), min(ys), max(xs), max(ys)

    @property
    def height(self) -> float:
        """Height of the line: the shorter side pair of the quadrilateral, averaged."""
        return quad_size(self.polygon)[1]

    def scaled(self, factor: float, offset: Point = (0.0, 0.0)) -> TextLine:
        """The same line with its polygon multiplied by ``factor`` then shifted by ``offset``."""
        poly = tuple((x * factor + offset[0], y * factor + offset[1]) for x, y in self.polygon)
        return replace(self, polygon=poly)

    @property
    def sure(self) -> bool:
        """Whether the reading is sure enough to take clues from. RapidOCR's confidence
        separates its readings well: right ones score 0.9 and more, while a script it
        cannot read comes out as look-alike Han or Latin letters at 0.5 to 0.6 (Bengali
        signs of the real-photo benchmark). Tesseract's does not (a right Devanagari line
        at 0.56, Thai look-alikes of Odia at 0.8): its lines were already chosen by the
        reading's scoring and all count, unless the scoring left a ``doubt`` (a script
        whose look-alikes it could not rule out, see ``lookalikes``)."""
        return not self.doubt and float(self.confidence) >= SURE_FROM.get(self.engine, 0.0)

    def as_dict(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "polygon": [[round(x, 1), round(y, 1)] for x, y in self.polygon],
            "confidence": round(float(self.confidence), 4),
            "engine": self.engine,
            "script": self.script,
            "sure": self.sure,
            **({"doubt": self.doubt} if self.doubt else {}),
            **({"spelled_out_by": self.echo} if self.echo else {}),
        }


def box_polygon(x0: float, y0: float, x1: float, y1: float) -> tuple[Point, ...]:
    return ((x0, y0), (x1, y0), (x1, y1), (x0, y1))


def quad_size(polygon: Sequence[Point]) -> tuple[float, float]:
    """(width, height) of a quadrilateral given clockwise from its top-left corner."""
    p = np.asarray(polygon, dtype=np.float64)
    if len(p) != 4:
        x0, y0 = p.min(axis=0)
        x1, y1 = p.max(axis=0)
        return float(x1 - x0), float(y1 - y0)
    width = (np.linalg.norm(p[1] - p[0]) + np.linalg.norm(p[2] - p[3])) / 2
    height = (np.linalg.norm(p[3] - p[0]) + np.linalg.norm(p[2] - p[1])) / 2
    return float(width), float(height)


def crop_quad(image: Image.Image, polygon: Sequence[Point], out_height: int | None = None,
              pad: float = 0.12) -> Image.Image:
    """The quadrilateral as an upright RGB image, padded by ``pad`` of its height per side.

    ``out_height`` resamples the result to that height (keeping the aspect ratio); None
    keeps the source resolution. Uses OpenCV's perspective warp (a rapidocr dependency).
    """
    import cv2

    width, height = quad_size(polygon)
    width, height = max(width, 1.0), max(height, 1.0)
    margin = pad * height
    # Grow the quad outward along its own axes so the glyph edges are not cut.
    p = np.asarray(polygon, dtype=np.float32)
    ux = (p[1] - p[0]) / max(np.linalg.norm(p[1] - p[0]), 1e-6)
    uy = (p[3] - p[0]) / max(np.linalg.norm(p[3] - p[0]), 1e-6)
    grown = np.stack([p[0] - margin * (ux + uy), p[1] + margin * (ux - uy),
                      p[2] + margin * (ux + uy), p[3] - margin * (ux - uy)]).astype(np.float32)
    out_w, out_h = max(1, round(width + 2 * margin)), max(1, round(height + 2 * margin))
    # Only the pixels around the quad are converted and warped, not the whole photo (a
    # 12 MP photo is a 36 MB array; converting it once per line cost 0.1 s a line). Two
    # pixels of slack cover the bilinear filter's reach; where the box is cut by the image
    # edge, the replicated border is the image's own edge, as before.
    x0, y0 = np.floor(grown.min(axis=0)).astype(int) - 2
    x1, y1 = np.ceil(grown.max(axis=0)).astype(int) + 3
    box = (max(0, min(int(x0), image.width - 1)), max(0, min(int(y0), image.height - 1)),
           max(1, min(int(x1), image.width)), max(1, min(int(y1), image.height)))
    box = (box[0], box[1], max(box[2], box[0] + 1), max(box[3], box[1] + 1))
    pixels = np.asarray(image.crop(box).convert("RGB"))
    source = (grown - np.float32([box[0], box[1]])).astype(np.float32)
    target = np.float32([[0, 0], [out_w, 0], [out_w, out_h], [0, out_h]])
    matrix = cv2.getPerspectiveTransform(source, target)
    warped = cv2.warpPerspective(pixels, matrix, (out_w, out_h),
                                 flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
    crop = Image.fromarray(warped, "RGB")
    if out_height is not None and out_height != out_h:
        # Resampled after the warp: a warp cannot area-average, Pillow's resize can.
        new_w = max(1, round(out_w * out_height / out_h))
        crop = crop.resize((new_w, out_height), Image.Resampling.BICUBIC, reducing_gap=2.0)
    return crop
