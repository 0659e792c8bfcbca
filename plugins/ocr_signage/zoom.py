"""The zoom step: detect on a downscaled copy, re-detect small text at full resolution.

Detection cost grows with the pixel count, so a 12 MP photo is searched shrunk: by
RapidOCR at its detector's input size (``rapidocr_engine.det_input_size``, 960 px), by
Tesseract and EasyOCR on a copy whose long side is ``WORK_LONG_SIDE``. Lines found there
that are small (under a few pixels high where they were detected) are grouped into
regions around them, and each region is searched again on the full-resolution crop:
that finds the neighbouring lines of a small sign that the shrunk photo lost, and gives
the recogniser sharp pixels. Recognition itself always crops lines from the
full-resolution image.
"""

from __future__ import annotations

from collections.abc import Sequence

from geosleuth_plugins.ocr_signage.lines import Point, quad_size
from PIL import Image

WORK_LONG_SIDE = 1600
SMALL_LINE_PX = 28.0  # line height in the working copy under which a region is zoomed
MAX_ZOOM_REGIONS = 6
REGION_MARGIN_LINES = 2.0  # a region reaches this many line heights around a small line

Box = tuple[int, int, int, int]
Quad = tuple[Point, ...]


def working_copy(image: Image.Image, long_side: int = WORK_LONG_SIDE) -> tuple[Image.Image, float]:
    """The image scaled so its long side is at most ``long_side``, and the scale (<= 1)."""
    scale = min(1.0, long_side / max(image.size))
    if scale >= 1.0:
        return image, 1.0
    size = (max(1, round(image.width * scale)), max(1, round(image.height * scale)))
    # reducing_gap: a box-filter pre-shrink then bicubic; as sharp as a full Lanczos for
    # OCR purposes at a fraction of the time on 12 MP.
    return image.resize(size, Image.Resampling.BICUBIC, reducing_gap=3.0), scale


def scale_quad(quad: Sequence[Point], factor: float, offset: Point = (0.0, 0.0)) -> Quad:
    return tuple((x * factor + offset[0], y * factor + offset[1]) for x, y in quad)


def _bbox(quad: Sequence[Point]) -> tuple[float, float, float, float]:
    xs = [p[0] for p in quad]
    ys = [p[1] for p in quad]
    return min(xs), min(ys), max(xs), max(ys)


def _overlap(a: Box, b: Box) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _union(a: Box, b: Box) -> Box:
    return min(a[0], b[0]), min(a[1], b[1]), max(a[2], b[2]), max(a[3], b[3])


def zoom_regions(quads_full: Sequence[Sequence[Point]], scale: float,
                 size: tuple[int, int], small_px: float = SMALL_LINE_PX) -> list[Box]:
    """Full-resolution boxes around the lines that were small where they were detected.

    ``scale`` is the detector's input size over the full resolution; a line is small
    when it was under ``small_px`` high in the detector's input.

    Returns nothing when the copy was not downscaled (nothing to gain). Overlapping boxes
    are merged; at most ``MAX_ZOOM_REGIONS``, those holding the most small lines first.
    """
    if scale >= 0.8:
        return []
    width, height = size
    boxes: list[tuple[Box, int]] = []
    for quad in quads_full:
        line_h = quad_size(quad)[1]
        if line_h * scale >= small_px:
            continue
        x0, y0, x1, y1 = _bbox(quad)
        m = REGION_MARGIN_LINES * line_h
        boxes.append(((max(0, int(x0 - m)), max(0, int(y0 - m)),
                       min(width, int(x1 + m) + 1), min(height, int(y1 + m) + 1)), 1))
    merged = True
    while merged:  # merge until no two regions overlap
        merged = False
        for i in range(len(boxes)):
            for j in range(i + 1, len(boxes)):
                if _overlap(boxes[i][0], boxes[j][0]):
                    boxes[i] = (_union(boxes[i][0], boxes[j][0]), boxes[i][1] + boxes[j][1])
                    del boxes[j]
                    merged = True
                    break
            if merged:
                break
    boxes.sort(key=lambda item: -item[1])
    return [box for box, _ in boxes[:MAX_ZOOM_REGIONS]]


def inside(quad: Sequence[Point], box: Box) -> bool:
    """Whether the centre of ``quad`` lies in ``box``."""
    cx = sum(p[0] for p in quad) / len(quad)
    cy = sum(p[1] for p in quad) / len(quad)
    return box[0] <= cx < box[2] and box[1] <= cy < box[3]
