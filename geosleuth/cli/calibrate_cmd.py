"""``geosleuth calibrate EVAL_DIR``: fit a calibration map of the verdict's confidence.

The map is fitted on an eval run's per-photo rows (stated confidence against "the truth
lies within the stated radius") and written as JSON; set ``calibration`` (config file,
``GEOSLEUTH_CALIBRATION``) to its path and every verdict's confidence goes through it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer


def register(app: typer.Typer) -> None:
    app.command(name="calibrate", help="Fit a calibration map of the confidence on an eval"
                " run (its folder or per_photo.jsonl) and save it as JSON.")(calibrate)


def calibrate(
    eval_dir: Annotated[Path, typer.Argument(
        metavar="EVAL_DIR", help="The --out folder of 'geosleuth eval', or its per_photo.jsonl.")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Where to write the map (JSON).")] = Path(
        "calibration.json"),
    method: Annotated[str, typer.Option(
        "--method", help="isotonic (pool-adjacent-violators) or histogram (10 bins).",
    )] = "isotonic",
) -> None:
    from geosleuth.cli.errors import fail
    from geosleuth.paths.confidence import fit_calibration, read_eval_rows

    if method not in ("isotonic", "histogram"):
        raise fail(f"--method must be isotonic or histogram, not {method!r}")
    rows = read_eval_rows(eval_dir)
    cmap = fit_calibration(rows, method, source=str(eval_dir))  # type: ignore[arg-type]
    cmap.save(out)
    pairs = ", ".join(f"{x:.2f}→{y:.2f}" for x, y in zip(cmap.x, cmap.y, strict=True))
    typer.echo(f"Fitted a {method} map on {cmap.n} answered photos: {pairs}")
    typer.echo(f"Wrote {out}; use it with: export GEOSLEUTH_CALIBRATION={out.resolve()}")
