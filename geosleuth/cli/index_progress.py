"""The first run's gazetteer build on a terminal: a Rich progress bar with the stage.

The bar moves by the share of the build done (``build_index``'s ``progress``, weighted by
the measured time of each stage) and names the stage being run (its ``report``), with
the time elapsed and an estimate of the time left. Off a terminal the CLI prints one line
per stage instead (``geosleuth.cli.render.prepare_gazetteer``).
"""

from __future__ import annotations

from pathlib import Path

from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    Progress,
    TaskProgressColumn,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

SCALE = 1000  # steps of the bar


def build_with_bar(cache_dir: Path, console: Console, stages: int) -> None:
    """Open (and so build) the gazetteer of ``cache_dir`` behind a progress bar."""
    from geosleuth.geo.gazetteer import Gazetteer

    columns = (TextColumn("[dim]{task.description}[/dim]"), BarColumn(),
               TaskProgressColumn(), TimeElapsedColumn(), TimeRemainingColumn())
    with Progress(*columns, console=console, transient=False) as bar:
        task = bar.add_task("starting", total=SCALE)

        def report(n: int, what: str) -> None:
            bar.update(task, description=f"{n}/{stages} {escape(what)}")

        def progress(fraction: float) -> None:
            bar.update(task, completed=round(fraction * SCALE))

        Gazetteer.open(cache_dir, report=report, progress=progress)
