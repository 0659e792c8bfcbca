"""Modal dialogs: an error, a detail view (evidence provenance, a hypothesis), and a help card."""

from __future__ import annotations

from typing import ClassVar

from rich.console import RenderableType
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Static


class ErrorScreen(ModalScreen[None]):
    """An error in one clear line (and what to do), instead of a traceback."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape,enter,q", "dismiss", "Close")]

    def __init__(self, message: str, title: str = "Error") -> None:
        super().__init__()
        self.message = message
        self.title_text = title

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="error"):
            yield Static(Text(self.title_text, style="bold red"), classes="dialog-title")
            yield Static(Text(self.message), id="error-message")
            yield Button("OK", variant="error", id="ok")

    def on_mount(self) -> None:
        self.query_one("#ok", Button).focus()

    def on_button_pressed(self, _: Button.Pressed) -> None:
        self.dismiss()


class DetailScreen(ModalScreen[None]):
    """A scrollable view of one item (evidence with its provenance, a hypothesis)."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape,enter,q", "dismiss", "Close")]

    def __init__(self, title: str, body: RenderableType) -> None:
        super().__init__()
        self.title_text = title
        self.body = body

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="detail"):
            yield Static(Text(self.title_text, style="bold"), classes="dialog-title")
            with VerticalScroll(id="detail-body"):
                yield Static(self.body)
            yield Static(Text("Esc closes", style="dim"))

    def on_mount(self) -> None:
        self.query_one("#detail-body").focus()


HELP = """\
Watch and steer
  c  continue the loop        n  run one step      p  pause before the next step
  f  stop and conclude        m  map: region/world  1 2 3  steps, evidence, hypotheses
  v  the map as a picture (map.png: circles, evidence, coasts, borders, towns)
Add what you know
  a  add a clue or a note     t  run one tool with your arguments
  z  zoom into a region and OCR it    g  search the map for a name
  k  pin the selected hypothesis    r  reject it    Enter  details of the selected row
Cases
  s  save the report now      o  open another photo or case folder    q  quit
  o and q ask first when there is unsaved work: s save, d discard, Esc stay
Ctrl+P opens the command palette with every action.

Clue box: a note (any text), or
  time: 2024-06-01T14:30+02:00      shadow: height=1.8m length=2.4m [bearing=135]
  sun: elevation=35±2               country: FR    not-country: FR
  point: 48.8584, 2.2945 [radius km]    place: Lisbon
"""


class HelpScreen(ModalScreen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,enter,q,question_mark", "dismiss", "Close")]

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="detail"):
            yield Static(Text("Keys", style="bold"), classes="dialog-title")
            with VerticalScroll(id="detail-body"):
                yield Static(Text(HELP))
