"""Options shared by ``locate``, ``batch`` and ``eval``, as ``Annotated`` types.

It imports only Typer, so that ``--help`` stays fast.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

Out = Annotated[Path | None, typer.Option(
    "--out", "-o", help="Folder for case folders and summaries [default: ./cases].")]
Jobs = Annotated[int, typer.Option("--jobs", "-j", min=1, help="Photos investigated at once.")]
Resume = Annotated[bool, typer.Option(
    "--resume", help="Finish an interrupted run in --out: skip photos already done (by sha256).")]
RetryErrors = Annotated[bool, typer.Option(
    "--retry-errors", help="With --resume, run the photos that failed again.")]
ExecutorOpt = Annotated[str, typer.Option(
    "--executor",
    help="auto or thread (worker threads, measured best here) or process (a process per "
         "job, for long CPU-bound batches on many cores).")]
Backend = Annotated[str | None, typer.Option(
    "--backend", "-b", help="offline (default), openai, anthropic, or a named server.")]
Model = Annotated[str | None, typer.Option("--model", "-m", help="Model name for the backend.")]
Steps = Annotated[int | None, typer.Option("--steps", help="Step budget of one path.")]
Paths = Annotated[int | None, typer.Option(
    "--paths", "-k", help="Independent investigation paths.")]
MaxTokens = Annotated[int | None, typer.Option(
    "--max-tokens",
    help="Token budget of one path (in + out); a verdict is forced when spent.")]
MaxCost = Annotated[float | None, typer.Option(
    "--max-cost",
    help="Cost budget of one path in USD (prices from the config); a verdict is forced "
         "when spent.")]
Clues = Annotated[list[str] | None, typer.Option(
    "--clue", "-c", help="A clue that holds for every photo (repeatable).")]
Cache = Annotated[bool | None, typer.Option(
    "--cache/--no-cache", help="Reuse cached tool and model calls.")]
Network = Annotated[bool | None, typer.Option(
    "--network/--offline", help="Allow tools that use the network.")]


def settings_flags(
    *, out: Path | None, backend: str | None, model: str | None, steps: int | None,
    paths: int | None, cache: bool | None, network: bool | None,
    max_tokens: int | None = None, max_cost: float | None = None,
) -> dict[str, Any]:
    return {"out": out, "backend": backend, "model": model, "steps": steps, "paths": paths,
            "cache": cache, "network": network, "max_tokens": max_tokens,
            "max_cost_usd": max_cost}


def check_pool_options(executor: str, resume: bool, retry_errors: bool) -> None:
    from geosleuth.cli.errors import fail

    if executor not in ("auto", "process", "thread"):
        raise fail(f"--executor must be auto, process or thread, not {executor!r}")
    if retry_errors and not resume:
        raise fail("--retry-errors needs --resume")
