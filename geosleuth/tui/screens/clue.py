"""The clue box: one line, read as you type (a note, a capture time, a shadow, a country...)."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from geosleuth.agent.investigator import describe_input, read_input
from geosleuth.errors import GeosleuthError

HINT = ("note text · time: 2024-06-01T14:30+02:00 · shadow: height=1.8m length=2.4m · "
        "sun: elevation=35±2 · country: FR · not-country: FR · point: lat, lon [km] · "
        "place: Lisbon")


class ClueScreen(ModalScreen[str | None]):
    """Returns the text typed (Enter) or None (Esc)."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static(Text("Add a clue or a note", style="bold"), classes="dialog-title")
            yield Input(placeholder="e.g. not-country: FR", id="clue-input")
            yield Static(Text("", style="dim"), id="clue-preview")
            yield Static(Text(HINT, style="dim"), id="clue-hint")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    def on_input_changed(self, event: Input.Changed) -> None:
        preview = self.query_one("#clue-preview", Static)
        if not event.value.strip():
            preview.update("")
            return
        try:
            preview.update(Text("→ " + describe_input(read_input(event.value)), style="green"))
        except GeosleuthError as exc:
            preview.update(Text(str(exc), style="yellow"))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.value.strip():
            self.dismiss(event.value)

    def action_cancel(self) -> None:
        self.dismiss(None)
