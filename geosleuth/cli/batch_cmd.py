"""``geosleuth batch DIR`` (or ``LIST.txt``): locate every photo of a folder, or of a list of
paths and URIs, into case folders and summaries."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from geosleuth.cli.run_options import (
    Address,
    Backend,
    Cache,
    Clues,
    Engine,
    ExecutorOpt,
    Jobs,
    MaxCost,
    MaxTokens,
    Model,
    Network,
    Out,
    Paths,
    Resume,
    RetryErrors,
    ShardSize,
    Steps,
    Workers,
)

if TYPE_CHECKING:
    from geosleuth.batch import BatchTask


def register(app: typer.Typer) -> None:
    app.command(
        "batch",
        help="Locate every photo in a folder (recursively), or listed in a text file (local "
             "paths or URIs such as s3://, one a line), with N workers; write one case "
             "folder per photo, and results.jsonl, summary.csv, all.geojson and all.kml as "
             "results arrive. One batch at a time per --out. Exit 0 when no photo failed; else 3 "
             "(a backend failure), 2 (a bad image, a case folder that could not be written) "
             "or 1.",
    )(batch)


def batch(
    folder: Annotated[Path, typer.Argument(
        help="The folder of photos, or a text file listing photos one a line: local paths "
             "(relative to the file's folder) or URIs (s3://, gs://, https://, file://, … "
             "read through fsspec: pip install 'geosleuth[remote]').")],
    out: Out = None,
    jobs: Jobs = None,
    include: Annotated[list[str] | None, typer.Option(
        "--include", "-i",
        help='Only files matching this glob (repeatable), e.g. "*.jpg" or "2024/*".')] = None,
    exclude: Annotated[list[str] | None, typer.Option(
        "--exclude", "-x", help="Skip files matching this glob (repeatable).")] = None,
    recursive: Annotated[bool, typer.Option(
        "--recursive/--no-recursive", help="Descend into sub-folders.")] = True,
    resume: Resume = False,
    retry_errors: RetryErrors = False,
    executor: ExecutorOpt = "auto",
    engine: Engine = "local",
    address: Address = None,
    workers: Workers = None,
    shard_size: ShardSize = None,
    backend: Backend = None,
    model: Model = None,
    steps: Steps = None,
    paths: Paths = None,
    max_tokens: MaxTokens = None,
    max_cost: MaxCost = None,
    clue: Clues = None,
    ignore_metadata: Annotated[bool, typer.Option(
        "--ignore-metadata", help="Hide EXIF position and time from the tools.")] = False,
    cache: Cache = None,
    network: Network = None,
    force: Annotated[bool, typer.Option(
        "--force", help="A case replaces a folder <stem>-<sha8> it finds in --out (else it "
                        "takes <stem>-<sha8>-2, -3, …).")] = False,
) -> None:
    from geosleuth.backends import create_reasoner
    from geosleuth.batch import IMAGE_SUFFIXES, BatchTask, find_images
    from geosleuth.batch.lock import lock_output
    from geosleuth.cli.batch_progress import (
        exit_now_if_abandoned,
        print_outcome,
        run_with_progress,
    )
    from geosleuth.cli.errors import fail
    from geosleuth.cli.render import prepare_gazetteer
    from geosleuth.cli.run_options import check_pool_options, ray_options, settings_flags
    from geosleuth.settings import load_settings

    check_pool_options(executor, resume, retry_errors, engine=engine, address=address,
                       workers=workers, shard_size=shard_size)
    settings, _ = load_settings(settings_flags(out=out, backend=backend, model=model,
                                               steps=steps, paths=paths, cache=cache,
                                               network=network, max_tokens=max_tokens,
                                               max_cost=max_cost))
    create_reasoner(settings)  # an unknown backend fails here, once, not once per photo
    out_dir = settings.out.resolve()
    if folder.is_file() and folder.suffix.lower() not in IMAGE_SUFFIXES:
        tasks = _listed(folder, include or (), exclude or ())
    else:
        root = folder.resolve()
        images = [p for p in find_images(root, include=include or (), exclude=exclude or (),
                                         recursive=recursive)
                  if not p.resolve().is_relative_to(out_dir)]  # never our own case folders
        if not images:
            globs = ", with the --include/--exclude globs given" if include or exclude else ""
            raise fail(f"{folder}: no images found (JPEG, PNG, TIFF, WebP, HEIC/HEIF{globs})")
        tasks = [BatchTask(p, p.relative_to(root).as_posix()) for p in images]
    with lock_output(out_dir) as lock:  # before anything slow: a second batch stops at once
        prepare_gazetteer(settings)  # built once here, not once per worker
        outcome = run_with_progress(tasks, out_dir, settings, jobs=jobs, executor=executor,
                                    resume=resume, retry_errors=retry_errors,
                                    clues=tuple(clue or ()), ignore_metadata=ignore_metadata,
                                    force=force, lock=lock, engine=engine,
                                    ray=ray_options(address, workers, shard_size))
    print_outcome(outcome)
    exit_now_if_abandoned(outcome)
    raise typer.Exit(outcome.exit_code)


def _listed(list_file: Path, include: list[str] | tuple[str, ...],
            exclude: list[str] | tuple[str, ...]) -> list[BatchTask]:
    """The photos of a list file; URIs need fsspec (one line saying what to install)."""
    from geosleuth.batch import BatchTask
    from geosleuth.batch.sources import fsspec_missing, read_list
    from geosleuth.cli.errors import fail

    entries = read_list(list_file, include=include, exclude=exclude)
    if not entries:
        globs = " with the --include/--exclude globs given" if include or exclude else ""
        raise fail(f"{list_file}: no photos listed{globs} (one path or URI a line)")
    uris = [uri for _, _, uri in entries if uri]
    if uris and (problem := fsspec_missing()):
        raise fail(f"{list_file}: {uris[0]}: {problem}")
    tasks = []
    for rel, path, uri in entries:
        tasks.append(BatchTask.of_uri(uri, rel) if uri or path is None else BatchTask(path, rel))
    return tasks
