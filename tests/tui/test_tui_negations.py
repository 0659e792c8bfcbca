"""The TUI shows a rejected hypothesis and a "not-country" clue as negations (headless)."""

from __future__ import annotations

import io
from pathlib import Path

from rich.console import Console

from geosleuth.tui.widgets.evidence import provenance


def _text(renderable: object) -> str:
    console = Console(width=200, record=True, file=io.StringIO())
    console.print(renderable)
    return console.export_text()


def test_rejection_and_not_country_read_as_negations(make_session, photo: Path) -> None:
    session = make_session(photo)
    session.run(lambda e, n: None, steps=2)
    top = session.state.hypotheses[0]
    rejected = session.reject(top.id)
    (clue,) = session.add_clue("not-country: ES")
    where = f"{top.lat:.5f}, {top.lon:.5f}"
    negation = f"not within {top.radius_km:g} km of {where}"
    # what the reasoner reads of the case in the session (the recorder's summary)
    summary = session.state.summary
    (line,) = [ln for ln in summary.splitlines() if f"{rejected.id} " in ln]
    assert f"-> {negation} (strength 0.98)" in line and f"near {where}" not in line
    (line,) = [ln for ln in summary.splitlines() if f"{clue.id} " in ln]
    assert line.endswith("-> not in ES (strength 0.90)")
    # the evidence's provenance, as the evidence tab shows it on Enter
    shown = _text(provenance(rejected))
    assert f"constraint {negation} (strength 0.98)" in " ".join(shown.split())
    assert f"near {where}" not in shown
    shown = _text(provenance(clue))
    assert "constraint not in ES (strength 0.90)" in " ".join(shown.split())
    assert "countries ES" not in shown
