"""The first run in the TUI: the gazetteer build is shown (stage and progress), not a blank
terminal, and the photo opens once it is done."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import ProgressBar, Static
from tui_scripted import ScriptedReasoner, scripted_registry

from geosleuth.cases.session import Session
from geosleuth.geo import gazetteer
from geosleuth.settings import Settings
from geosleuth.tui.app import InvestigationApp
from geosleuth.tui.screens.building import BuildScreen
from geosleuth.tui.screens.case import CaseScreen


@pytest.mark.asyncio
async def test_the_build_is_shown_then_the_photo_opens(
        photo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    settings = Settings(out=tmp_path / "cases", cache=False, cache_dir=tmp_path / "cache")
    reached, release = threading.Event(), threading.Event()

    def fake_open(cache_dir: Path, report: Any = None, progress: Any = None) -> None:
        # stands for the 20-60 s build: two stages told, half done, then held
        report(1, "reading GeoNames cities")
        report(2, "writing place names")
        progress(0.5)
        reached.set()
        release.wait(30)

    monkeypatch.setattr(gazetteer.Gazetteer, "open", classmethod(
        lambda cls, cache_dir, report=None, progress=None: fake_open(cache_dir, report,
                                                                    progress)))
    app = InvestigationApp(settings, photo, image_mode="halfblock", autorun=False,
                           prepare_index=True,
                           session_factory=lambda p, s: Session.open(
                               p, s, reasoner=ScriptedReasoner(), tools=scripted_registry(),
                               geo=False))
    async with app.run_test(size=(80, 24)) as pilot:
        for _ in range(50):
            await pilot.pause(0.05)
            if reached.is_set():
                break
        await pilot.pause(0.1)
        assert isinstance(app.screen, BuildScreen)
        stage = str(app.screen.query_one("#build-stage", Static).render())
        assert stage == "2/4 writing place names"
        assert app.screen.query_one(ProgressBar).progress == 500
        release.set()
        for _ in range(50):
            await pilot.pause(0.05)
            if isinstance(app.screen, CaseScreen):
                break
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, CaseScreen)


@pytest.mark.asyncio
async def test_no_build_screen_when_the_index_exists(photo: Path, settings: Settings) -> None:
    # the test session's cache has its index (built by tests/conftest.py or on first use)
    gazetteer.Gazetteer.open(settings.cache_dir)
    app = InvestigationApp(settings, photo, image_mode="halfblock", autorun=False,
                           prepare_index=True,
                           session_factory=lambda p, s: Session.open(
                               p, s, reasoner=ScriptedReasoner(), tools=scripted_registry(),
                               geo=False))
    async with app.run_test(size=(80, 24)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert not any(isinstance(s, BuildScreen) for s in app.screen_stack)
        assert isinstance(app.screen, CaseScreen)
