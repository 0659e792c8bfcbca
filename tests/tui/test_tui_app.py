"""The app driven with Textual's Pilot: open, watch a scripted case, clues, pin and reject,
tools, save, reopen, the file picker and error dialogs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from textual.widgets import DirectoryTree, Input

from geosleuth.geo.distance import geodesic_km
from geosleuth.tui.app import InvestigationApp
from geosleuth.tui.screens.case import CaseScreen
from geosleuth.tui.screens.clue import ClueScreen
from geosleuth.tui.screens.dialogs import DetailScreen, ErrorScreen
from geosleuth.tui.screens.open import OpenScreen
from geosleuth.tui.screens.tool import ToolScreen
from geosleuth.tui.widgets.evidence import EvidenceTable
from geosleuth.tui.widgets.hypotheses import HypothesesTable
from geosleuth.tui.widgets.status import StatusLine
from geosleuth.tui.widgets.steps import StepsLog

pytestmark = pytest.mark.asyncio

SIZE = (80, 24)


async def settle(pilot, app: InvestigationApp) -> None:
    """Wait until the workers (loop, actions, map outline) are done and the screen updated.

    A DirectoryTree keeps a loader worker waiting for work as long as it is shown; it is
    left out.
    """
    for _ in range(3):
        busy = [w for w in app.workers if not isinstance(w.node, DirectoryTree)]
        if busy:  # (an empty list would mean "all workers" to wait_for_complete)
            await app.workers.wait_for_complete(busy)
        await pilot.pause()


def case_screen(app: InvestigationApp) -> CaseScreen:
    screen = app.case_screen
    assert screen is not None
    return screen


def log_text(screen: CaseScreen) -> str:
    return "\n".join(line.text for line in screen.query_one(StepsLog).lines)


async def test_open_and_watch_a_scripted_case(make_app, photo: Path) -> None:
    app = make_app(photo)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        screen = case_screen(app)
        assert screen.activity == "finished" and app.session.finished
        assert list(screen.query_one(EvidenceTable).evidence) == ["E1", "E2"]
        assert [h.id for h in screen.query_one(HypothesesTable).hypotheses] == ["H1", "H2"]
        text = log_text(screen)
        assert "step 3" in text and "verdict:" in text and "[b]bold[/b]" in text  # not markup
        status = str(screen.query_one(StatusLine).render())
        assert "scripted script-1" in status and "step 3/6" in status and "finished" in status
        assert "360 tok" in status and "$0.0030" in status
        assert any(m.startswith("case finished") for m in screen.messages)


async def test_step_pause_and_continue_by_keyboard(make_app, photo: Path) -> None:
    app = make_app(photo, autorun=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        screen = case_screen(app)
        assert not app.session.state.steps
        await pilot.press("n")
        await settle(pilot, app)
        assert len(app.session.state.steps) == 1 and screen.activity == "paused"
        assert "paused before step 2" in screen.messages
        await pilot.press("c")
        await settle(pilot, app)
        assert app.session.finished and len(app.session.state.steps) == 3


async def test_add_a_clue_and_see_an_error_for_a_bad_one(make_app, photo: Path) -> None:
    app = make_app(photo)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        await pilot.press("a")
        assert isinstance(app.screen, ClueScreen)
        app.screen.query_one(Input).value = "not-country: ES"
        await pilot.press("enter")
        await settle(pilot, app)
        added = app.session.investigator_evidence()
        assert [e.summary for e in added] == ["clue: not in ES"]
        assert added[0].id in case_screen(app).query_one(EvidenceTable).evidence

        await pilot.press("a")
        app.screen.query_one(Input).value = "not-country: Narnia"
        await pilot.press("enter")
        await settle(pilot, app)
        assert isinstance(app.screen, ErrorScreen)
        assert "ISO 3166" in app.screen.message
        await pilot.press("enter")
        assert isinstance(app.screen, CaseScreen)
        assert len(app.session.investigator_evidence()) == 1


async def test_reject_and_pin_hypotheses(make_app, photo: Path) -> None:
    app = make_app(photo)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        await pilot.press("3")
        table = case_screen(app).query_one(HypothesesTable)
        assert app.focused is table
        before = table.hypotheses[0]
        await pilot.press("r")  # reject H1, Lisbon
        await settle(pilot, app)
        (rejected,) = app.session.investigator_evidence()
        assert rejected.args == {"action": "reject", "hypothesis": "H1"}
        top = table.hypotheses[0]
        # the investigator's word holds: what leads now lies outside the rejected circle
        assert geodesic_km(top.lat, top.lon, before.lat, before.lon) > before.radius_km
        await pilot.press("k")  # pin what now leads
        await settle(pilot, app)
        pinned = app.session.investigator_evidence()[-1]
        assert pinned.args["action"] == "pin" and pinned.constraint.strength >= 0.95
        await pilot.press("enter")
        assert isinstance(app.screen, DetailScreen) and "openstreetmap.org" in str(
            app.screen.body.renderables[-1])
        await pilot.press("escape")
        await pilot.press("c")  # the reasoner goes on from the new evidence
        await settle(pilot, app)
        assert app.session.finished and app.session.state.verdict.known
        assert app.session.state.steps[-1].submission is not None


async def test_run_a_tool_and_read_its_provenance(make_app, photo: Path) -> None:
    app = make_app(photo)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        await pilot.press("t")
        assert isinstance(app.screen, ToolScreen)
        app.screen.query_one("#tool-args", Input).value = '{"city": "lisbon"}'
        app.screen.query_one("#tool-name").value = "tram"
        await pilot.pause()
        app.screen.query_one("#tool-args", Input).value = '{"city": "lisbon"}'
        await pilot.press("enter")
        await settle(pilot, app)
        tool_e, action = app.session.state.evidence[-2:]
        assert tool_e.tool == "tram" and action.summary == f"ran tram: {tool_e.id}"
        await pilot.press("2")
        table = case_screen(app).query_one(EvidenceTable)
        table.move_cursor(row=table.get_row_index(tool_e.id))
        await pilot.press("enter")
        assert isinstance(app.screen, DetailScreen)
        assert app.screen.title_text == f"Evidence {tool_e.id}"


async def test_save_then_reopen_the_case_folder(make_app, photo: Path, settings) -> None:
    app = make_app(photo, autorun=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)  # the photo opens in a worker
        await pilot.press("n")
        await settle(pilot, app)
        await pilot.press("a")
        app.screen.query_one(Input).value = "the sign is blue and white"
        await pilot.press("enter")
        await settle(pilot, app)
        await pilot.press("s")
        await settle(pilot, app)
        folder = app.session.folder
    assert folder is not None and folder.parent == settings.out
    record = json.loads((folder / "case.json").read_text())
    assert record["investigator"][0]["action"] == "note"
    assert record["loop"] == {"finished": False}
    assert "investigator" in (folder / "report.md").read_text()

    app = make_app(folder)  # resumes, and since it had not finished, carries on
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        assert app.session.folder == folder
        assert [s.index for s in app.session.state.steps] == [1, 2, 3]
        assert "resumed: 1 steps" in log_text(case_screen(app))
        await pilot.press("s")
        await settle(pilot, app)
    record = json.loads((folder / "case.json").read_text())
    assert record["loop"] == {"finished": True} and len(record["steps"]) == 3


async def test_file_picker_opens_a_photo(make_app, photo: Path, monkeypatch) -> None:
    monkeypatch.chdir(photo.parent)
    app = make_app(None)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, OpenScreen)
        await pilot.press("down", "enter")
        await settle(pilot, app)
        assert isinstance(app.screen, CaseScreen)
        assert app.session.state.case.path.name == photo.name


async def test_a_broken_photo_is_an_error_dialog(make_app, tmp_path: Path) -> None:
    broken = tmp_path / "broken.jpg"
    broken.write_bytes(b"\xff\xd8 not really a jpeg")
    app = make_app(broken)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        assert isinstance(app.screen, ErrorScreen)
        assert "broken.jpg" in app.screen.message
        await pilot.press("enter")
        assert isinstance(app.screen, OpenScreen)


async def test_a_backend_that_cannot_start_is_an_error_dialog(photo: Path, tmp_path: Path,
                                                               monkeypatch) -> None:
    from tui_scripted import scripted_registry

    from geosleuth.cases.session import Session
    from geosleuth.settings import Settings

    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    settings = Settings(out=tmp_path / "cases", cache=False, backend="openai",
                        cache_dir=tmp_path / "cache")
    app = InvestigationApp(settings, photo, image_mode="halfblock", session_factory=lambda p, s:
                           Session.open(p, s, tools=scripted_registry(), geo=False))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        assert isinstance(app.screen, ErrorScreen)
        assert "OPENAI_API_KEY" in app.screen.message
        await pilot.press("enter")
        screen = case_screen(app)
        assert screen.activity == "paused" and not app.session.running


async def test_the_command_palette_lists_the_case_actions(make_app, photo: Path) -> None:
    app = make_app(photo, autorun=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert "Save the report" in titles and "Reject the selected hypothesis" in titles
        save = next(c for c in app.get_system_commands(app.screen) if c.title == "Save the report")
        save.callback()
        await settle(pilot, app)
        assert app.session.folder is not None and (app.session.folder / "case.json").is_file()


async def test_tool_dialog_keeps_the_arguments_it_was_opened_with(make_app, photo: Path) -> None:
    app = make_app(photo, autorun=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        case_screen(app).action_run_tool(("tram", {"city": "lisbon"}))
        await pilot.pause()
        assert app.screen.query_one("#tool-args", Input).value == '{"city": "lisbon"}'
        await pilot.press("enter")
        await settle(pilot, app)
        assert app.session.state.evidence[0].summary == "a tram like those of lisbon"


async def test_stop_and_conclude_then_toggle_the_map(make_app, photo: Path) -> None:
    from geosleuth.tui.widgets.hypothesis_map import HypothesisMap

    app = make_app(photo, autorun=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        await pilot.press("n")  # one step: the sign
        await settle(pilot, app)
        await pilot.press("f")
        await settle(pilot, app)
        session = app.session
        assert session.finished and len(session.state.steps) == 2
        assert session.state.steps[-1].thought == "The investigator asked to stop and conclude."
        assert session.investigator_evidence()[-1].args["action"] == "conclude"
        assert session.state.verdict.known  # the fusion's verdict stands
        world_map = case_screen(app).query_one(HypothesisMap)
        assert "region" in str(world_map.render()) and "1" in str(world_map.render())
        await pilot.press("m")
        await settle(pilot, app)
        assert world_map.world and "world" in str(world_map.render())
