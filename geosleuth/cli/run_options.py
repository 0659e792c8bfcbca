"""Options shared by ``locate``, ``batch`` and ``eval``, as ``Annotated`` types.

It imports only Typer, so that ``--help`` stays fast.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

Out = Annotated[Path | None, typer.Option(
    "--out", "-o", help="Folder for case folders and summaries [default: ./cases].")]
Jobs = Annotated[int | None, typer.Option(
    "--jobs", "-j", min=1,
    help="Photos investigated at once [default: 1; with --engine ray, one per CPU of the "
         "cluster].")]
Resume = Annotated[bool, typer.Option(
    "--resume", help="Finish an interrupted run in --out: skip photos already done (by sha256).")]
RetryErrors = Annotated[bool, typer.Option(
    "--retry-errors", help="With --resume, run the photos that failed again.")]
ExecutorOpt = Annotated[str, typer.Option(
    "--executor",
    help="auto or thread (worker threads, measured best here) or process (a process per "
         "job, for long CPU-bound batches on many cores).")]
Engine = Annotated[str, typer.Option(
    "--engine",
    help="local (this machine's threads or processes) or ray (long-lived workers on a Ray "
         "cluster; pip install 'geosleuth[ray]'). The outputs are the same.")]
Address = Annotated[str | None, typer.Option(
    "--address",
    help="With --engine ray: the cluster to join ('auto' for the one running here or named "
         "by RAY_ADDRESS, or host:port of its head); without it a local cluster is started "
         "for the run.")]
Workers = Annotated[int | None, typer.Option(
    "--workers", min=1,
    help="With --engine ray: long-lived workers (one process each, loading the tools once) "
         "[default: one per CPU of the cluster, at most --jobs]; --jobs is split among them.")]
ShardSize = Annotated[int | None, typer.Option(
    "--shard-size", min=1,
    help="With --engine ray: photos handed to a worker at once [default: from the counts, "
         "at most 64]. A worker that dies has its shard's unfinished photos run again.")]
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


def check_pool_options(executor: str, resume: bool, retry_errors: bool, *,
                       engine: str = "local", address: str | None = None,
                       workers: int | None = None, shard_size: int | None = None) -> None:
    from geosleuth.cli.errors import fail

    if executor not in ("auto", "process", "thread"):
        raise fail(f"--executor must be auto, process or thread, not {executor!r}")
    if retry_errors and not resume:
        raise fail("--retry-errors needs --resume")
    if engine not in ("local", "ray"):
        raise fail(f"--engine must be local or ray, not {engine!r}")
    if engine == "ray":
        from geosleuth.batch.ray_engine import ray_missing

        if executor != "auto":
            raise fail("--executor is for --engine local; Ray workers are processes that "
                       "run their photos in threads")
        problem = ray_missing()
        if problem:
            raise fail(problem)
    else:
        given = [name for name, value in (("--address", address), ("--workers", workers),
                                          ("--shard-size", shard_size)) if value is not None]
        if given:
            raise fail(f"{', '.join(given)} need{'s' * (len(given) == 1)} --engine ray")


def ray_options(address: str | None, workers: int | None, shard_size: int | None) -> Any:
    """The ``RayOptions`` of the command's flags."""
    from geosleuth.batch.ray_engine import RayOptions

    return RayOptions(address=address, workers=workers, shard_size=shard_size)
