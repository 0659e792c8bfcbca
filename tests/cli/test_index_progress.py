"""The first run's index build on a terminal: a progress bar that names the stage."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from rich.console import Console

from geosleuth.geo.gazetteer import Gazetteer
from geosleuth.geo.gazetteer_build import BUILD_STAGES, build_index


def test_the_build_on_a_terminal_shows_a_bar_with_the_stage(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from geosleuth.cli.render import prepare_gazetteer
    from geosleuth.settings import Settings

    calls: list[str] = []

    def fake_open(cache_dir: Path, report=None, progress=None) -> None:  # a quick "build"
        assert report is not None and progress is not None
        for n, what in enumerate(("reading", "indexing", "writing", "sorting"), 1):
            report(n, what)
            progress(n / 4)
            calls.append(what)

    monkeypatch.setattr(Gazetteer, "open", staticmethod(fake_open))
    buf = io.StringIO()
    console = Console(file=buf, width=120, force_terminal=True, color_system=None)
    prepare_gazetteer(Settings(cache_dir=tmp_path), console)
    shown = buf.getvalue()
    assert calls == ["reading", "indexing", "writing", "sorting"]
    assert "Building the offline gazetteer index" in shown
    assert f"4/{BUILD_STAGES} sorting" in shown
    assert "100%" in shown
    assert "━" in shown  # the bar


def test_a_build_reports_its_progress_in_order(tmp_path: Path) -> None:
    stages: list[int] = []
    fractions: list[float] = []
    build_index(tmp_path / "small.sqlite", min_population=15000,
                report=lambda n, what: stages.append(n), progress=fractions.append)
    assert stages == list(range(1, BUILD_STAGES + 1))
    assert fractions[0] == 0.0 and fractions[-1] == 1.0
    assert fractions == sorted(fractions)  # never goes back
    assert len(fractions) > 2 * BUILD_STAGES  # moves within stages too
