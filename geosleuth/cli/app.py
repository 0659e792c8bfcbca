"""The ``geosleuth`` command. Sub-commands live in their own modules and are registered here.

Command modules import only Typer at module level; heavy work is imported inside the
command functions so that ``geosleuth --help`` stays fast.
"""

from __future__ import annotations

import importlib
import sys

import typer

app = typer.Typer(
    name="geosleuth",
    help="Find where a photo was taken, and show the work.",
    no_args_is_help=True,
    add_completion=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)

# Each module exposes ``register(app)``; add a line here for a new command module.
COMMAND_MODULES = (
    "geosleuth.cli.locate",
    "geosleuth.cli.tools_cmd",
    "geosleuth.cli.config_cmd",
    "geosleuth.cli.maps_cmd",
    "geosleuth.cli.sun",
    "geosleuth.cli.batch_cmd",
    "geosleuth.cli.eval_cmd",
    "geosleuth.cli.report_cmd",
    "geosleuth.cli.investigate_cmd",
    "geosleuth.cli.calibrate_cmd",
    "geosleuth.cli.export_cmd",
    "geosleuth.cli.serve_cmd",
)

for _name in COMMAND_MODULES:
    importlib.import_module(_name).register(app)


@app.callback(invoke_without_command=True)
def _root(
    ctx: typer.Context,
    version: bool = typer.Option(False, "--version", help="Print the version and exit."),
) -> None:
    if version:
        from geosleuth import __version__

        typer.echo(f"geosleuth {__version__}")
        raise typer.Exit(0)
    if ctx.invoked_subcommand is None:
        typer.echo(ctx.get_help())
        raise typer.Exit(0)
    from geosleuth.notices import show_on_stderr

    if ctx.invoked_subcommand != "investigate":  # the TUI owns the terminal
        show_on_stderr()  # "geosleuth: retrying (2/4) in 3 s: …" while a command waits


def main() -> None:
    """Console-script entry point: errors that reach here become one line and an exit code.

    A ``locate`` goes to a running ``geosleuth serve`` when there is one (see
    ``geosleuth.server``)."""
    from geosleuth.cli.errors import run_guarded
    from geosleuth.heap import one_command_process
    from geosleuth.server.client import run_served

    served = run_served(sys.argv[1:])
    if served is not None:
        sys.exit(served)
    one_command_process()
    sys.exit(run_guarded(app))
