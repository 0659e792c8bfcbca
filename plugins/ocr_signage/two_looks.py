"""Joining what the two looks at a photo read (``rapidocr_engine.second_look``).

The second look, at the photo's own size, finds the small text the shrunk first look
missed, and mostly the same lines again, with boxes a little different; a different box
is at times read worse ("TEXAS" at 1.00 in the first look's box, "TEXAD" at 0.83 in the
second's, on a real Texas plate). So the first look's lines are read too, and where two
boxes are the same line (their intersection at least half their union) the first look's
reading stands when it is more confident and sure enough that Tesseract is not asked
about the line (``sure_from``). A first-look reading RapidOCR was unsure of does not
replace the second's: its box, a little different, then goes to Tesseract, which makes
other look-alike letters of a texture ("Mmy" at 0.29 for "ham" at 0.28 on a real
Singapore sign became an Ethiopic "አይካኣ" and "Ethiopia, 0.59"). The second look, which
sees more detail, decides which lines there are: a line only the first look boxed is
left out (on a real Brazilian plate photo, a "国" the first look made of a texture).
"""

from __future__ import annotations

from collections.abc import Sequence

from geosleuth_plugins.ocr_signage.lines import TextLine

SAME_LINE = 0.5  # intersection over union of two boxes from which they are one line


def _iou(a: TextLine, b: TextLine) -> float:
    """Intersection over union of the two lines' axis-aligned boxes."""
    ax0, ay0, ax1, ay1 = a.bbox
    bx0, by0, bx1, by1 = b.bbox
    width = min(ax1, bx1) - max(ax0, bx0)
    height = min(ay1, by1) - max(ay0, by0)
    if width <= 0 or height <= 0:
        return 0.0
    both = width * height
    union = (ax1 - ax0) * (ay1 - ay0) + (bx1 - bx0) * (by1 - by0) - both
    return both / union if union > 0 else 0.0


def merge_looks(first: Sequence[TextLine], second: Sequence[TextLine],
                sure_from: float) -> list[TextLine]:
    """The second look's lines, each replaced by the first look's reading of the same line
    where that one is more confident and at least ``sure_from``."""
    out = list(second)
    for line in first:
        overlaps = [_iou(line, other) for other in second]
        best = max(range(len(second)), key=overlaps.__getitem__, default=None)
        if best is not None and overlaps[best] >= SAME_LINE and (
                line.confidence > out[best].confidence and line.confidence >= sure_from):
            out[best] = line
    return out
