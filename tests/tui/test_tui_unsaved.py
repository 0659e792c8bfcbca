"""Unsaved work: the session knows it has some, ``q`` and ``o`` ask before dropping it, and a
save the OS refuses keeps the work (in the cache's ``unsaved/`` folder, or still in the app)."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import DirectoryTree, Input
from tui_scripted import ScriptedReasoner, scripted_registry

from geosleuth.agent.reasoner import Action, Reasoner, View
from geosleuth.cases.session import Session
from geosleuth.settings import Settings
from geosleuth.tui.app import InvestigationApp
from geosleuth.tui.screens.case import CaseScreen
from geosleuth.tui.screens.open import OpenScreen
from geosleuth.tui.screens.unsaved import UnsavedScreen

SIZE = (80, 24)
MakeApp = Callable[..., InvestigationApp]


@pytest.fixture
def own_settings(tmp_path: Path) -> Settings:
    """Settings whose cache (and so its ``unsaved/`` folder) is inside tmp_path."""
    return Settings(out=tmp_path / "cases", cache=False, steps=6, cache_dir=tmp_path / "cache")


def app_for(settings: Settings, path: Path | None, *, autorun: bool = False,
            reasoner: Callable[[], Reasoner] = ScriptedReasoner) -> InvestigationApp:
    return InvestigationApp(
        settings, path, image_mode="halfblock", autorun=autorun,
        session_factory=lambda p, s: Session.open(p, s, reasoner=reasoner(),
                                                  tools=scripted_registry(), geo=False))


async def settle(pilot: Pilot[None], app: InvestigationApp) -> None:
    """Wait for the workers (but the picker's tree loader, which never ends) and redraw."""
    for _ in range(3):
        busy = [w for w in app.workers if not isinstance(w.node, DirectoryTree)]
        if busy:
            await app.workers.wait_for_complete(busy)
        await pilot.pause()


async def add_note(pilot: Pilot[None], app: InvestigationApp, text: str) -> None:
    await pilot.press("a")
    app.screen.query_one(Input).value = text
    await pilot.press("enter")
    await settle(pilot, app)


def case_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("case.json")) if folder.exists() else []


def blocked(tmp_path: Path, name: str) -> Path:
    """A folder the OS refuses to create, even to root: it would sit under a plain file."""
    (tmp_path / name).write_text("")
    return tmp_path / name / "cases"


# ---------------------------------------------------------------- the session


def test_the_session_knows_when_it_has_unsaved_work(make_session, photo: Path) -> None:
    session = make_session(photo)
    assert not session.unsaved  # just opened
    session.add_clue("the sign is blue")
    assert session.unsaved
    folder = session.save()
    assert not session.unsaved
    for act in (lambda: session.run(lambda e, n: None, steps=1),
                lambda: session.run_tool("tram", {"city": "lisbon"}),
                lambda: session.reject(session.state.hypotheses[-1].id),
                lambda: session.pin(session.state.hypotheses[0].id),
                session.request_conclude,
                lambda: session.add_clue("not-country: ES")):
        act()
        assert session.unsaved
        assert session.save() == folder and not session.unsaved
    with pytest.raises(ValueError):
        session.add_clue("not-country: Narnia")  # refused: nothing was added
    assert not session.unsaved
    assert not make_session(folder).unsaved  # a case reopened from its folder


def test_a_refused_save_goes_to_the_cache_or_says_it_went_nowhere(
        own_settings: Settings, photo: Path, tmp_path: Path) -> None:
    settings = own_settings.model_copy(update={"out": blocked(tmp_path, "file-a")})
    session = Session.open(photo, settings, reasoner=ScriptedReasoner(),
                           tools=scripted_registry(), geo=False)
    session.add_clue("kept")
    saved = session.save_safely()
    assert saved.folder is not None and saved.folder.parent == tmp_path / "cache" / "unsaved"
    assert saved.problem is not None and str(saved.folder) in saved.problem
    assert session.folder == saved.folder and not session.unsaved

    session.add_clue("kept too")
    session.folder = None
    session.settings = settings.model_copy(update={"cache_dir": tmp_path / "file-a"})
    nowhere = session.save_safely()
    assert nowhere.folder is None and nowhere.problem and "\n" not in nowhere.problem
    assert session.unsaved  # nothing was written: the work is still to be saved
    with pytest.raises(OSError, match="cannot write"):
        session.save()


# ---------------------------------------------------------------- quitting


@pytest.mark.asyncio
async def test_quit_without_unsaved_work_exits_at_once(own_settings: Settings,
                                                       photo: Path) -> None:
    app = app_for(own_settings, photo)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        await pilot.press("q")
        await pilot.pause()
        assert app.return_code == 0
    assert case_files(own_settings.out) == []


@pytest.mark.asyncio
async def test_quit_after_a_note_asks_and_cancel_keeps_the_case(own_settings: Settings,
                                                                photo: Path) -> None:
    app = app_for(own_settings, photo)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        await add_note(pilot, app, "the sign is blue and white")
        await pilot.press("q")
        await pilot.pause()
        assert isinstance(app.screen, UnsavedScreen)
        await pilot.press("q")  # asking again does not stack a second question
        assert sum(isinstance(s, UnsavedScreen) for s in app.screen_stack) == 1
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, CaseScreen) and app.return_code is None
        assert app.session is not None and app.session.unsaved

        await pilot.press("q", "d")  # discard: quits, writes nothing
        await pilot.pause()
        assert app.return_code == 0
    assert case_files(own_settings.out) == []


@pytest.mark.asyncio
async def test_quit_after_a_note_and_save_writes_the_note(own_settings: Settings,
                                                          photo: Path) -> None:
    app = app_for(own_settings, photo)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        await add_note(pilot, app, "the sign is blue and white")
        await pilot.press("q")
        await pilot.pause()
        await pilot.press("s")
        await settle(pilot, app)
        assert app.return_code == 0
    (case,) = case_files(own_settings.out)
    record = json.loads(case.read_text())
    assert [a["action"] for a in record["investigator"]] == ["note"]


class GatedReasoner(ScriptedReasoner):
    """The scripted reasoner, holding its third step until ``gate`` opens."""

    def __init__(self) -> None:
        super().__init__()
        self.gate = threading.Event()
        self.waiting = threading.Event()

    def decide(self, view: View) -> Action:
        if len(view.state.steps) >= 2:
            self.waiting.set()
            self.gate.wait(30)
        return super().decide(view)


@pytest.mark.asyncio
async def test_saving_on_quit_waits_for_the_step_under_way(own_settings: Settings,
                                                           photo: Path) -> None:
    reasoner = GatedReasoner()
    app = app_for(own_settings, photo, autorun=True, reasoner=lambda: reasoner)
    async with app.run_test(size=SIZE) as pilot:
        for _ in range(100):
            if reasoner.waiting.is_set():
                break
            await pilot.pause(0.05)
        assert reasoner.waiting.is_set() and app.session is not None and app.session.running
        await pilot.press("q")
        await pilot.pause()
        await pilot.press("s")
        await pilot.pause(0.2)
        assert app.return_code is None  # not before the step is done
        reasoner.gate.set()
        for _ in range(100):  # the app exits once the step is done and the case saved
            if app.return_code is not None:
                break
            await pilot.pause(0.05)
        assert app.return_code == 0
    (case,) = case_files(own_settings.out)
    assert len(json.loads(case.read_text())["steps"]) == 3  # with the step that was under way


# ---------------------------------------------------------------- opening another case


@pytest.mark.asyncio
async def test_open_another_case_asks_first_and_saves(own_settings: Settings, photo: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(photo.parent)
    app = app_for(own_settings, photo)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        await pilot.press("o")  # nothing to lose: the picker at once
        await pilot.pause()
        assert isinstance(app.screen, OpenScreen)
        await pilot.press("escape")
        await pilot.pause()
        await add_note(pilot, app, "a note")
        await pilot.press("o")
        await pilot.pause()
        assert isinstance(app.screen, UnsavedScreen)
        assert "opening another case" in str(app.screen.query_one("#unsaved-message").render())
        await pilot.press("s")
        await settle(pilot, app)
        assert isinstance(app.screen, OpenScreen)
        assert app.session is not None and not app.session.unsaved
    assert len(case_files(own_settings.out)) == 1


# ---------------------------------------------------------------- saving where the OS refuses


@pytest.mark.asyncio
async def test_a_refused_save_falls_back_to_the_cache_and_says_where(
        own_settings: Settings, photo: Path, tmp_path: Path) -> None:
    settings = own_settings.model_copy(update={"out": blocked(tmp_path, "file-a")})
    app = app_for(settings, photo)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        await add_note(pilot, app, "a note")
        await pilot.press("s")
        await settle(pilot, app)
        screen = app.case_screen
        assert isinstance(app.screen, CaseScreen) and screen is not None
        assert app.session is not None and not app.session.unsaved
        (case,) = case_files(tmp_path / "cache" / "unsaved")
        assert str(case.parent) in screen.messages[-1]
        assert "cannot write the case folder here" in screen.messages[-1]


@pytest.mark.asyncio
async def test_a_save_that_fails_keeps_the_work_and_can_be_tried_again(
        own_settings: Settings, photo: Path, tmp_path: Path) -> None:
    settings = own_settings.model_copy(update={
        "out": blocked(tmp_path, "file-a"), "cache_dir": tmp_path / "file-b"})
    (tmp_path / "file-b").write_text("")
    app = app_for(settings, photo)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        await add_note(pilot, app, "a note")
        await pilot.press("s")
        await settle(pilot, app)
        screen = app.case_screen
        assert isinstance(app.screen, CaseScreen) and screen is not None  # no traceback, no exit
        message = screen.messages[-1]
        assert message.startswith("not saved: ") and "\n" not in message
        assert app.session is not None and app.session.unsaved

        await pilot.press("q")  # saving on the way out fails too: the app stays
        await pilot.pause()
        await pilot.press("s")
        await settle(pilot, app)
        assert app.return_code is None and isinstance(app.screen, CaseScreen)
        assert screen.messages[-1].startswith("not saved: ")

        (tmp_path / "file-a").unlink()  # the user frees the folder and tries again
        await pilot.press("s")
        await settle(pilot, app)
        assert not app.session.unsaved
        assert screen.messages[-1].startswith("saved ")
    (case,) = case_files(tmp_path / "file-a")
    assert json.loads(case.read_text())["investigator"][0]["action"] == "note"
