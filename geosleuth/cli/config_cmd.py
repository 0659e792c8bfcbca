"""``geosleuth config``: every setting, its value, and where it came from."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

import typer

if TYPE_CHECKING:
    from geosleuth.settings import Settings, Source


def register(app: typer.Typer) -> None:
    app.command(
        "config",
        help="Show every setting, its value and where it came from (flag, env, file, default).",
    )(config)


def config(as_json: bool = typer.Option(False, "--json", help="Print as JSON.")) -> None:
    """Every setting; a bad one (an unknown key, a value that does not validate) is left
    out of the table, which shows what stands instead, and named in one line on stderr
    (exit 2), so that a broken config file can be looked at."""
    from geosleuth.settings import read_settings

    settings, sources, problems = read_settings()
    _show(settings, sources, as_json)
    if problems:
        from geosleuth.cli.errors import fail
        from geosleuth.text.quoting import printable

        for problem in problems[:-1]:
            print(f"geosleuth: {printable(problem)}", file=sys.stderr)
        raise fail(problems[-1])


def _show(settings: Settings, sources: dict[str, Source], as_json: bool) -> None:
    import json

    from geosleuth.settings import ENV_PREFIX, Settings, config_path

    values = settings.model_dump(mode="json")
    if as_json:
        typer.echo(
            json.dumps({k: {"value": values[k], "source": sources[k]} for k in values}, indent=2)
        )
        return
    from rich.markup import escape
    from rich.table import Table

    from geosleuth.cli.console import make_console

    table = Table(title=f"Settings (file: {config_path()}; environment: {ENV_PREFIX}<NAME>)")
    for col in ("setting", "value", "source", "meaning"):
        table.add_column(col)
    for name, field in Settings.model_fields.items():
        table.add_row(
            name,
            escape(json.dumps(values[name], ensure_ascii=False)),
            sources[name],
            escape(field.description or ""),
        )
    make_console().print(table)
