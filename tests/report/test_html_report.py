"""report.html: one self-contained page, escaped, and shown by a real browser with the
network off (Debian's Chromium; the browser test is skipped only where it is absent)."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest
from map_records import map_record
from PIL import Image

from geosleuth.cases.folder import write_case
from geosleuth.report.casemap import map_png
from geosleuth.report.html import render_html
from geosleuth.testing.browser import chromium, open_page_offline, page_requests

MAGENTA = (255, 0, 255)


def photo(tmp_path: Path) -> Path:
    """A photo a third magenta, with EXIF GPS that must not reach the thumbnail."""
    img = Image.new("RGB", (900, 600), (60, 90, 60))
    img.paste(MAGENTA, (0, 0, 300, 600))
    exif = Image.Exif()
    exif[0x010F] = "SecretCam"  # Make
    path = tmp_path / "harbour.jpg"
    img.save(path, quality=92, exif=exif)
    return path


@pytest.fixture
def case_folder(tmp_path: Path) -> Path:
    shot = photo(tmp_path)
    return write_case(map_record(photo=str(shot)), tmp_path / "out", photo=shot)


def test_a_case_folder_holds_the_map_the_kml_the_thumbnail_and_the_html(
        case_folder: Path) -> None:
    names = {p.name for p in case_folder.iterdir()}
    assert names == {"case.json", "report.md", "report.html", "hypotheses.geojson",
                     "case.kml", "map.png", "photo-thumbnail.jpg"}
    report = (case_folder / "report.md").read_text()
    assert "](map.png)" in report and "](photo-thumbnail.jpg)" in report
    thumb = Image.open(case_folder / "photo-thumbnail.jpg")
    assert max(thumb.size) == 640 and not thumb.getexif()  # no metadata leaves with it
    assert Image.open(case_folder / "map.png").size == (960, 640)


def test_the_html_report_is_self_contained_and_escaped(case_folder: Path) -> None:
    page = (case_folder / "report.html").read_text()
    assert "Content-Security-Policy" in page and "img-src data:" in page
    sources = re.findall(r'\bsrc="([^"]*)"', page)
    assert len(sources) == 2 and all(s.startswith("data:image/") for s in sources)
    assert not re.search(r"<(script|link|iframe|object|embed|base)\b", page, re.I)
    hrefs = re.findall(r'\bhref="([^"]*)"', page)
    assert hrefs and all(h.startswith("https://www.openstreetmap.org/") for h in hrefs)
    # the photo's text stays text
    assert "<b>bold</b>" not in page and "&lt;b&gt;bold&lt;/b&gt;" in page
    assert "<![CDATA[" not in page and "\x1b" not in page
    assert "http://e.vil" not in hrefs


def test_the_html_report_without_figures_still_renders() -> None:
    page = render_html(map_record())
    assert "<h2>Verdict</h2>" in page and "<img" not in page
    page = render_html(map_record(), map_png=map_png(map_record()))
    assert page.count("<img") == 1


@pytest.mark.skipif(chromium() is None, reason="Debian's chromium is not installed"
                    " (scripts/debian-packages.txt installs it)")
def test_a_real_browser_shows_the_map_and_the_photo_and_fetches_nothing(
        case_folder: Path, tmp_path: Path) -> None:
    shot = tmp_path / "shot.png"
    result = open_page_offline(case_folder / "report.html", shot, width=1200, height=2400)
    assert page_requests(result["requests"]) == []  # type: ignore[arg-type]
    dom = str(result["dom"])
    assert dom.count('src="data:image/') == 2 and "Verdict" in dom
    pixels = np.asarray(Image.open(shot).convert("RGB")).astype(int)
    r, g, b = pixels[..., 0], pixels[..., 1], pixels[..., 2]
    photo_px = ((r > 230) & (g < 40) & (b > 230)).sum()  # the photo's magenta third
    sea_px = ((abs(r - 170) < 4) & (abs(g - 211) < 4) & (abs(b - 223) < 4)).sum()
    red_px = ((abs(r - 214) < 12) & (abs(g - 39) < 12) & (abs(b - 40) < 12)).sum()
    assert photo_px > 20_000, "the photo's thumbnail is not on the page"
    assert sea_px > 20_000, "the map's sea is not on the page"
    assert red_px > 200, "the verdict's circle is not on the page"


@pytest.mark.skipif(chromium() is None, reason="Debian's chromium is not installed")
def test_the_browser_check_would_see_a_page_that_fetches(tmp_path: Path) -> None:
    page = tmp_path / "leaky.html"
    page.write_text('<!DOCTYPE html><img src="http://cdn.example.invalid/x.png">'
                    '<link rel="stylesheet" href="https://cdn.example.invalid/a.css">')
    result = open_page_offline(page, tmp_path / "leaky.png", width=400, height=300)
    seen = page_requests(result["requests"])  # type: ignore[arg-type]
    assert any("cdn.example.invalid" in line for line in seen)


def test_reports_rendered_in_threads_at_once() -> None:
    # mdurl registers its encoding tables before filling them: a second thread could
    # read a half-made one (IndexError) the first time links were encoded in a process,
    # which failed a case of a threaded batch
    import sys
    import threading

    import mdurl._decode
    import mdurl._encode

    from geosleuth.report.html import _markdown_to_html

    text = ("See [the place](https://example.org/a%20b?q=1) and ![map](data:image/png;"
            "base64,AAAA)\n\n| a | b |\n|---|---|\n| [x](http://x.example/z) | 2 |\n")
    old = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # switch threads as often as possible
    errors: list[BaseException] = []

    def render() -> None:
        try:
            _markdown_to_html(text)
        except Exception as exc:
            errors.append(exc)

    try:
        for _ in range(500):
            mdurl._encode.encode_cache.clear()
            mdurl._decode.decode_cache.clear()
            threads = [threading.Thread(target=render) for _ in range(8)]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
    finally:
        sys.setswitchinterval(old)
    assert errors == []
