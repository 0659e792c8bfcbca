"""Clues given with --clue become the investigator's evidence before the loop starts."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

from geosleuth.agent.events import CaseFinished
from geosleuth.agent.investigator import seed_case_clues
from geosleuth.agent.reasoner import Action, View
from geosleuth.agent.recorder import Recorder
from geosleuth.cases.paths import run_paths
from geosleuth.cases.runner import investigate_photo
from geosleuth.errors import BadInputError
from geosleuth.images import load_case
from geosleuth.settings import Settings
from geosleuth.tools.registry import Registry


class Conclude:
    name = "scripted"
    model = None

    def decide(self, view: View) -> Action:
        return Action(conclude=True)


@pytest.fixture
def photo(tmp_path: Path) -> Path:
    path = tmp_path / "p.png"
    Image.new("RGB", (40, 30)).save(path)
    return path


def test_clues_become_investigator_evidence(photo: Path) -> None:
    clues = ("country: PT", "not-country: ES", "point: 41.15, -8.61 5",
             "time: 2024-06-01T14:30+01:00")
    case = load_case(photo, clues=clues)
    events: list = []
    run_paths(case, Settings(steps=2), k=1, make=lambda s, i: Conclude(), tools=Registry(),
              on_event=events.append)
    state = events[-1].state if isinstance(events[-1], CaseFinished) else None
    assert state is not None
    mine = [e for e in state.evidence if e.author == "investigator"]
    assert [e.args["clue"] for e in mine] == list(clues)
    kinds = [e.constraint.kind if e.constraint else None for e in mine]
    assert kinds == ["countries", "countries", "point", None]
    assert mine[1].constraint.weights == {"ES": 0.0} and mine[1].constraint.default == 1.0
    v = state.verdict
    assert v.country_code == "PT" and v.radius_km <= 25


def test_seeding_twice_adds_nothing(photo: Path) -> None:
    recorder = Recorder(load_case(photo, clues=("not-country: FR",)))
    assert len(seed_case_clues(recorder)) == 1
    assert seed_case_clues(recorder) == []
    assert len(recorder.state.evidence) == 1


def test_unreadable_clue_is_bad_input(photo: Path) -> None:
    with pytest.raises(BadInputError, match="shadow"):
        investigate_photo(photo, Settings(), clues=("shadow: height=abc",))
