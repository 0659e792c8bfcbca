"""The offline reasoner takes clues only from the lines the OCR is sure of."""

from __future__ import annotations

from geosleuth_plugins.ocr_signage.lines import TextLine, box_polygon

from geosleuth.agent.state import CaseState
from geosleuth.backends.offline import ocr_text
from geosleuth.model import Case, Evidence, ImageInfo


def test_unsure_lines_are_shown_but_not_used_as_clues() -> None:
    box = box_polygon(0, 0, 10, 10)
    read = [TextLine("ทางออก", box, 0.95, "tesseract", "Thai"),
            TextLine("Way Out", box, 0.99, "rapidocr", "Latin"),
            TextLine("向应输，同", box, 0.52, "rapidocr", "Han"),  # a Bengali line, misread
            TextLine("दारोगा प्रसाद राय पथ", box, 0.56, "tesseract", "Devanagari")]
    assert [line.sure for line in read] == [True, True, False, True]
    lines = [line.as_dict() for line in read] + [{"text": "an older case, no 'sure'"}]
    info = ImageInfo(path="sign.jpg", sha256="0" * 64, width=1, height=1, format="JPEG",
                     size_bytes=0)
    ocr = Evidence(id="E1", tool="ocr_signage", tool_version="1", summary="5 lines",
                   reveals=("photo_text",),
                   data={"lines": lines}, basis="read")
    text = ocr_text(CaseState(case=Case(image=info), evidence=[ocr]))
    assert text.splitlines() == ["ทางออก", "Way Out", "दारोगा प्रसाद राय पथ",
                                 "an older case, no 'sure'"]
