"""The autosave journal: unsaved work is on disk while the TUI runs, gone once saved or
discarded, and offered back when a session that never saved is followed by another."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import DirectoryTree, Input
from tui_scripted import ScriptedReasoner, scripted_registry

from geosleuth.cases.journal import Journal, journal_dir, pending
from geosleuth.cases.session import Session
from geosleuth.settings import Settings
from geosleuth.tui.app import InvestigationApp
from geosleuth.tui.screens.case import CaseScreen
from geosleuth.tui.screens.unsaved import RestoreScreen, UnsavedScreen

SIZE = (80, 24)
DEAD_PID = 2**22 + 12345  # above Linux's pid_max by default: no such process


@pytest.fixture
def own_settings(tmp_path: Path) -> Settings:
    return Settings(out=tmp_path / "cases", cache=False, steps=6, cache_dir=tmp_path / "cache")


def open_session(path: Path, settings: Settings) -> Session:
    return Session.open(path, settings, reasoner=ScriptedReasoner(), tools=scripted_registry(),
                        geo=False)


def app_for(settings: Settings, path: Path) -> InvestigationApp:
    return InvestigationApp(settings, path, image_mode="halfblock", autorun=False,
                            session_factory=open_session)


def left_behind(photo: Path, settings: Settings, note: str) -> Journal:
    """The journal of a session that added ``note`` and died without saving."""
    session = open_session(photo, settings)
    session.add_clue(note)
    journal = session.enable_journal()
    assert session.autosave() is None
    dead = journal.folder.with_name(journal.folder.name.replace(f"-{journal.pid}-",
                                                                f"-{DEAD_PID}-"))
    journal.folder.rename(dead)
    return Journal(dead)


def notes(session: Session) -> list[str]:
    return [e.summary for e in session.investigator_evidence()]


# ---------------------------------------------------------------- the session


def test_autosave_writes_unsaved_work_and_a_save_removes_it(photo: Path,
                                                           own_settings: Settings) -> None:
    session = open_session(photo, own_settings)
    journal = session.enable_journal()
    session.autosave()
    assert not journal.folder.exists()  # nothing unsaved: nothing written
    session.add_clue("the tram is yellow")
    assert session.autosave() is None
    record = journal.record()
    assert [a["summary"] for a in record["investigator"]] == notes(session)
    assert Path(record["image"]["path"]).is_absolute()
    session.save()
    assert not journal.folder.exists()


def test_a_journal_of_a_live_session_is_not_offered(photo: Path, own_settings: Settings) -> None:
    session = open_session(photo, own_settings)
    session.add_clue("note")
    session.enable_journal()
    session.autosave()
    assert pending(own_settings.cache_dir, session.state.case.image.sha256) == []


def test_a_dead_session_s_journal_restores_its_work(photo: Path, own_settings: Settings) -> None:
    journal = left_behind(photo, own_settings, "the tram is yellow")
    sha = open_session(photo, own_settings).state.case.image.sha256
    assert pending(own_settings.cache_dir, sha) == [journal]
    restored = open_session(journal.folder, own_settings)
    restored.adopt_journal(journal)
    assert any("the tram is yellow" in n for n in notes(restored))
    assert restored.unsaved and restored.folder is None
    folder = restored.save()
    assert folder.parent == own_settings.out
    assert not journal.folder.exists()


def test_an_unwritable_journal_is_a_one_line_problem(photo: Path, tmp_path: Path) -> None:
    (tmp_path / "plain").write_text("")
    settings = Settings(out=tmp_path / "cases", cache=False, cache_dir=tmp_path / "plain" / "c")
    session = open_session(photo, settings)
    session.add_clue("note")
    session.enable_journal()
    problem = session.autosave()
    assert problem is not None and "autosave journal cannot be written" in problem
    assert "\n" not in problem


# ---------------------------------------------------------------- the app


@pytest.mark.asyncio
async def test_the_app_offers_to_restore_a_journal(photo: Path, own_settings: Settings) -> None:
    journal = left_behind(photo, own_settings, "the tram is yellow")
    app = app_for(own_settings, photo)
    async with app.run_test(size=SIZE) as pilot:
        await _settle(pilot, app)
        assert isinstance(app.screen, RestoreScreen)
        await pilot.press("r")
        await _settle(pilot, app)
        screen = app.case_screen
        assert isinstance(screen, CaseScreen)
        assert any("the tram is yellow" in n for n in notes(screen.session))
        assert screen.session.unsaved
        assert screen.session.journal == journal


@pytest.mark.asyncio
async def test_discarding_the_offer_removes_the_journal(photo: Path,
                                                        own_settings: Settings) -> None:
    journal = left_behind(photo, own_settings, "a note")
    app = app_for(own_settings, photo)
    async with app.run_test(size=SIZE) as pilot:
        await _settle(pilot, app)
        await pilot.press("d")
        await _settle(pilot, app)
        assert isinstance(app.screen, CaseScreen)
        assert notes(app.screen.session) == []
    assert not journal.folder.exists()


@pytest.mark.asyncio
async def test_the_app_journals_and_a_discard_on_quit_removes_it(
        photo: Path, own_settings: Settings) -> None:
    app = app_for(own_settings, photo)
    async with app.run_test(size=SIZE) as pilot:
        await _settle(pilot, app)
        await pilot.press("a")
        app.screen.query_one(Input).value = "the sign is blue"
        await pilot.press("enter")
        await _settle(pilot, app)
        app.autosave()
        journals = list(journal_dir(own_settings.cache_dir).iterdir())
        assert len(journals) == 1 and (journals[0] / "case.json").is_file()
        await pilot.press("q")
        await _settle(pilot, app)
        assert isinstance(app.screen, UnsavedScreen)
        await pilot.press("d")
        await _settle(pilot, app)
    assert list(journal_dir(own_settings.cache_dir).iterdir()) == []


async def _settle(pilot: Pilot[None], app: InvestigationApp) -> None:
    for _ in range(4):
        busy = [w for w in app.workers if not isinstance(w.node, DirectoryTree)]
        if busy:
            await app.workers.wait_for_complete(busy)
        await pilot.pause()
