"""What the TUI shows while the offline gazetteer index is built on first use (20-60 s once):
the stage being run and how far the build is, instead of a blank terminal."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import ProgressBar, Static

SCALE = 1000  # steps of the bar


class BuildScreen(ModalScreen[None]):
    """Updated from the build's worker thread through ``stage`` and ``advance`` (called with
    ``App.call_from_thread``); the app pops it when the build is done."""

    def __init__(self, stages: int) -> None:
        super().__init__()
        self.stages = stages

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="building"):
            yield Static(Text("Building the offline gazetteer", style="bold"),
                         classes="dialog-title")
            yield Static(Text(
                "Once per cache folder: the place names of GeoNames (cities of 500 people "
                "or more) are indexed for lookups. This takes under a minute."),
                id="build-about")
            yield Static(Text("starting"), id="build-stage")
            yield ProgressBar(total=SCALE, show_eta=True, id="build-bar")

    def stage(self, number: int, what: str) -> None:
        self.query_one("#build-stage", Static).update(Text(f"{number}/{self.stages} {what}"))

    def advance(self, fraction: float) -> None:
        self.query_one("#build-bar", ProgressBar).update(progress=round(fraction * SCALE))
