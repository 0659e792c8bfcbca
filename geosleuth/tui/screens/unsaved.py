"""Questions about unsaved work: before closing it (save, discard or stay), and when a journal
of work a session never saved is found (restore it, discard it, or leave it for later)."""

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


Restore = Literal["restore", "discard"]


class RestoreScreen(ModalScreen[Restore | None]):
    """Offered when a photo is opened whose autosave journal holds work a session never
    saved (it crashed, was killed, or its terminal closed). Returns ``"restore"``,
    ``"discard"`` (the journal is removed), or None (open without it; it stays for later)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("r", "choose('restore')", "Restore"),
        Binding("d", "choose('discard')", "Discard"),
        Binding("escape", "choose('')", "Not now"),
    ]

    def __init__(self, case: str, when: str, items: int, steps: int) -> None:
        super().__init__()
        self.case = case
        self.when = when
        self.items = items
        self.steps = steps

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="unsaved"):
            yield Static(Text("Unsaved work found", style="bold yellow"), classes="dialog-title")
            yield Static(Text(
                f"A session on {self.case} ended at {self.when} without saving: "
                f"{self.items} item(s) of yours and {self.steps} step(s) of the loop. "
                "Restore that work?"), id="restore-message")
            with Horizontal(id="unsaved-buttons"):
                yield Button("Restore (r)", variant="primary", id="restore")
                yield Button("Discard it (d)", variant="error", id="discard")
                yield Button("Not now (esc)", id="later")

    def on_mount(self) -> None:
        self.query_one("#restore", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.action_choose(event.button.id or "")

    def action_choose(self, choice: str) -> None:
        self.dismiss("restore" if choice == "restore"
                     else "discard" if choice == "discard" else None)
