"""``geosleuth locate PHOTO``: one investigation, a short summary, a case folder."""

from __future__ import annotations

from pathlib import Path

import typer

from geosleuth.cli.run_options import MaxCost, MaxTokens


def register(app: typer.Typer) -> None:
    app.command(help="Find where a photo was taken; write a case folder with an auditable report.")(
        locate
    )


def locate(
    photo: Path = typer.Argument(..., help="The photo to investigate."),
    out: Path = typer.Option(
        None, "--out", "-o", help="Folder for case folders [default: ./cases]."
    ),
    as_json: bool = typer.Option(
        False, "--json", help="Print the case JSON to stdout and nothing else."
    ),
    backend: str = typer.Option(
        None, "--backend", "-b", help="offline (default), openai, anthropic, or a named server."
    ),
    model: str = typer.Option(None, "--model", "-m", help="Model name for the backend."),
    steps: int = typer.Option(None, "--steps", help="Step budget of one path."),
    paths: int = typer.Option(None, "--paths", "-k", help="Independent investigation paths."),
    max_tokens: MaxTokens = None,
    max_cost: MaxCost = None,
    clue: list[str] = typer.Option(
        None, "--clue", "-c", help='Your own clue, e.g. "shadow: height=1.8m length=2.4m".'
    ),
    ignore_metadata: bool = typer.Option(
        False,
        "--ignore-metadata",
        help="Hide the EXIF position, time and UTC offset from the tools.",
    ),
    cache: bool = typer.Option(
        None, "--cache/--no-cache", help="Reuse cached tool and model calls."
    ),
    network: bool = typer.Option(
        None, "--network/--offline", help="Allow tools that use the network."
    ),
    force: bool = typer.Option(
        False, "--force",
        help="Replace the case folder <stem>-<sha8> if it exists (else a new case takes"
             " <stem>-<sha8>-2, -3, …).",
    ),
) -> None:
    import sys

    from geosleuth.cases.folder import save_case, unsaved_dir
    from geosleuth.cases.runner import investigate_photo, open_case
    from geosleuth.cli.render import (
        prepare_gazetteer,
        print_summary,
        progress_printer,
        warn_broken_plugins,
    )
    from geosleuth.cli.run_options import settings_flags
    from geosleuth.heap import investigating_one_photo
    from geosleuth.settings import load_settings

    investigating_one_photo()
    settings, _ = load_settings(
        settings_flags(out=out, backend=backend, model=model, steps=steps, paths=paths,
                       cache=cache, network=network, max_tokens=max_tokens, max_cost=max_cost)
    )
    # a photo or a clue that cannot be used says so before the first run's index build
    case = open_case(photo, settings, clues=tuple(clue or ()), ignore_metadata=ignore_metadata)
    prepare_gazetteer(settings)
    warn_broken_plugins()
    on_event = None if as_json else progress_printer()
    result = investigate_photo(case, settings, on_event=on_event)
    saved = save_case(result.record, settings.out, replace=force, photo=photo,
                      fallback=unsaved_dir(settings.cache_dir))
    if as_json or saved.folder is None:  # on disk nowhere: stdout is the last place it can go
        import json

        typer.echo(json.dumps(result.record, ensure_ascii=False, allow_nan=False))
    else:
        print_summary(result.record, saved.folder)
    if saved.problem:
        tail = "; the case JSON is on stdout" if saved.folder is None and not as_json else ""
        print(f"geosleuth: {saved.problem}{tail}", file=sys.stderr)
    if result.error:
        print(f"geosleuth: {photo}: {result.error} (what was found is saved in "
              f"{saved.folder or 'the case JSON'})", file=sys.stderr)
    # Not saved where asked: exit 2, the output folder being the problem (as a bad --out
    # is), unless the run itself failed on a backend (3).
    raise typer.Exit(result.exit_code or (2 if saved.problem else 0))
