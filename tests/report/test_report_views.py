"""Map views in the case folder and the reports: each view's picture is kept as
view-E<n>.png, report.md links it, report.html inlines it, and a folder rewritten after
the cache folder was emptied keeps its copy."""

from __future__ import annotations

import base64
import io
import shutil
from pathlib import Path

from map_records import map_record
from PIL import Image

from geosleuth.cases.folder import write_case
from geosleuth.report.outputs import case_outputs
from geosleuth.tools.views import save_view


def _png() -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (64, 48), (10, 200, 30)).save(buf, format="PNG")
    return buf.getvalue()


def record_with_view(cache_dir: Path) -> tuple[dict, bytes]:
    png = _png()
    sha = save_view(cache_dir, png)
    record = map_record()
    record["settings"]["cache_dir"] = str(cache_dir)
    record["evidence"].append({
        "id": "E9", "tool": "map_view", "tool_version": "1.0", "args": {"lat": 1, "lon": 2},
        "summary": "map view, 520 m across around 38.72230, -9.13930",
        "data": {"view": {"sha256": sha, "width": 64, "height": 48, "layer": "map",
                          "attribution": "Map data © OpenStreetMap contributors"}},
        "constraint": None, "elapsed_ms": 120})
    return record, png


def test_the_case_folder_keeps_each_view_and_the_reports_show_it(tmp_path: Path) -> None:
    record, png = record_with_view(tmp_path / "cache")
    folder = write_case(record, tmp_path / "out")
    assert (folder / "view-E9.png").read_bytes() == png
    report = (folder / "report.md").read_text()
    assert "## Map views" in report and "](view-E9.png)" in report
    assert "© OpenStreetMap contributors" in report
    page = (folder / "report.html").read_text()
    assert "data:image/png;base64," + base64.b64encode(png).decode() in page

    # the cache folder emptied: rewriting the case keeps the folder's own copy
    shutil.rmtree(tmp_path / "cache")
    again = write_case(record, tmp_path / "out", folder)
    assert (again / "view-E9.png").read_bytes() == png
    assert "](view-E9.png)" in (again / "report.md").read_text()


def test_a_view_whose_picture_is_gone_is_reported_without_it(tmp_path: Path) -> None:
    record, _ = record_with_view(tmp_path / "cache")
    shutil.rmtree(tmp_path / "cache")
    out = case_outputs(record, names=("report.md",))
    assert not any(name.startswith("view-") for name in out)
    assert "The picture is not kept" in out["report.md"].decode()
