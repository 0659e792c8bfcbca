"""Rich output for the terminal: progress lines while the loop runs, and the case summary.

Every text that comes from a model, a tool, the photo or a file name goes through ``_t``:
no control character reaches the terminal raw (``text.quoting.printable``) and no markup
is read from it (``rich.markup.escape``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from geosleuth.agent.events import (
    Event,
    EvidenceAdded,
    HypothesesUpdated,
    StepStarted,
    ToolCalled,
    ToolFailed,
    VerdictRejected,
)
from geosleuth.cli.console import make_console
from geosleuth.settings import Settings
from geosleuth.text.quoting import clip, printable


def _t(text: object, limit: int | None = None) -> str:
    """Outside text as Rich shows it verbatim: control characters escaped, markup escaped."""
    s = printable(text)
    return escape(s if limit is None else clip(s, limit))  # cut with an ellipsis


def progress_printer(console: Console | None = None):  # -> Callable[[Event], None]
    err = console or make_console(stderr=True)

    def show(event: Event) -> None:
        if isinstance(event, StepStarted):
            err.print(f"[dim]step {event.step}/{event.budget}[/dim]")
        elif isinstance(event, ToolCalled):
            err.print(f"  [cyan]→ {_t(event.tool)}[/cyan]")
        elif isinstance(event, EvidenceAdded):
            err.print(
                f"    [green]{_t(event.evidence.id)}[/green] {_t(event.evidence.summary, 110)}"
            )
        elif isinstance(event, ToolFailed):
            err.print(
                f"    [yellow]{_t(event.tool)} failed:[/yellow] {_t(event.error, 150)}"
            )
        elif isinstance(event, HypothesesUpdated) and event.hypotheses:
            h = event.hypotheses[0]
            err.print(
                f"  [magenta]{h.id}[/magenta] p={h.score:.2f} {_t(h.place or '')}"
                f" ±{h.radius_km:g} km"
            )
        elif isinstance(event, VerdictRejected):
            err.print(f"  [yellow]verdict rejected:[/yellow] {_t(event.reason)}")

    return show


def print_summary(record: dict[str, Any], folder: Path, console: Console | None = None) -> None:
    out = console or make_console()
    v = record["verdict"]
    if v["lat"] is None:
        out.print("[bold]Verdict:[/bold] no answer (level unknown, confidence 0)")
    else:
        out.print(
            f"[bold]Verdict:[/bold] {_t(v['place'] or 'unnamed place')} "
            f"({v['lat']:.5f}, {v['lon']:.5f}) within {v['radius_km']:g} km, "
            f"confidence [bold]{v['confidence']:.2f}[/bold], level {v['level']}"
        )
        if v.get("country_confidence") is not None and v.get("country_code"):
            out.print(f"  in {_t(v['country_code'])} (anywhere in it): probability"
                      f" {v['country_confidence']:.2f}")
    if record["hypotheses"]:
        table = Table(title="Hypotheses", show_lines=False)
        for col in ("id", "p", "place", "lat, lon", "km", "supported by", "contradicted by"):
            table.add_column(col)
        for h in record["hypotheses"][:5]:
            table.add_row(
                h["id"],
                f"{h['score']:.3f}",
                _t(h["place"] or "—"),
                f"{h['lat']:.5f}, {h['lon']:.5f}",
                f"{h['radius_km']:g}",
                ", ".join(h["supported_by"]) or "—",
                ", ".join(h["contradicted_by"]) or "—",
            )
        out.print(table)
    key = [e for e in record["evidence"] if e.get("constraint")][:6]
    if key:
        out.print("[bold]Key evidence[/bold]")
        for e in key:
            out.print(f"  {e['id']} [dim]{_t(e['tool'])}[/dim] {_t(e['summary'], 120)}")
    out.print(f"Case folder: {_t(folder)}  (report.md, report.html, map.png, case.kml,"
              " hypotheses.geojson, case.json)")


def prepare_gazetteer(settings: Settings, console: Console | None = None) -> None:
    """Build the gazetteer index now if it is missing, showing its stages: it takes about a
    minute once (a progress bar with the stage on a terminal, one line per stage elsewhere).

    Batch runs call this before starting workers, so the index is built once, not per worker.
    """
    from geosleuth.geo.gazetteer import Gazetteer, index_path
    from geosleuth.geo.gazetteer_build import BUILD_STAGES

    if index_path(settings.cache_dir).exists():
        return
    err = console or make_console(stderr=True)
    err.print(
        f"[dim]Building the offline gazetteer index in {escape(str(settings.cache_dir))}"
        " (once; about a minute)…[/dim]"
    )
    if not err.is_terminal:
        Gazetteer.open(settings.cache_dir, report=lambda n, what: err.print(
            f"[dim]  {n}/{BUILD_STAGES} {escape(what)}[/dim]"))
        return
    from geosleuth.cli.index_progress import build_with_bar

    build_with_bar(settings.cache_dir, err, BUILD_STAGES)


def warn_broken_plugins() -> None:
    """One line on stderr per plugin that failed to load; the other tools still work."""
    import sys

    from geosleuth.cases.wiring import registry

    for warning in registry().warnings:
        print(f"geosleuth: warning: {warning}", file=sys.stderr)
