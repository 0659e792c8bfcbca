"""RapidOCR (PP-OCR models on onnxruntime): the default engine.

The rapidocr wheel ships its models (PP-OCR detection, and a recognizer for Chinese,
Japanese, English and Latin-script languages with their diacritics), so nothing is
fetched at run time. Detection and recognition are called separately: rapidocr's one-shot
call drops lines whose recognition came out empty, and those are exactly the lines in
scripts it cannot read (Cyrillic, Hangul, Arabic ...) that Tesseract should read instead.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from geosleuth_plugins.ocr_signage.engines import OcrEngine
from geosleuth_plugins.ocr_signage.lines import Point, TextLine, crop_quad
from PIL import Image

from geosleuth.tools.api import Availability, Requirement

# Scripts the shipped recognizer reads (names as geosleuth.text.scripts reports them, and
# "Japanese" for a line with kana, see scripts.line_script).
RAPIDOCR_SCRIPTS = frozenset({"Latin", "Han", "Kana", "Japanese"})

# Detection runs on at most this many pixels on the long side (rapidocr's default instead
# scales the *short* side up to 736, which makes a 1 MP photo cost ~1.5 s on two cores).
# Measured on a 1 MP photo, CPU seconds of one detection: 960 px 0.9 s, 736 px 0.47 s,
# 640 px 0.37 s. 736 px was tried and lost 2 of 22 rendered test signs (Arabic, Thai lines
# split or missed) and the small sign of the 12 MP zoom test (too small to be found at all).
DET_LONG_SIDE = 960
# A line under this height (pixels of the detector's input) is re-detected at full size.
DET_SMALL_LINE_PX = 14.0
# Height of the line crops handed to the recognizer (its input height is 48).
REC_HEIGHT = 48

_PARAMS: dict[str, Any] = {
    "Global.log_level": "error",
    "Global.use_cls": False,  # upright photos after EXIF orientation; the 0/180 classifier
    # flips short CJK lines more often than it finds upside-down text on signs.
    "Global.text_score": 0.0,  # keep every line; the caller decides what is readable
    "Det.limit_type": "max",
    "Det.limit_side_len": DET_LONG_SIDE,
}

_REQUIREMENTS = (
    Requirement(module="rapidocr", install="pip install rapidocr onnxruntime"),
    Requirement(module="onnxruntime", install="pip install onnxruntime"),
)


class RapidOcrEngine(OcrEngine):
    name = "rapidocr"
    install = "pip install rapidocr onnxruntime"

    def availability(self) -> Availability:
        missing = [req.describe() for req in _REQUIREMENTS if req.missing()]
        return Availability(False, "; ".join(missing)) if missing else Availability.ok()

    def _load(self) -> object:
        from rapidocr import RapidOCR

        return RapidOCR(params=dict(_PARAMS))

    def detect(self, image: Image.Image) -> list[tuple[Point, ...]]:
        """Quadrilaterals of the text lines of ``image`` (clockwise from top-left)."""
        model: Any = self.model()
        with self.call_lock:
            out = model(np.asarray(image.convert("RGB")), use_det=True, use_cls=False,
                        use_rec=False)
        boxes = getattr(out, "boxes", None)
        if boxes is None or len(boxes) == 0:
            return []
        quads = [tuple((float(x), float(y)) for x, y in box) for box in boxes]
        # Reading order: top to bottom, then left to right.
        return sorted(quads, key=lambda q: (round(min(p[1] for p in q) / 8), q[0][0]))

    def recognize(self, crops: Sequence[Image.Image]) -> list[tuple[str, float]]:
        """(text, confidence) for each upright line crop; ("", 0.0) when nothing was read."""
        model: Any = self.model()
        results: list[tuple[str, float]] = []
        with self.call_lock:
            for crop in crops:
                out = model(np.asarray(crop.convert("RGB")), use_det=False, use_cls=False,
                            use_rec=True)
                texts, scores = getattr(out, "txts", None), getattr(out, "scores", None)
                if texts and scores:
                    results.append((str(texts[0]).strip(), float(scores[0])))
                else:
                    results.append(("", 0.0))
        return results

    def read_quads(self, image: Image.Image, quads: Sequence[Sequence[Point]]) -> list[TextLine]:
        """Read the given quadrilaterals of ``image`` (one line each)."""
        crops = [crop_quad(image, quad, out_height=REC_HEIGHT, pad=0.0) for quad in quads]
        read = self.recognize(crops)
        return [TextLine(text=text, polygon=tuple(quad), confidence=score, engine=self.name)
                for quad, (text, score) in zip(quads, read, strict=True)]

    def read_page(self, image: Image.Image, languages: Sequence[str] = ()) -> list[TextLine]:
        return self.read_quads(image, self.detect(image))
