"""``geosleuth eval DATASET`` (score the locator against ground truth) and ``eval compare A B``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from geosleuth.cli.run_options import (
    Address,
    Backend,
    Cache,
    Clues,
    Engine,
    ExecutorOpt,
    Jobs,
    MaxCost,
    MaxTokens,
    Model,
    Network,
    Paths,
    Resume,
    RetryErrors,
    ShardSize,
    Steps,
    Workers,
)


class _RunByDefault(TyperGroup):
    """``eval DATASET`` means ``eval run DATASET``; ``eval compare A B`` is a sub-command."""

    def parse_args(self, ctx: typer.Context, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and args[0] not in ("--help", "-h"):
            args = ["run", *args]
        return super().parse_args(ctx, args)


eval_app = typer.Typer(
    cls=_RunByDefault,
    no_args_is_help=True,
    help="Evaluate against ground truth: 'geosleuth eval DATASET' runs the locator over a "
         "dataset (CSV/JSONL with image and lat/lon and/or country, or IM2GPS3K, YFCC4K, "
         "OSV-5M, MAPBench metadata) and writes metrics.json, summary.md, per-photo rows "
         "and plots; 'geosleuth eval compare RUN_A RUN_B' shows the difference.",
)


def register(app: typer.Typer) -> None:
    app.add_typer(eval_app, name="eval")


@eval_app.command("run", help="Run the locator over DATASET and score it (the default).")
def run(
    dataset: Annotated[Path, typer.Argument(
        help="The dataset file (CSV, JSONL or JSON). Its image column holds paths (relative "
             "to the file) or URIs (s3://, https://, … read through fsspec: pip install "
             "'geosleuth[remote]').")],
    out: Annotated[Path | None, typer.Option(
        "--out", "-o", help="Folder for the report, summaries and case folders "
                            "[default: ./cases/eval-<dataset name>].")] = None,
    dataset_format: Annotated[str, typer.Option(
        "--format", help="auto, generic, im2gps3k, yfcc4k, osv5m or mapbench.")] = "auto",
    images: Annotated[Path | None, typer.Option(
        "--images", help="Folder of the benchmark's images (for the benchmark layouts).")] = None,
    ignore_metadata: Annotated[bool, typer.Option(
        "--ignore-metadata/--use-metadata",
        help="Hide EXIF position and time from the tools, so photos with GPS can be a "
             "test set.")] = False,
    limit: Annotated[int | None, typer.Option(
        "--limit", min=1, help="Only the first N photos of the dataset.")] = None,
    by: Annotated[list[str] | None, typer.Option(
        "--by", help="Also break the metrics down by this label column (repeatable).")] = None,
    plots: Annotated[bool, typer.Option("--plots/--no-plots", help="Draw the PNG plots.")] = True,
    jobs: Jobs = None,
    resume: Resume = False,
    retry_errors: RetryErrors = False,
    executor: ExecutorOpt = "auto",
    engine: Engine = "local",
    address: Address = None,
    workers: Workers = None,
    shard_size: ShardSize = None,
    backend: Backend = None,
    model: Model = None,
    steps: Steps = None,
    paths: Paths = None,
    max_tokens: MaxTokens = None,
    max_cost: MaxCost = None,
    clue: Clues = None,
    cache: Cache = None,
    network: Network = None,
    as_json: Annotated[bool, typer.Option(
        "--json", help="Print metrics.json to stdout.")] = False,
) -> None:
    from geosleuth.backends import create_reasoner
    from geosleuth.cli.batch_progress import (
        exit_now_if_abandoned,
        print_outcome,
        run_with_progress,
    )
    from geosleuth.cli.console import make_console
    from geosleuth.cli.errors import fail
    from geosleuth.cli.render import prepare_gazetteer
    from geosleuth.cli.run_options import check_pool_options, ray_options, settings_flags
    from geosleuth.eval.adapters import load_dataset
    from geosleuth.eval.runner import evaluate
    from geosleuth.settings import load_settings

    check_pool_options(executor, resume, retry_errors, engine=engine, address=address,
                       workers=workers, shard_size=shard_size)
    data = load_dataset(dataset, format=dataset_format, images=images)
    if limit is not None:
        data.items = data.items[:limit]
        data.notes.append(f"limited to the first {limit} photos")
    if not data.items:
        raise fail(f"{dataset}: no photos to evaluate" +
                   (f" ({'; '.join(data.notes)})" if data.notes else ""))
    uris = [item.uri for item in data.items if item.uri]
    if uris:
        from geosleuth.batch.sources import fsspec_missing

        if problem := fsspec_missing():
            raise fail(f"{dataset}: {uris[0]}: {problem}")
    settings, _ = load_settings(settings_flags(out=out, backend=backend, model=model,
                                               steps=steps, paths=paths, cache=cache,
                                               network=network, max_tokens=max_tokens,
                                               max_cost=max_cost))
    create_reasoner(settings)
    out_dir = (out if out is not None else settings.out / f"eval-{data.name}").resolve()
    err = make_console(stderr=True)
    prepare_gazetteer(settings, err)  # built once here, not once per worker

    def batch(*args: Any, **kwargs: Any):  # the batch with a progress bar
        return run_with_progress(*args, label=f"eval {data.name}", console=err, **kwargs)

    result = evaluate(data, out_dir, settings, jobs=jobs, executor=executor, resume=resume,
                      retry_errors=retry_errors, ignore_metadata=ignore_metadata,
                      clues=tuple(clue or ()), by=tuple(by or ()), with_plots=plots,
                      batch=batch, engine=engine, ray=ray_options(address, workers, shard_size))
    print_outcome(result.outcome, err)
    if as_json:
        import json

        typer.echo(json.dumps(result.document, ensure_ascii=False, indent=2))
    else:
        _print_headline(result.document, out_dir)
    exit_now_if_abandoned(result.outcome)
    raise typer.Exit(130 if result.outcome.interrupted else 0)


def _print_headline(document: dict[str, Any], out_dir: Path) -> None:
    from rich.markup import escape
    from rich.table import Table

    from geosleuth.cli.console import make_console
    from geosleuth.eval.metrics import THRESHOLDS_KM, threshold_key
    from geosleuth.eval.report import num, pct

    m = document["metrics"]
    table = Table(title=f"{escape(document['dataset']['name'])}: {m['n']} photos, "
                        f"{pct(m['answered_share'])} answered")
    for t in THRESHOLDS_KM:
        table.add_column(f"≤{threshold_key(t)} km", justify="right")
    for col in ("median km", "GeoScore", "country", "ECE", "s/photo"):
        table.add_column(col, justify="right")
    table.add_row(*[pct(m["accuracy_km"][threshold_key(t)]) for t in THRESHOLDS_KM],
                  num(m["median_error_km"]), num(m["geoscore"], ".0f"),
                  pct(m["country_accuracy"]), num(m["calibration"]["ece"], ".3f"),
                  num(m["time_s"]["mean"], ".2f"))
    out = make_console()
    out.print(table)
    for note in document.get("notes") or []:
        out.print(f"[yellow]{escape(note)}[/yellow]")
    out.print(f"Report: {out_dir}/summary.md, metrics.json, per_photo.csv"
              + (", plots" if document.get("plots") else ""))


@eval_app.command("compare", help="Show the difference between two eval runs (--out folders).")
def compare(
    run_a: Annotated[Path, typer.Argument(help="The first eval folder (A).")],
    run_b: Annotated[Path, typer.Argument(help="The second eval folder (B).")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the comparison as JSON.")] = False,
    markdown: Annotated[bool, typer.Option("--markdown", help="Print a markdown table.")] = False,
) -> None:
    from geosleuth.eval.compare import compare_markdown, compare_runs, format_row

    cmp = compare_runs(run_a, run_b)
    if as_json:
        import json

        typer.echo(json.dumps(cmp, ensure_ascii=False, indent=2))
        return
    if markdown:
        typer.echo(compare_markdown(cmp), nl=False)
        return
    from rich.markup import escape
    from rich.table import Table

    from geosleuth.cli.console import make_console

    table = Table(title=f"A = {escape(str(run_a))}   B = {escape(str(run_b))}")
    for col in ("metric", "A", "B", "B − A", "better"):
        table.add_column(col, justify="left" if col == "metric" else "right")
    for row in cmp["metrics"]:
        name, a, b, d = format_row(row)
        style = {"A": "red", "B": "green"}.get(row["better"] or "", "")
        table.add_row(name, a, b, f"[{style}]{d}[/{style}]" if style else d, row["better"] or "=")
    out = make_console()
    out.print(table)
    p = cmp["paired"]
    out.print(f"Common photos {p['common']}, both answered {p['both_answered']}: B closer on "
              f"{p['b_closer']}, A closer on {p['a_closer']}; answered only by A "
              f"{p['answered_only_by_a']}, only by B {p['answered_only_by_b']}.")
