"""``geosleuth tools``: every installed clue tool, its version, and whether it can run here."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    app.command("tools", help="List installed clue tools and whether each can run here.")(tools)


def tools(as_json: bool = typer.Option(False, "--json", help="Print as JSON.")) -> None:
    import sys
    from dataclasses import asdict

    from geosleuth.tools.registry import load_registry

    reg = load_registry()
    for warning in reg.warnings:
        print(f"geosleuth: warning: {warning}", file=sys.stderr)
    rows = []
    for name, tool in sorted(reg.tools.items()):
        status = tool.availability()
        rows.append(
            {
                "name": name,
                "version": tool.version,
                "cost": tool.cost,
                "plugin": reg.plugins.get(name, ""),
                "available": status.available,
                "reason": status.reason,
                "coverage": [asdict(c) for c in tool.coverage()] if status.available else [],
                "reveals": sorted(tool.reveals),
                "offline_stage": tool.stage,
                "settings": {k: {"default": f.default, "description": f.description or ""}
                             for k, f in tool.Options.model_fields.items()},
            }
        )
    if as_json:
        import json

        typer.echo(json.dumps(rows, indent=2))
        return
    from rich.markup import escape
    from rich.table import Table

    from geosleuth.cli.console import make_console

    table = Table(title="Clue tools")
    for col in ("tool", "version", "cost", "plugin", "offline stage", "reveals", "status"):
        table.add_column(col)
    for r in rows:
        status = (
            "[green]available[/green]"
            if r["available"]
            else f"[red]unavailable[/red]: {escape(r['reason'])}"
        )
        table.add_row(r["name"], r["version"], r["cost"], escape(r["plugin"]),
                      r["offline_stage"] or "-", ", ".join(r["reveals"]) or "-", status)
    console = make_console()
    console.print(table)
    for r in rows:
        if r["settings"]:
            names = ", ".join(f"{k} = {v['default']!r}" for k, v in r["settings"].items())
            console.print(f"[tools.{escape(r['name'])}] settings: {escape(names)}")
    for r in rows:
        if not r["coverage"]:
            continue
        detail = Table(title=f"What {r['name']} handles here")
        for col in ("", "read by", "to add it / note"):
            detail.add_column(col)
        for c in r["coverage"]:
            mark = "[green]yes[/green]" if c["available"] else "[red]no[/red]"
            detail.add_row(f"{mark} {escape(c['item'])}", escape(c["by"]),
                           escape(c["install"] or c["note"]))
        console.print(detail)
