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

# Arguments offered for the tools an investigator reaches for most; other tools get a
# template from their schema's required properties.
EXAMPLES: dict[str, dict[str, Any]] = {
    "ocr_signage": {"region": [0.0, 0.0, 1.0, 0.5]},
    "map_search": {"op": "search", "text": "Rua Augusta"},
    "sun_angle": {"time": "2024-06-01T14:30+01:00", "object_height_m": 1.8,
                  "shadow_length_m": 2.4},
    "zoom": {"x": 0.25, "y": 0.25, "width": 0.5, "height": 0.5},
    "timezone_check": {"lat": 38.72, "lon": -9.14},
    "place_lookup": {"name": "Lisboa"},
}
_BLANKS = {"string": "", "number": 0, "integer": 0, "boolean": False, "array": [], "object": {}}


def example_args(spec: dict[str, Any]) -> dict[str, Any]:
    if spec["name"] in EXAMPLES:
        return EXAMPLES[spec["name"]]
    props = spec.get("parameters", {}).get("properties", {})
    return {name: _BLANKS.get(str(props.get(name, {}).get("type")), "")
            for name in spec.get("parameters", {}).get("required", [])}


class ToolScreen(ModalScreen[tuple[str, dict[str, Any]] | None]):
    """Pick a tool and give its arguments; returns (name, arguments) or None."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, specs: list[dict[str, Any]], preset: tuple[str, dict[str, Any]] | None = None
                 ) -> None:
        super().__init__()
        self.specs = {s["name"]: s for s in specs}
        self.preset = preset

    def compose(self) -> ComposeResult:
        names = sorted(self.specs)
        first = self.preset[0] if self.preset and self.preset[0] in self.specs else (
            "ocr_signage" if "ocr_signage" in names else names[0] if names else Select.BLANK)
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
            args if args is not None else example_args(spec), ensure_ascii=False)
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
