"""A negated constraint (a rejected hypothesis, a "not-country" clue) reads as a negation
wherever evidence is shown: the recorder's summary, a model reasoner's prompt, the
verifier's request and the report."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from geosleuth.agent import investigator
from geosleuth.agent.reasoner import View
from geosleuth.agent.recorder import Recorder
from geosleuth.agent.state import CaseState
from geosleuth.backends.chat import Capabilities, ChatReply, Message
from geosleuth.backends.llm_reasoner import LLMReasoner
from geosleuth.cases.record import case_record
from geosleuth.images import load_case
from geosleuth.model import Hypothesis, Verdict
from geosleuth.paths.verifier import EvidenceVerifier, ModelVerifier, path_summary
from geosleuth.report.markdown import render
from geosleuth.settings import Settings

MADRID = Hypothesis(id="H2", lat=40.4168, lon=-3.7038, radius_km=10, score=0.3,
                    place="Madrid, Spain")
REJECTED = "not within 10 km of 40.41680, -3.70380"
NEAR_MADRID = "near 40.41680, -3.70380"
NOT_ES = "not in ES"


class Mute:
    """A chat model that is never called: the tests read the requests built for it."""

    provider = "fake"
    model = "fake-model"
    host = "127.0.0.1"
    remote = False
    capabilities = Capabilities(vision=False)

    def chat(self, messages: list[Message], tools: Any = None, **kw: Any) -> ChatReply:
        raise AssertionError("not called")


@pytest.fixture
def recorder(tmp_path: Path) -> Recorder:
    """A case opened with "not-country: ES" in which the investigator rejected Madrid."""
    photo = tmp_path / "p.png"
    Image.new("RGB", (40, 30)).save(photo)
    rec = Recorder(load_case(photo, clues=("not-country: ES",)))
    investigator.seed_case_clues(rec)
    rec.add(investigator.reject(rec.next_id(), MADRID))
    rec.fuse()
    return rec


def _lines(text: str, eid: str) -> list[str]:
    return [ln for ln in text.splitlines() if f"{eid} " in ln]


def test_the_recorders_summary_says_not(recorder: Recorder) -> None:
    summary = recorder.summary()
    (clue,) = _lines(summary, "E1")
    assert clue.endswith(f"-> {NOT_ES} (strength 0.90)")
    (reject,) = _lines(summary, "E2")
    assert f"-> {REJECTED} (strength 0.98)" in reject and "near" not in reject
    assert recorder.state.summary == summary


def test_a_model_reasoners_prompt_says_not(recorder: Recorder, tmp_path: Path) -> None:
    reasoner = LLMReasoner(Mute(), Settings(cache_dir=tmp_path), name="fake")  # type: ignore[arg-type]
    view = View(recorder.state, 1, 4, [], recorder.summary())
    messages, _, shown = reasoner.messages(view)
    prompt = "\n".join(m.text for m in messages)
    assert REJECTED in prompt and f"-> {NOT_ES}" in prompt
    assert NEAR_MADRID not in prompt and "countries ES" not in prompt
    assert REJECTED in shown


def test_the_verifiers_request_says_not(recorder: Recorder) -> None:
    state = recorder.state
    state.verdict = Verdict(lat=38.72, lon=-9.14, radius_km=25, confidence=0.8, level="city",
                            evidence=["E1"])
    other = CaseState(case=state.case, evidence=list(state.evidence), path=1,
                      verdict=state.verdict)
    text = path_summary(state)
    assert f"-> {NOT_ES}" in text and f"-> {REJECTED}" in text
    assert "strength" not in text and NEAR_MADRID not in text  # still no scores
    verifier = ModelVerifier(Mute(), Settings(), EvidenceVerifier(25.0))  # type: ignore[arg-type]
    _, request = verifier.messages(state.case, [state, other])
    assert request.count(f"-> {NOT_ES}") == 2 and request.count(f"-> {REJECTED}") == 2
    assert "countries ES" not in request and NEAR_MADRID not in request


def test_the_report_says_not(recorder: Recorder) -> None:
    record = case_record(recorder.state, Settings(), backend="offline", model=None, total_ms=1)
    text = render(record)
    table = [ln for ln in text.splitlines() if ln.startswith(("| E1 ", "| E2 "))]
    assert len(table) == 2
    assert f"| {NOT_ES} (strength 0.90) |" in table[0]
    assert f"| {REJECTED} (strength 0.98) ([map](https://www.openstreetmap.org/" in table[1]
    mine = text.split("## The investigator's actions", 1)[1].split("##", 1)[0]
    assert f"E1 (clue): clue: not in ES → {NOT_ES}" in mine
    assert f"→ {REJECTED}" in mine
    assert NEAR_MADRID not in text
