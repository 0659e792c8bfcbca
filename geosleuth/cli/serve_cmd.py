"""``geosleuth serve``: keep warm workers that ``geosleuth locate`` hands its work to."""

from __future__ import annotations

from typing import Annotated

import typer


def register(app: typer.Typer) -> None:
    app.command(name="serve", help="Keep warm worker processes (models and indexes loaded) "
                "that 'geosleuth locate' hands its work to: the same output, without the "
                "seconds of start-up. Each worker runs one command, with the caller's "
                "folder, settings and terminal, then a fresh one takes its place. Runs "
                "until Ctrl-C or 'geosleuth serve --stop'; set GEOSLEUTH_NO_SERVER=1 to "
                "run a command without it.")(serve)


def serve(
    workers: Annotated[int, typer.Option(
        "--workers", "-w", min=1, max=16, help="Warm workers kept ready (each holds about "
                                               "500 MB).")] = 1,
    stop: Annotated[bool, typer.Option(
        "--stop", help="Stop the server that is running, and exit.")] = False,
    status: Annotated[bool, typer.Option(
        "--status", help="Say whether a server is running, and exit.")] = False,
) -> None:
    from geosleuth.server.address import socket_path
    from geosleuth.server.supervisor import running_pid
    from geosleuth.server.supervisor import serve as run_server
    from geosleuth.server.supervisor import stop as stop_server

    sock = socket_path()
    if stop:
        pid = stop_server(sock)
        typer.echo(f"stopped the server {pid} on {sock}" if pid else f"no server on {sock}")
        return
    if status:
        pid = running_pid(sock)
        typer.echo(f"a server {pid} runs on {sock}" if pid else f"no server on {sock}")
        raise typer.Exit(0 if pid else 1)
    raise typer.Exit(run_server(workers, sock))
