"""Turning errors into one line on stderr and the design's exit codes."""

from __future__ import annotations

import sys

import typer
from typer.exceptions import TyperException

from geosleuth.text.quoting import printable


def run_guarded(app: typer.Typer) -> int:
    from geosleuth.errors import GeosleuthError, exit_code

    try:
        rv = app(standalone_mode=False)
    except GeosleuthError as exc:  # may quote a server, a model or a file name: no control raw
        print(f"geosleuth: {printable(exc)}", file=sys.stderr)
        return exit_code(exc)
    except KeyboardInterrupt:
        print("geosleuth: interrupted", file=sys.stderr)
        return 130
    except SystemExit as exc:
        return int(exc.code or 0) if not isinstance(exc.code, str) else 2
    except typer.Exit as exc:
        return exc.exit_code
    except typer.Abort:
        print("geosleuth: aborted", file=sys.stderr)
        return 130
    except TyperException as exc:  # usage errors: Typer prints them the way Click does
        show = getattr(exc, "show", None)
        if callable(show):
            show()
        else:
            print(f"geosleuth: {exc}", file=sys.stderr)
        return int(getattr(exc, "exit_code", 2) or 2)
    return rv if isinstance(rv, int) else 0


def fail(message: str, code: int = 2) -> typer.Exit:
    """Print one line on stderr and return an Exit to raise."""
    print(f"geosleuth: {printable(message)}", file=sys.stderr)
    return typer.Exit(code)
