"""One photo of a batch, from file to summary row; runs in a worker thread or process.

``run_item`` is ``investigate_item`` (the photo and the tools: wherever the worker is, a
thread, a process or a Ray actor on another machine) followed by ``finish_item`` (the case
folder and the row: where the batch's output folder is). The local engines run both in
the worker; the Ray engine runs the first on the cluster and the second in the driver.

Whatever happens to the photo, the worker returns a row: a broken image is an error
row (exit code 2), a backend failure an error row whose partial case folder is kept
(3), a case folder the OS refuses to write (full disk, read-only folder) an "io" error
row (2) with the case saved under the cache folder instead and run again by --resume,
an unexpected exception an error row naming it (1). The batch goes on.
"""

from __future__ import annotations

import os
import signal
import time
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from geosleuth.settings import Settings


@dataclass(frozen=True)
class WorkItem:
    """What a worker needs to know about one photo (small and picklable)."""

    path: Path  # the file to open
    rel: str  # the name used in the summaries (relative to the batch root)
    sha256: str
    size_bytes: int
    mtime_ns: int
    own_dir: str | None = None  # a case folder this batch wrote for the photo earlier
    uri: str | None = None  # the photo is read from here (fsspec) where it is investigated


@dataclass(frozen=True)
class WorkOptions:
    settings: Settings
    out: Path
    clues: tuple[str, ...] = ()
    ignore_metadata: bool = False
    force: bool = False  # replace a folder <stem>-<sha8> that is not this batch's own


_options: WorkOptions | None = None


def init_process(options: WorkOptions, parent_pid: int | None = None) -> None:
    """Initializer of a worker process: die with the batch, keep the options, ignore
    Ctrl-C, warm the registry.

    ``parent_pid`` is the batch's process: when it dies, even by SIGKILL, the worker ends
    too (``orphans``) rather than go on writing case folders nobody records. The parent
    handles Ctrl-C (it stops handing out photos and lets running ones finish), so workers
    must not die of the SIGINT the terminal sends the whole group.
    """
    global _options
    if parent_pid is not None:
        from geosleuth.batch.orphans import die_with_parent

        die_with_parent(parent_pid)
    _options = options
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    from geosleuth.cases.wiring import registry

    registry()  # load the clue tools once per process, before the first photo is timed


def run_in_process(item: WorkItem) -> dict[str, Any]:
    if _options is None:
        raise RuntimeError("worker process was not initialised")
    return run_item(item, _options)


def run_item(item: WorkItem, options: WorkOptions) -> dict[str, Any]:
    """Investigate one photo, write its case folder, return its summary row."""
    if item.uri is not None:  # a copy of its bytes for the investigation and the folder
        started = time.perf_counter()
        try:
            with local_photo(item) as local:
                return run_item(local, options)
        except Exception as exc:
            return _failure_row(item, _unreadable(item, exc), started)
    return finish_item(investigate_item(item, options), item, options)


@contextmanager
def local_photo(item: WorkItem) -> Iterator[WorkItem]:
    """The item as a local file: a URI's bytes copied into a temporary folder of this
    process (``sources.local_copy``), removed when the ``with`` ends."""
    if item.uri is None:
        yield item
        return
    from geosleuth.batch.sources import local_copy

    with local_copy(item.uri) as path:
        yield replace(item, path=path, uri=None)


def _unreadable(item: WorkItem, exc: Exception) -> Exception:
    """A URI that could be read when the batch started and not now: a bad-input error."""
    from geosleuth.errors import BadInputError, GeosleuthError

    if isinstance(exc, GeosleuthError):
        return exc
    reason = " ".join(str(exc).split()) or type(exc).__name__
    return BadInputError(f"{item.rel}: cannot read it ({reason})")


@dataclass
class Investigated:
    """A photo investigated but not yet saved: what a remote worker sends back.

    Either ``record`` (the case, to be written as a case folder) or ``row`` (an error row:
    the photo could not be investigated at all). Picklable: a record is a few tens of kB
    of JSON-ready data, its files some hundreds (the map and the thumbnail).
    """

    sha256: str
    record: dict[str, Any] | None = None
    # The case folder's files, made where the photo was investigated (``case_files``: the
    # reports, the map and the thumbnail take much of a photo's time after the tools).
    files: dict[str, bytes] | None = None
    error: str | None = None
    exit_code: int = 0
    elapsed_ms: float = 0.0  # the investigation's time, before the case folder is written
    row: dict[str, Any] | None = None


def investigate_item(item: WorkItem, options: WorkOptions, *,
                     with_files: bool = False) -> Investigated:
    """The part of ``run_item`` that needs the photo and the tools, not the output folder;
    ``with_files``: the case folder's files too."""
    from geosleuth.cases.folder import case_files
    from geosleuth.cases.runner import investigate_photo

    started = time.perf_counter()
    if item.uri is not None:  # read here, wherever this worker runs
        try:
            with local_photo(item) as local:
                done = investigate_item(local, options, with_files=with_files)
        except Exception as exc:
            return Investigated(item.sha256,
                                row=_failure_row(item, _unreadable(item, exc), started))
        done.elapsed_ms = (time.perf_counter() - started) * 1000.0
        return done
    try:
        result = investigate_photo(item.path, options.settings, clues=options.clues,
                                   ignore_metadata=options.ignore_metadata)
        # The record names the photo as the batch does (relative to its root).
        result.record["image"]["path"] = item.rel
        files = case_files(result.record, item.path) if with_files else None
        return Investigated(item.sha256, record=result.record, files=files,
                            error=result.error, exit_code=result.exit_code,
                            elapsed_ms=(time.perf_counter() - started) * 1000.0)
    except Exception as exc:
        return Investigated(item.sha256, row=_failure_row(item, exc, started))


def finish_item(done: Investigated, item: WorkItem, options: WorkOptions) -> dict[str, Any]:
    """Write the case folder of an investigated photo into the batch; return its row."""
    from geosleuth.batch.summaries import IO_ERROR, row_from_record
    from geosleuth.cases.folder import save_case, unsaved_dir

    if done.row is not None or done.record is None:
        return done.row or _failure_row(item, RuntimeError("no case record"), time.perf_counter())
    started = time.perf_counter()
    try:
        saved = save_case(done.record, options.out, replace=options.force, photo=item.path,
                          folder=options.out / item.own_dir if item.own_dir else None,
                          fallback=unsaved_dir(options.settings.cache_dir), files=done.files)
        elapsed_ms = done.elapsed_ms + (time.perf_counter() - started) * 1000.0
        if saved.problem or saved.folder is None:
            also = f" (and: {done.error})" if done.error else ""
            return row_from_record(
                done.record, path=item.rel, size_bytes=item.size_bytes,
                mtime_ns=item.mtime_ns, case_dir=None, exit_code=2, elapsed_ms=elapsed_ms,
                error=f"{saved.problem}; --resume runs it again{also}", kind=IO_ERROR,
            )
        return row_from_record(
            done.record, path=item.rel, size_bytes=item.size_bytes, mtime_ns=item.mtime_ns,
            case_dir=os.path.relpath(saved.folder, options.out), error=done.error,
            exit_code=done.exit_code, elapsed_ms=elapsed_ms,
        )
    except Exception as exc:
        return _failure_row(item, exc, started - done.elapsed_ms / 1000.0)


def _failure_row(item: WorkItem, exc: Exception, started: float) -> dict[str, Any]:
    """The error row of a photo whose investigation or case folder raised."""
    from geosleuth.batch.summaries import error_row
    from geosleuth.errors import GeosleuthError

    if isinstance(exc, GeosleuthError):
        message, code = str(exc), exc.exit_code
    else:  # a bug: record it and let the batch go on
        # Name the deepest frame in geosleuth's own code (or a plugin), not in a library.
        frames = traceback.extract_tb(exc.__traceback__)
        ours = [f for f in frames if "geosleuth" in f.filename or "plugins" in f.filename]
        where = ""
        if ours or frames:
            frame = (ours or frames)[-1]
            where = f" (at {Path(frame.filename).name}:{frame.lineno})"
        message = f"internal error: {type(exc).__name__}: {exc}{where}; please report it"
        code = 1
    return error_row(path=item.rel, sha256=item.sha256, size_bytes=item.size_bytes,
                     mtime_ns=item.mtime_ns, error=message, exit_code=code,
                     elapsed_ms=(time.perf_counter() - started) * 1000.0)
