"""Run one tool with the investigator's arguments (JSON), e.g. OCR a region, search the map."""

from __future__ import annotations

import json
from typing import Any, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Select, Static

_BLANKS = {"string": "", "number": 0, "integer": 0, "boolean": False, "array": [], "object": {}}


def example_args(spec: dict[str, Any], example: dict[str, Any] | None = None) -> dict[str, Any]:
    """The arguments the dialog offers: the tool's own example (``ClueTool.example_args``),
    else a template from its schema's required properties."""
    if example is not None:
        return example
    props = spec.get("parameters", {}).get("properties", {})
    return {name: _BLANKS.get(str(props.get(name, {}).get("type")), "")
            for name in spec.get("parameters", {}).get("required", [])}


class ToolScreen(ModalScreen[tuple[str, dict[str, Any]] | None]):
    """Pick a tool and give its arguments; returns (name, arguments) or None."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, specs: list[dict[str, Any]],
                 preset: tuple[str, dict[str, Any]] | None = None,
                 examples: dict[str, dict[str, Any]] | None = None, first: str | None = None
                 ) -> None:
        super().__init__()
        self.specs = {s["name"]: s for s in specs}
        self.preset = preset
        self.examples = examples or {}
        self.first = first

    def compose(self) -> ComposeResult:
        names = sorted(self.specs)
        first = self.preset[0] if self.preset and self.preset[0] in self.specs else (
            self.first if self.first in self.specs else names[0] if names else Select.BLANK)
        with Vertical(id="dialog"):
            yield Static(Text("Run one tool", style="bold"), classes="dialog-title")
            yield Select([(n, n) for n in names], value=first, allow_blank=False, id="tool-name")
            yield Input(id="tool-args", placeholder='{"arg": "value"}')
            yield Static(Text("", style="dim"), id="tool-help")
            yield Static(Text("Enter runs it · Tab moves · Esc cancels", style="dim"))

    def on_mount(self) -> None:
        select = self.query_one("#tool-name", Select)
        preset = self.preset[1] if self.preset and self.preset[0] == select.value else None
        self._fill(str(select.value), preset)
        self.query_one("#tool-args", Input).focus()

    def _fill(self, name: str, args: dict[str, Any] | None = None) -> None:
        spec = self.specs.get(name)
        if spec is None:
            return
        self._shown = name
        self.query_one("#tool-args", Input).value = json.dumps(
            args if args is not None else example_args(spec, self.examples.get(name)),
            ensure_ascii=False)
        props = ", ".join(spec.get("parameters", {}).get("properties", {})) or "none"
        self.query_one("#tool-help", Static).update(
            Text(f"{spec['description']}\narguments: {props}", style="dim"))

    def on_select_changed(self, event: Select.Changed) -> None:
        if event.value is not Select.BLANK and event.value != getattr(self, "_shown", None):
            self._fill(str(event.value))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        name = str(self.query_one("#tool-name", Select).value)
        try:
            args = json.loads(event.value or "{}")
        except json.JSONDecodeError as exc:
            self.query_one("#tool-help", Static).update(
                Text(f"the arguments are not JSON: {exc.msg} at column {exc.colno}", style="red"))
            return
        if not isinstance(args, dict):
            self.query_one("#tool-help", Static).update(
                Text('the arguments must be a JSON object like {"text": "..."}', style="red"))
            return
        self.dismiss((name, args))

    def action_cancel(self) -> None:
        self.dismiss(None)
