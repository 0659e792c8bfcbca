"""The session headless: stepping, pausing, investigator actions, saving and resuming."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tui_scripted import LISBON, ScriptedReasoner

from geosleuth.agent.events import CaseFinished, Event, StepStarted, VerdictReached
from geosleuth.agent.investigator import read_input
from geosleuth.cases.resume import load_case_folder
from geosleuth.errors import BadInputError
from geosleuth.model import CountryConstraint, PointConstraint


def collect(session, **kwargs) -> tuple[str, list[tuple[Event, int]]]:
    seen: list[tuple[Event, int]] = []
    outcome = session.run(lambda e, n: seen.append((e, n)), **kwargs)
    return outcome, seen


def test_one_step_at_a_time_then_finish(make_session, photo: Path) -> None:
    session = make_session(photo)
    outcome, seen = collect(session, steps=1)
    assert outcome == "stepped" and not session.finished
    assert [n for e, n in seen if isinstance(e, StepStarted)] == [1]
    assert [e.id for e in session.state.evidence] == ["E1"]
    outcome, seen = collect(session)
    assert outcome == "finished" and session.finished
    starts = [n for e, n in seen if isinstance(e, StepStarted)]
    assert starts == [2, 3]  # numbered across runs
    assert [s.index for s in session.state.steps] == [1, 2, 3]
    assert isinstance(seen[-1][0], CaseFinished)
    verdict = next(e for e, _ in seen if isinstance(e, VerdictReached)).verdict
    assert verdict.known and abs(verdict.lat - LISBON[0]) < 0.5


def test_pause_stops_before_the_next_step(make_session, photo: Path) -> None:
    session = make_session(photo)

    def on_event(event: Event, step: int) -> None:
        if isinstance(event, StepStarted):
            session.request_pause()

    assert session.run(on_event) == "paused"
    assert len(session.state.steps) == 1 and not session.running


def test_investigator_actions_are_evidence_with_constraints(make_session, photo: Path) -> None:
    session = make_session(photo)
    collect(session, steps=2)
    top, other = session.state.hypotheses[:2]
    rejected = session.reject(other.id)
    assert rejected.constraint.negate and rejected.constraint.lat == other.lat
    pinned = session.pin(top.id)
    assert not pinned.constraint.negate and pinned.constraint.strength >= 0.95
    (note,) = session.add_clue("the shop sign looks Portuguese")
    assert note.author == "investigator" and note.tool == "investigator"
    assert note.constraint is None and note.summary.startswith("note:")
    (country,) = session.add_clue("not-country: ES")
    assert isinstance(country.constraint, CountryConstraint)
    assert country.constraint.weights == {"ES": 0.0} and country.constraint.default == 1.0
    (point,) = session.add_clue("point: 38.71, -9.14 2")
    assert isinstance(point.constraint, PointConstraint) and point.constraint.radius_km == 2
    session.add_clue("time: 2024-06-01T14:30+01:00")  # sun_angle is not installed here
    assert "time: 2024-06-01T14:30+01:00" in session.state.case.clues
    mine = [e.args["action"] for e in session.investigator_evidence()]
    assert mine == ["reject", "pin", "note", "clue", "point", "clue"]
    with pytest.raises(BadInputError):
        session.pin("H99")


def test_a_tool_run_by_the_investigator_is_recorded(make_session, photo: Path) -> None:
    session = make_session(photo)
    added, error = session.run_tool("tram", {"city": "lisbon"})
    assert error is None
    tool_e, action = added
    assert tool_e.tool == "tram" and tool_e.data["requested_by"] == "investigator"
    assert action.author == "investigator" and action.data["produced"] == [tool_e.id]
    assert session.state.hypotheses  # fused at once
    added, error = session.run_tool("tram", {})
    assert error and "city" in error and added[-1].data["error"] == error


def test_bad_clues_say_what_is_wrong() -> None:
    with pytest.raises(BadInputError, match="ISO 3166"):
        read_input("not-country: Narnia")
    with pytest.raises(BadInputError, match="point"):
        read_input("point: north of here")
    assert read_input("Rua Augusta sign, blue").kind == "note"


def test_save_reopen_and_continue(make_session, photo: Path, settings) -> None:
    session = make_session(photo)
    collect(session, steps=1)
    session.add_clue("not-country: ES")
    folder = session.save()
    record = json.loads((folder / "case.json").read_text())
    assert [a["action"] for a in record["investigator"]] == ["clue"]
    assert "investigator" in (folder / "report.md").read_text()

    state, _ = load_case_folder(folder)
    assert [e.id for e in state.evidence] == ["E1", "E2"]
    assert state.steps[0].calls[0].name == "sign"

    reasoner = ScriptedReasoner()
    resumed = make_session(folder, reasoner)
    assert resumed.folder == folder and not resumed.finished
    outcome, seen = collect(resumed)
    assert outcome == "finished"
    assert [n for e, n in seen if isinstance(e, StepStarted)] == [2, 3]
    assert reasoner.views[0].state.steps[0].calls[0].name == "sign"  # it continued
    assert [e.id for e in resumed.state.evidence] == ["E1", "E2", "E3"]
    assert resumed.save() == folder
    again = json.loads((folder / "case.json").read_text())
    assert [s["index"] for s in again["steps"]] == [1, 2, 3]
    assert again["verdict"]["lat"] is not None


def test_resume_refuses_a_changed_photo(make_session, photo: Path) -> None:
    session = make_session(photo)
    collect(session, steps=1)
    folder = session.save()
    photo.write_bytes(photo.read_bytes() + b"\0")
    with pytest.raises(BadInputError, match="sha256"):
        load_case_folder(folder)
    with pytest.raises(BadInputError, match=r"case\.json"):
        load_case_folder(photo.parent)
