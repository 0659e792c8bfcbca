"""Turning errors into one line on stderr and the design's exit codes."""

from __future__ import annotations

import sys

import typer


def run_guarded(app: typer.Typer) -> int:
    from geosleuth.errors import GeosleuthError, exit_code

    try:
        rv = app(standalone_mode=False)
    except GeosleuthError as exc:
        print(f"geosleuth: {exc}", file=sys.stderr)
        return exit_code(exc)
    except KeyboardInterrupt:
        print("geosleuth: interrupted", file=sys.stderr)
        return 130
    except SystemExit as exc:
        return int(exc.code or 0) if not isinstance(exc.code, str) else 2
    except Exception as exc:
        import click

        if isinstance(exc, click.exceptions.Exit):
            return exc.exit_code
        if isinstance(exc, click.ClickException):
            exc.show()
            return 2
        if isinstance(exc, click.exceptions.Abort):
            print("geosleuth: aborted", file=sys.stderr)
            return 130
        raise
    return rv if isinstance(rv, int) else 0


def fail(message: str, code: int = 2) -> typer.Exit:
    """Print one line on stderr and return an Exit to raise."""
    print(f"geosleuth: {message}", file=sys.stderr)
    return typer.Exit(code)
