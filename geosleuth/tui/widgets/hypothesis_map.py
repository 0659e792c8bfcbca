"""A small terminal map of the hypotheses: land outlines with numbered, labelled markers.

The outline is sampled in a worker thread (``outline.sample_codes``) whenever the view
or the widget's size changes; the markers are drawn over it at once, each followed by
its place's name where the row has room, with a scale bar at the bottom left and north
marked at the top right. ``m`` switches between the region around the hypotheses and the
whole world.
"""

from __future__ import annotations

from rich.text import Text
from textual import work
from textual.reactive import reactive
from textual.widget import Widget

from geosleuth.model import Hypothesis
from geosleuth.tui.widgets.outline import (
    View,
    outline_cells,
    region_view,
    sample_codes,
    scale_bar,
    short_place,
    world_view,
)

MAX_MARKERS = 5
MARKER_STYLES = ("bold black on yellow", "bold black on cyan", "bold black on magenta",
                 "bold black on green", "bold black on white")


class HypothesisMap(Widget):
    """Outline map with the top hypotheses marked 1..5 (1 is the leading one)."""

    DEFAULT_CSS = "HypothesisMap { height: 1fr; width: 1fr; }"
    world: reactive[bool] = reactive(False)

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.hypotheses: list[Hypothesis] = []
        self._lines: list[str] = []
        self._drawn: tuple[View, int, int] | None = None
        self.view: View = world_view()

    def set_hypotheses(self, hypotheses: list[Hypothesis]) -> None:
        self.hypotheses = list(hypotheses)[:MAX_MARKERS]
        self._update_view()

    def watch_world(self, _: bool) -> None:
        self._update_view()

    def on_resize(self) -> None:
        self._update_view()

    def _update_view(self) -> None:
        cols, rows = self.size.width, self.size.height
        if cols < 4 or rows < 2:
            return
        points = [(h.lat, h.lon, h.radius_km) for h in self.hypotheses]
        self.view = world_view() if self.world or not points else region_view(points, cols, rows)
        if self._drawn != (self.view, cols, rows):
            self._sample(self.view, cols, rows)
        self.refresh()

    @work(thread=True, exclusive=True, group="outline")
    def _sample(self, view: View, cols: int, rows: int) -> None:
        lines = outline_cells(sample_codes(view, cols, rows))
        self.app.call_from_thread(self._show, view, cols, rows, lines)

    def _show(self, view: View, cols: int, rows: int, lines: list[str]) -> None:
        if view == self.view:
            self._lines, self._drawn = lines, (view, cols, rows)
            self.refresh()

    def render(self) -> Text:
        cols, rows = self.size.width, self.size.height
        grid = [list(line.ljust(cols)[:cols]) for line in self._lines[:rows]]
        grid += [[" "] * cols for _ in range(rows - len(grid))]
        text_rows = [Text("".join(row), style="green") for row in grid]
        marks = []
        for rank, h in enumerate(self.hypotheses):
            cell = self.view.cell_of(h.lat, h.lon, cols, rows)
            if cell is not None:
                marks.append((cell, rank))
        taken: set[tuple[int, int]] = {cell for cell, _ in marks}
        for (x, y), rank in reversed(marks):  # the leading hypothesis drawn last, on top
            text_rows[y].stylize(MARKER_STYLES[rank % len(MARKER_STYLES)], x, x + 1)
            plain = text_rows[y].plain
            text_rows[y] = _replace(text_rows[y], x, str(rank + 1), plain)
        for (x, y), rank in marks:  # labels where the row has room, leading first
            label = short_place(self.hypotheses[rank].place)
            start, end = x + 1, x + 1 + len(label)
            if not label or end > cols or any((c, y) in taken for c in range(start, end + 1)):
                continue
            text_rows[y] = _replace(text_rows[y], start, label, text_rows[y].plain)
            text_rows[y].stylize("bold", start, end)
            taken.update((c, y) for c in range(start, end))
        label = "world" if self.world or not self.hypotheses else "region"
        if rows:
            caption = Text(f" {label} ", style="reverse")
            last = text_rows[-1]
            bar = "" if self.world or not self.hypotheses else scale_bar(self.view, cols)
            if bar and len(bar) + len(caption) < cols:
                last = _replace(last, 0, bar, last.plain)
                last.stylize("bold", 0, len(bar))
            text_rows[-1] = Text.assemble(last[: max(cols - len(caption), 0)], caption)
            if cols >= 3:
                text_rows[0] = _replace(text_rows[0], cols - 2, "N↑", text_rows[0].plain)
                text_rows[0].stylize("bold", cols - 2, cols)
        return Text("\n").join(text_rows)


def _replace(row: Text, x: int, text: str, plain: str) -> Text:
    """``row`` with ``text`` written over it from column ``x`` (its styles kept)."""
    out = row.copy()
    out.plain = plain[:x] + text + plain[x + len(text):]
    return out
