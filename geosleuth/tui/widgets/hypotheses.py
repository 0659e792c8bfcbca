"""The hypotheses table: score, place, radius, supporting and contradicting evidence, OSM link."""

from __future__ import annotations

from typing import Any

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual.widgets import DataTable

from geosleuth.model import Hypothesis


def osm_url(h: Hypothesis) -> str:
    """The OpenStreetMap page centred on the hypothesis, at a zoom that shows its radius."""
    zoom = 16 if h.radius_km <= 1 else 13 if h.radius_km <= 10 else 10 if h.radius_km <= 100 else 6
    return (f"https://www.openstreetmap.org/?mlat={h.lat:.5f}&mlon={h.lon:.5f}"
            f"#map={zoom}/{h.lat:.5f}/{h.lon:.5f}")


def _ids(ids: list[str], n: int = 3) -> str:
    return ",".join(ids[:n]) + ("…" if len(ids) > n else "") if ids else "—"


class HypothesesTable(DataTable):
    """Ranked hypotheses; the OSM column is a terminal hyperlink."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(cursor_type="row", zebra_stripes=True, **kwargs)
        self.hypotheses: list[Hypothesis] = []

    def on_mount(self) -> None:
        for label, width in (("id", 3), ("p", 5), ("place", None), ("km", 6), ("for", 9),
                             ("against", 9), ("map", 4)):
            self.add_column(label, key=label, width=width)

    def set_hypotheses(self, hypotheses: list[Hypothesis]) -> None:
        keep = self.cursor_row
        self.hypotheses = list(hypotheses)
        self.clear()
        for h in self.hypotheses:
            url = osm_url(h)
            self.add_row(
                Text(h.id), Text(f"{h.score:.2f}"), Text(h.place or f"{h.lat:.3f},{h.lon:.3f}"),
                Text(f"{h.radius_km:g}"), Text(_ids(h.supported_by), style="green"),
                Text(_ids(h.contradicted_by), style="red"),
                Text("osm", style=f"underline link {url}"), key=h.id,
            )
        if self.hypotheses:
            self.move_cursor(row=min(keep, len(self.hypotheses) - 1))

    def selected(self) -> Hypothesis | None:
        if not self.hypotheses:
            return None
        return self.hypotheses[min(self.cursor_row, len(self.hypotheses) - 1)]


def hypothesis_detail(h: Hypothesis) -> RenderableType:
    table = Table.grid(padding=(0, 1))
    table.add_column(style="bold", no_wrap=True)
    table.add_column()
    for name, value in (
        ("id", h.id), ("score", f"{h.score:.3f}"), ("place", h.place or "unnamed"),
        ("point", f"{h.lat:.5f}, {h.lon:.5f}"), ("radius", f"{h.radius_km:g} km"),
        ("country", h.country_code or "—"), ("supported by", ", ".join(h.supported_by) or "—"),
        ("contradicted by", ", ".join(h.contradicted_by) or "—"),
    ):
        table.add_row(name, Text(value))
    url = osm_url(h)
    return Group(table, Text(""), Text("OpenStreetMap:", style="bold"),
                 Text(url, style=f"link {url}"))
