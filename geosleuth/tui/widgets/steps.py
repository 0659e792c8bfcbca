"""The live steps of the loop: one line per event as it streams in.

Everything shown comes from tools, the model or the photo, so it is added as plain
``Text`` (never parsed as markup) with no control character raw (``printable``): text
read from an image or written by a model cannot restyle the screen.
"""

from __future__ import annotations

import json

from rich.text import Text
from textual.widgets import RichLog

from geosleuth.agent.events import (
    CaseFinished,
    Event,
    EvidenceAdded,
    HypothesesUpdated,
    StepStarted,
    Thought,
    ToolCalled,
    ToolFailed,
    VerdictReached,
    VerdictRejected,
)
from geosleuth.model import Evidence, Verdict
from geosleuth.text.quoting import printable

MAX_ARGS = 70


def verdict_line(verdict: Verdict) -> str:
    if not verdict.known:
        return "no answer (level unknown, confidence 0)"
    return (f"{printable(verdict.place or 'unnamed place')} ({verdict.lat:.4f}, {verdict.lon:.4f}) "
            f"±{verdict.radius_km:g} km, confidence {verdict.confidence:.2f}, {verdict.level}")


def event_text(event: Event, step: int) -> Text | None:
    """The log line of one event (None for events the log does not show)."""
    if isinstance(event, StepStarted):
        return Text(f"── step {step} ──", style="bold")
    if isinstance(event, Thought):
        return Text.assemble(("  thinks ", "dim"), (printable(event.text, newlines=True), "italic"))
    if isinstance(event, ToolCalled):
        args = printable(json.dumps(event.args, ensure_ascii=False))
        args = args if len(args) <= MAX_ARGS else args[: MAX_ARGS - 1] + "…"
        return Text.assemble(("  → ", "cyan"), (printable(event.tool), "bold cyan"), " ",
                             (args, "dim"))
    if isinstance(event, EvidenceAdded):
        return evidence_text(event.evidence)
    if isinstance(event, ToolFailed):
        return Text.assemble(("    ✗ ", "yellow"), (printable(event.tool), "yellow"), ": ",
                             printable(event.error))
    if isinstance(event, HypothesesUpdated):
        if not event.hypotheses:
            return Text("  hypotheses: none yet", style="magenta")
        h = event.hypotheses[0]
        return Text.assemble(("  ◆ ", "magenta"), (h.id, "bold magenta"),
                             f" p={h.score:.2f} {printable(h.place or 'unnamed')}"
                             f" ±{h.radius_km:g} km",
                             (f"  ({len(event.hypotheses)} in all)", "dim"))
    if isinstance(event, VerdictRejected):
        return Text.assemble(("  verdict rejected: ", "yellow"), printable(event.reason))
    if isinstance(event, VerdictReached):
        how = "forced verdict: " if event.forced else "verdict: "
        return Text.assemble(("★ " + how, "bold green"), verdict_line(event.verdict))
    if isinstance(event, CaseFinished):
        if event.error:
            return Text.assemble(("case stopped: ", "bold red"), printable(event.error))
        return Text("case finished — add evidence and continue (c), or save (s)", style="dim")
    return None


def evidence_text(e: Evidence) -> Text:
    who = ("    ✎ ", "bold yellow") if e.author == "investigator" else ("    + ", "green")
    return Text.assemble(who, (e.id, "bold green"), " ", (printable(e.tool), "dim"), " ",
                         printable(e.summary))


class StepsLog(RichLog):
    """The running account of the investigation."""

    def __init__(self, **kwargs: object) -> None:
        super().__init__(wrap=True, markup=False, highlight=False, max_lines=2000,
                         **kwargs)  # type: ignore[arg-type]

    def add_event(self, event: Event, step: int) -> None:
        line = event_text(event, step)
        if line is not None:
            self.write(line)

    def add_note(self, text: Text | str) -> None:
        self.write(text if isinstance(text, Text) else Text(text))
