"""``evaluate``: run the locator over a dataset's images (a batch), then score and report.

The batch writes its case folders and summaries into the eval folder and is resumable
like any batch; the scoring joins each dataset item to its batch row by the image's
name, or by its sha256 when the same bytes were run under another name.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from geosleuth import __version__
from geosleuth.batch.runner import BatchOutcome, BatchTask, run_batch
from geosleuth.eval.datasets import Dataset
from geosleuth.eval.metrics import PhotoScore, compute_metrics, metrics_by_label, score_photo
from geosleuth.eval.report import METRICS_SCHEMA, write_report
from geosleuth.images import sha256_of
from geosleuth.settings import Settings

RunBatch = Callable[..., BatchOutcome]


@dataclass
class EvalResult:
    document: dict[str, Any]
    scores: list[PhotoScore]
    outcome: BatchOutcome


def join_rows(dataset: Dataset, rows: list[dict[str, Any]]) -> list[dict[str, Any] | None]:
    """The batch row of each dataset item (None when the item has none)."""
    by_path = {r.get("path"): r for r in rows}
    by_sha = {r["sha256"]: r for r in rows if r.get("sha256")}
    joined: list[dict[str, Any] | None] = []
    for item in dataset.items:
        row = by_path.get(item.id)
        if row is None and item.uri is None and item.image.is_file():
            row = by_sha.get(sha256_of(item.image))
        joined.append(row)
    return joined


def score_dataset(dataset: Dataset, rows: list[dict[str, Any]]) -> list[PhotoScore]:
    return [score_photo(item, row)
            for item, row in zip(dataset.items, join_rows(dataset, rows), strict=True)]


def evaluate(
    dataset: Dataset,
    out: Path,
    settings: Settings,
    *,
    jobs: int | None = 1,
    executor: str = "auto",
    resume: bool = False,
    retry_errors: bool = False,
    ignore_metadata: bool = False,
    clues: tuple[str, ...] = (),
    by: tuple[str, ...] = (),
    with_plots: bool = True,
    batch: RunBatch = run_batch,
    **batch_options: Any,
) -> EvalResult:
    """Run (or finish) the batch over the dataset, then write the eval report into ``out``."""
    started = time.perf_counter()
    tasks = [BatchTask.of_uri(item.uri, item.id) if item.uri else BatchTask(item.image, item.id)
             for item in dataset.items]
    outcome = batch(tasks, out, settings, jobs=jobs, executor=executor, resume=resume,
                    retry_errors=retry_errors, clues=clues, ignore_metadata=ignore_metadata,
                    **batch_options)
    scores = score_dataset(dataset, outcome.rows)
    metrics = compute_metrics(scores)
    document: dict[str, Any] = {
        "schema": METRICS_SCHEMA,
        "dataset": dataset.describe(),
        "run": {
            "backend": settings.backend, "model": settings.model,
            "ignore_metadata": ignore_metadata, "clues": list(clues),
            "steps": settings.steps, "paths": settings.paths, "network": settings.network,
            "jobs": outcome.jobs, "executor": outcome.executor, "ran_now": outcome.ran,
            "engine": batch_options.get("engine", "local"),
            **({"engine_note": outcome.engine_note, "workers": outcome.workers,
                "worker_deaths": outcome.worker_deaths}
               if outcome.executor == "ray" else {}),
            "batch_elapsed_s": round(outcome.elapsed_s, 2),
            "interrupted": outcome.interrupted,
            "created": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "geosleuth_version": __version__,
        },
        "metrics": metrics,
        "by_label": {label: metrics_by_label(scores, label) for label in by},
    }
    document = write_report(out, document, scores, with_plots=with_plots)
    document["run"]["total_elapsed_s"] = round(time.perf_counter() - started, 2)
    return EvalResult(document=document, scores=scores, outcome=outcome)
