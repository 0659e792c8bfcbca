"""``geosleuth config``: every setting, its value, and where it came from."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    app.command(
        "config",
        help="Show every setting, its value and where it came from (flag, env, file, default).",
    )(config)


def config(as_json: bool = typer.Option(False, "--json", help="Print as JSON.")) -> None:
    import json

    from geosleuth.settings import ENV_PREFIX, Settings, config_path, load_settings

    settings, sources = load_settings()
    values = settings.model_dump(mode="json")
    if as_json:
        typer.echo(
            json.dumps({k: {"value": values[k], "source": sources[k]} for k in values}, indent=2)
        )
        return
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

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
    Console().print(table)
