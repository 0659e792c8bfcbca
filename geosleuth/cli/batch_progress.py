"""The Rich progress bar of ``batch`` and ``eval`` (on stderr), and their closing summary."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    SpinnerColumn,
    Task,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.text import Text

from geosleuth.batch.runner import BatchOutcome, BatchTask, run_batch
from geosleuth.batch.runner import Progress as BatchProgress
from geosleuth.cli.console import make_console
from geosleuth.settings import Settings


class RateColumn(ProgressColumn):
    """Photos per minute, from Rich's moving estimate of the task's speed."""

    def render(self, task: Task) -> Text:
        speed = task.finished_speed or task.speed
        if not speed:
            return Text("– photos/min", style="progress.data.speed")
        return Text(f"{speed * 60:.1f} photos/min", style="progress.data.speed")


def run_with_progress(
    tasks: list[BatchTask], out: Path, settings: Settings, *, label: str = "batch",
    console: Console | None = None, **options: Any,
) -> BatchOutcome:
    """``run_batch`` with a progress bar (rate, elapsed, ETA) when stderr is a terminal."""
    err = console or make_console(stderr=True)
    columns = (SpinnerColumn(), TextColumn("[bold]{task.description}"), BarColumn(),
               MofNCompleteColumn(), RateColumn(), TimeElapsedColumn(), TextColumn("ETA"),
               TimeRemainingColumn(), TextColumn("{task.fields[counts]}"))
    with Progress(*columns, console=err, transient=False,
                  disable=not err.is_terminal) as bar:
        task_id = bar.add_task(f"{label}: hashing", total=None, counts="")

        def show(p: BatchProgress) -> None:
            counts = (f"[green]{p.answered} answered[/green] · {p.no_answer} no answer · "
                      + (f"[red]{p.failed} failed[/red]" if p.failed else "0 failed"))
            if p.skipped:
                counts += f" · {p.skipped} done before"
            if p.retried:
                counts += f" · {p.retried} run again"
            if p.workers:
                counts += f" · {len(p.workers)} worker{'s' * (len(p.workers) != 1)}"
            bar.update(task_id, total=p.total if p.phase == "running" else None,
                       completed=p.done, counts=counts,
                       description=label if p.phase == "running" else f"{label}: {p.phase}")

        return run_batch(tasks, out, settings, on_progress=show, **options)


def print_outcome(outcome: BatchOutcome, console: Console | None = None) -> None:
    err = console or make_console(stderr=True)
    rows = outcome.rows
    answered = sum(r["status"] == "answered" for r in rows)
    no_answer = sum(r["status"] == "no_answer" for r in rows)
    failed = [r for r in rows if r["status"] == "error"]
    rate = outcome.ran / outcome.elapsed_s * 60 if outcome.elapsed_s > 0 and outcome.ran else 0.0
    how = outcome.executor
    if outcome.executor == "ray":
        how = (f"ray: {outcome.workers} worker{'s' * (outcome.workers != 1)} on the "
               f"{outcome.engine_note or 'Ray cluster'}")
    err.print(
        f"{len(rows)} photos in the summaries: {answered} answered, {no_answer} no answer, "
        f"{len(failed)} failed; ran {outcome.ran} now ({rate:.1f} photos/min, "
        f"{escape(how)}, {outcome.jobs} job{'s' if outcome.jobs != 1 else ''})"
        + (f", {outcome.skipped} done before" if outcome.skipped else "")
    )
    if outcome.worker_deaths:
        err.print(f"[yellow]{outcome.worker_deaths} Ray worker(s) died; "
                  f"{outcome.retried} unfinished photo(s) of theirs were run again on the "
                  "others[/yellow]")
    if outcome.duplicates:
        err.print(f"{len(outcome.duplicates)} file(s) have the same bytes as another and were "
                  "not run again, e.g. " + escape(" = ".join(outcome.duplicates[0])))
    if outcome.dropped_lines:
        err.print(f"[yellow]dropped {outcome.dropped_lines} damaged line(s) of the journal "
                  "(an interrupted write); those photos were run again[/yellow]")
    for row in failed[:10]:
        err.print(f"  [red]failed[/red] {escape(row['path'])}: {escape(str(row['error'])[:200])}")
    if len(failed) > 10:
        err.print(f"  … and {len(failed) - 10} more (see summary.csv)")
    err.print(f"Summaries: {outcome.out}/results.jsonl, summary.csv, all.geojson, all.kml")
    if outcome.interrupted:
        err.print("[yellow]interrupted[/yellow]: pass --resume with the same --out to finish")


def exit_now_if_abandoned(outcome: BatchOutcome) -> None:
    """After a second Ctrl-C, leave without waiting for worker threads to finish."""
    if outcome.stopped_now:
        import os

        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(130)
