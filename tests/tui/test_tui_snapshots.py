"""Snapshots of the main screens at 80x24 (pytest-textual-snapshot; SVGs in __snapshots__).

Update them after an intended change of the layout with ``pytest tests/tui --snapshot-update``
and look at the SVGs before committing.
"""

from __future__ import annotations

from pathlib import Path

from textual.widgets import DirectoryTree, Input

from geosleuth.tui.widgets.evidence import EvidenceTable

SIZE = (80, 24)


async def settle(pilot) -> None:
    app = pilot.app
    for _ in range(3):
        busy = [w for w in app.workers if not isinstance(w.node, DirectoryTree)]
        if busy:
            await app.workers.wait_for_complete(busy)
        await pilot.pause()


def test_case_screen_after_a_scripted_case(snap_compare, make_app, photo: Path) -> None:
    assert snap_compare(make_app(photo), terminal_size=SIZE, run_before=settle)


def test_hypotheses_tab(snap_compare, make_app, photo: Path) -> None:
    async def run_before(pilot) -> None:
        await settle(pilot)
        await pilot.press("3")
        await settle(pilot)

    assert snap_compare(make_app(photo), terminal_size=SIZE, run_before=run_before)


def test_clue_dialog_reads_as_you_type(snap_compare, make_app, photo: Path) -> None:
    async def run_before(pilot) -> None:
        await settle(pilot)
        await pilot.press("a")
        pilot.app.screen.query_one(Input).value = "shadow: height=1.8m length=2.4m"
        await pilot.pause()

    assert snap_compare(make_app(photo), terminal_size=SIZE, run_before=run_before)


def test_evidence_provenance(snap_compare, make_app, photo: Path) -> None:
    async def run_before(pilot) -> None:  # the investigator's own evidence: no timings shown
        await settle(pilot)
        await pilot.press("a")
        pilot.app.screen.query_one(Input).value = "not-country: ES"
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("2")
        table = pilot.app.screen.query_one(EvidenceTable)
        table.move_cursor(row=table.row_count - 1)
        await pilot.press("enter")
        await pilot.pause()

    assert snap_compare(make_app(photo), terminal_size=SIZE, run_before=run_before)


def test_file_picker(snap_compare, make_app, photo: Path, monkeypatch) -> None:
    monkeypatch.chdir(photo.parent)

    async def run_before(pilot) -> None:
        await pilot.pause(0.3)

    assert snap_compare(make_app(None), terminal_size=SIZE, run_before=run_before)
