"""The evidence list; select a row (Enter) for its full provenance."""

from __future__ import annotations

import json
from typing import Any

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual.widgets import DataTable

from geosleuth.model import Evidence

MAX_DATA_CHARS = 4000


class EvidenceTable(DataTable):
    """One row per piece of evidence: id, author, tool, summary."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(cursor_type="row", zebra_stripes=True, **kwargs)
        self.evidence: dict[str, Evidence] = {}

    def on_mount(self) -> None:
        self.add_column("id", key="id", width=4)
        self.add_column("by", key="by", width=3)
        self.add_column("tool", key="tool", width=14)
        self.add_column("summary", key="summary")

    def add_evidence(self, e: Evidence) -> None:
        if e.id in self.evidence:
            return
        self.evidence[e.id] = e
        by = Text("you", style="bold yellow") if e.author == "investigator" else Text(e.author[:3])
        self.add_row(Text(e.id), by, Text(e.tool), Text(e.summary), key=e.id)

    def set_evidence(self, items: list[Evidence]) -> None:
        for e in items:
            self.add_evidence(e)

    def selected(self) -> Evidence | None:
        if not self.row_count:
            return None
        key = self.coordinate_to_cell_key(self.cursor_coordinate).row_key.value
        return self.evidence.get(str(key))


def _constraint(e: Evidence) -> str:
    return e.constraint.describe() if e.constraint is not None else "none"


def provenance(e: Evidence) -> RenderableType:
    """Everything recorded about one piece of evidence (as data: no markup is interpreted)."""
    table = Table.grid(padding=(0, 1))
    table.add_column(style="bold", no_wrap=True)
    table.add_column()
    rows = [
        ("id", e.id),
        ("author", e.author),
        ("tool", f"{e.tool} {e.tool_version}"),
        ("arguments", json.dumps(e.args, ensure_ascii=False)),
        ("summary", e.summary),
        ("constraint", _constraint(e)),
        ("elapsed", f"{e.elapsed_ms:g} ms"),
        ("host", e.host or "none (local)"),
    ]
    for name, value in rows:
        table.add_row(name, Text(value))
    data = dict(e.data)
    if "geojson" in data:
        data["geojson"] = "(geometry omitted here; it is in case.json)"
    dumped = json.dumps(data, ensure_ascii=False, indent=1, default=str)
    if len(dumped) > MAX_DATA_CHARS:
        dumped = dumped[:MAX_DATA_CHARS] + "\n… (the rest is in case.json)"
    return Group(table, Text("data", style="bold"), Text(dumped))
