"""report.html's pictures are put in after the Markdown is rendered: the page is the one
markdown-it makes of report.md with the data URIs in it, without it reading them."""

from __future__ import annotations

import base64
from typing import Any

import pytest
from map_records import map_record

from geosleuth.report import html as report_html
from geosleuth.report.html import render_html
from geosleuth.report.markdown import render

PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 400  # base64 with every letter, + and /
JPEG = b"\xff\xd8\xff" + bytes(range(255, -1, -1)) * 300


def _direct(record: dict[str, Any]) -> str:
    """The page made by rendering the Markdown with the data URIs in it."""
    figures = {"map": report_html.data_uri(PNG, "image/png"),
               "photo": report_html.data_uri(JPEG, "image/jpeg")}
    return report_html._markdown_to_html(render(record, figures))


def test_the_page_is_the_one_rendered_with_the_data_uris_in_the_markdown(
        monkeypatch: pytest.MonkeyPatch) -> None:
    record = map_record(photo="harbour.jpg")
    seen: list[str] = []
    original = report_html._markdown_to_html

    def spy(text: str) -> str:
        seen.append(text)
        return original(text)

    expected = _direct(record)
    monkeypatch.setattr(report_html, "_markdown_to_html", spy)
    page = render_html(record, map_png=PNG, thumbnail=JPEG)
    assert expected in page
    assert base64.b64encode(PNG).decode() in page and base64.b64encode(JPEG).decode() in page
    assert len(seen) == 1 and base64.b64encode(PNG).decode()[:200] not in seen[0]
    assert len(seen[0]) < 20_000  # the markdown parsed holds stand-ins, not 130 KB of data


def test_a_report_that_contains_the_stand_in_text_is_still_right() -> None:
    record = map_record(photo="harbour.jpg")
    token = "data:image/png;base64,GEOSLEUTHFIGURE0X0END"
    record["verdict"]["rationale"] = f"text read on the sign: {token}"
    page = render_html(record, map_png=PNG, thumbnail=JPEG)
    assert _direct(record) in page
    assert page.count(base64.b64encode(PNG).decode()) == 1
