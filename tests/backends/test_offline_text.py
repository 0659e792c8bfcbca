"""The offline reasoner turns only lines the OCR is sure of into clues."""

from __future__ import annotations

from geosleuth.agent.state import CaseState
from geosleuth.backends.offline import MIN_LINE_CONFIDENCE, ocr_text
from geosleuth.model import Case, Evidence, ImageInfo


def test_unsure_lines_are_shown_but_not_used_as_clues() -> None:
    info = ImageInfo(path="sign.jpg", sha256="0" * 64, width=1, height=1, format="JPEG",
                     size_bytes=0)
    lines = [{"text": "ทางออก", "confidence": 0.95}, {"text": "Way Out", "confidence": 0.99},
             {"text": "ซาระพจทจ", "confidence": 0.46}, {"text": "Way Out", "confidence": 0.99},
             {"text": "no confidence recorded"}]
    ocr = Evidence(id="E1", tool="ocr_signage", tool_version="1", summary="3 lines",
                   data={"lines": lines}, basis="read")
    text = ocr_text(CaseState(case=Case(image=info), evidence=[ocr]))
    assert text.splitlines() == ["ทางออก", "Way Out", "no confidence recorded"]
    assert 0.71 < MIN_LINE_CONFIDENCE < 0.9  # between misreadings and readings seen
