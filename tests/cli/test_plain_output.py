"""Off a terminal (a pipe, a file) the commands print plain lines: nothing wrapped at 80
columns, nothing squeezed, no colour codes."""

from __future__ import annotations

import subprocess
import sys
from datetime import datetime
from pathlib import Path

from geosleuth.cli.console import make_console
from geosleuth.testing.photos import render_photo


def test_a_console_off_a_terminal_does_not_wrap() -> None:
    out = make_console()  # pytest captures stdout: not a terminal
    assert not out.is_terminal and out.width >= 10_000 and out.soft_wrap
    with out.capture() as cap:
        out.print("word " * 60)
    assert cap.get().count("\n") == 1


def test_the_verdict_is_one_line_in_a_pipe(tmp_path: Path) -> None:
    photo = render_photo(tmp_path / "a_rather_long_photo_name_from_an_archive_2024.jpg",
                         size=(640, 480), gps=(47.14103, 9.52093), make="Apple",
                         model="iPhone 14 Pro", taken=datetime(2024, 7, 18, 14, 32, 10),
                         offset="+02:00")
    result = subprocess.run(
        [sys.executable, "-m", "geosleuth", "locate", str(photo), "--out",
         str(tmp_path / "cases")], capture_output=True, text=True, timeout=600, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    (verdict,) = [ln for ln in result.stdout.splitlines() if ln.startswith("Verdict:")]
    assert "within" in verdict and "confidence" in verdict and "level" in verdict
    (folder,) = [ln for ln in result.stdout.splitlines() if ln.startswith("Case folder:")]
    assert "hypotheses.geojson" in folder  # not cut onto a second line
    assert "\x1b[" not in result.stdout


def test_the_first_runs_index_build_shows_its_stages(tmp_path: Path, monkeypatch) -> None:
    import io

    from rich.console import Console

    from geosleuth.cli.render import prepare_gazetteer
    from geosleuth.geo.gazetteer import Gazetteer
    from geosleuth.settings import Settings

    def fake_open(cache_dir: Path, report=None) -> None:  # the stages of a build, quickly
        for n, what in enumerate(("reading", "indexing", "writing", "sorting"), 1):
            report(n, what)

    monkeypatch.setattr(Gazetteer, "open", staticmethod(fake_open))
    buf = io.StringIO()
    prepare_gazetteer(Settings(cache_dir=tmp_path), Console(file=buf, width=200))
    lines = buf.getvalue().splitlines()
    assert lines[0].startswith("Building the offline gazetteer index")
    assert lines[1:] == ["  1/4 reading", "  2/4 indexing", "  3/4 writing", "  4/4 sorting"]
