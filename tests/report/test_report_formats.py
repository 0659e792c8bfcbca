"""``geosleuth report CASE_DIR --format …``: each file for people, rendered again from
case.json alone (the thumbnail from the photo, or the folder's own when it is gone)."""

from __future__ import annotations

from pathlib import Path

from map_records import map_record
from PIL import Image

from geosleuth.cases.folder import write_case
from geosleuth.testing.cli import run_cli


def test_report_formats_write_their_files(tmp_path: Path) -> None:
    shot = tmp_path / "harbour.jpg"
    Image.new("RGB", (320, 200), (200, 30, 30)).save(shot)
    folder = write_case(map_record(photo=str(shot)), tmp_path / "out", photo=shot)
    thumbnail = (folder / "photo-thumbnail.jpg").read_bytes()
    shot.unlink()  # the photo is gone: the folder's thumbnail stands in for it
    for name in ("report.md", "report.html", "map.png", "case.kml", "hypotheses.geojson"):
        (folder / name).unlink()

    done = run_cli("report", str(folder), "--format", "html", "-o", str(tmp_path / "x.html"))
    assert done.returncode == 0, done.stderr
    page = (tmp_path / "x.html").read_text()
    assert page.count('src="data:image/') == 2  # the map and the kept thumbnail
    assert not (folder / "report.html").exists()

    done = run_cli("report", str(folder), "--format", "kml")
    assert done.returncode == 0 and (folder / "case.kml").is_file()
    assert not (folder / "map.png").exists()

    done = run_cli("report", str(folder))  # all of them
    assert done.returncode == 0, done.stderr
    for name in ("report.md", "report.html", "map.png", "case.kml", "hypotheses.geojson"):
        assert (folder / name).is_file(), name
    assert (folder / "photo-thumbnail.jpg").read_bytes() == thumbnail

    done = run_cli("report", str(folder), "-o", str(tmp_path / "y"))
    assert done.returncode == 2 and "--output names one file" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
