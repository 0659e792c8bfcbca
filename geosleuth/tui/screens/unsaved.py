"""The question asked before unsaved work would be closed: save it, discard it, or stay."""

from __future__ import annotations

from typing import ClassVar, Literal

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

Choice = Literal["save", "discard"]


class UnsavedScreen(ModalScreen[Choice | None]):
    """Returns ``"save"``, ``"discard"``, or None to cancel (the case stays open)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("s", "choose('save')", "Save"),
        Binding("d", "choose('discard')", "Discard"),
        Binding("escape", "choose('')", "Cancel"),
    ]

    def __init__(self, case: str, doing: str, folder: str) -> None:
        super().__init__()
        self.case = case
        self.doing = doing  # "quitting", "opening another case"
        self.folder = folder

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="unsaved"):
            yield Static(Text("Unsaved work", style="bold yellow"), classes="dialog-title")
            yield Static(Text(
                f"{self.case} has clues, actions or steps that are not saved. Save them to"
                f" {self.folder} before {self.doing}?"), id="unsaved-message")
            with Horizontal(id="unsaved-buttons"):
                yield Button("Save (s)", variant="primary", id="save")
                yield Button("Discard (d)", variant="error", id="discard")
                yield Button("Cancel (esc)", id="cancel")

    def on_mount(self) -> None:
        self.query_one("#save", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.action_choose(event.button.id or "")

    def action_choose(self, choice: str) -> None:
        self.dismiss("save" if choice == "save" else "discard" if choice == "discard" else None)
