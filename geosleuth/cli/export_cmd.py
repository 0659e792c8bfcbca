"""``geosleuth export SOURCE...``: trajectories of case folders, a batch or an eval run, as
training data (chat messages for SFT, prompt/answer rows for RL, geosleuth's own JSON).

Nothing is sent anywhere; photos are named by their path unless ``--embed-images``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer


def register(app: typer.Typer) -> None:
    app.command(name="export", help="Export the trajectories of case folders, a batch or an eval"
                " run (one row per investigation path, with rewards) as training data: sft.jsonl"
                " (chat messages), rl.jsonl or rl.parquet (prompt, answer, ground truth),"
                " trajectories.jsonl (geosleuth's own JSON).")(export)


def export(
    sources: Annotated[list[Path], typer.Argument(
        metavar="SOURCE...", help="Case folders, batch or eval --out folders (an eval folder"
                                  " gives the ground truth), or folders of case folders.")],
    out: Annotated[Path, typer.Option(
        "--out", "-o", help="Folder for the export files.")] = Path("export"),
    formats: Annotated[list[str] | None, typer.Option(
        "--format", "-f", help="sft, rl or json (repeatable) [default: all three].")] = None,
    parquet: Annotated[bool, typer.Option(
        "--parquet", help="Write the RL rows as rl.parquet instead of rl.jsonl.")] = False,
    per_step: Annotated[bool, typer.Option(
        "--per-step", help="SFT rows per step (one request and its reply, as the model saw"
                           " it) instead of per path.")] = False,
    embed_images: Annotated[bool, typer.Option(
        "--embed-images", help="Put the images the model saw into the rows (base64 JPEG,"
                               " without metadata) instead of the photo's path.")] = False,
    truth: Annotated[Path | None, typer.Option(
        "--truth", help="A dataset file (any format 'eval' reads) giving the ground truth of"
                        " case or batch folders, joined by the photo's sha256 or name.")] = None,
    max_km: Annotated[float | None, typer.Option(
        "--max-km", min=0.0, help="Only paths whose answer is within this distance of the"
                                  " truth.")] = None,
    no_tool_errors: Annotated[bool, typer.Option(
        "--no-tool-errors", help="Only paths in which no tool call failed.")] = False,
    min_reward: Annotated[float | None, typer.Option(
        "--min-reward", help="Only paths whose reward (--reward) is at least this.")] = None,
    reward: Annotated[str, typer.Option(
        "--reward", help="The reward of the 'reward' column and of --min-reward: twm"
                         " (Thinking with Map's steps), geoscore or reverse.")] = "twm",
    backends: Annotated[list[str] | None, typer.Option(
        "--backend", help="Only cases of this backend (repeatable).")] = None,
    models: Annotated[list[str] | None, typer.Option(
        "--model", help="Only cases of this model (repeatable).")] = None,
) -> None:
    from geosleuth.training.export import FORMATS, Filters
    from geosleuth.training.export import export as run_export

    chosen: list[str] = []
    for f in formats or list(FORMATS):
        chosen += [p.strip() for p in f.split(",") if p.strip()]
    filters = Filters(max_km=max_km, no_tool_errors=no_tool_errors, min_reward=min_reward,
                      reward=reward, backends=tuple(backends or ()), models=tuple(models or ()))
    result = run_export(list(sources), out, formats=tuple(chosen), filters=filters,
                        embed_images=embed_images, parquet=parquet, truth_file=truth,
                        per_step=per_step)
    files = ", ".join(f"{p.name} ({result.rows[f]} rows)" for f, p in result.files.items())
    typer.echo(f"Exported {result.kept} of {result.paths} paths from {result.cases} cases to"
               f" {out}: {files or 'no files'}")
    for why, n in sorted(result.left_out.items()):
        typer.echo(f"  left out {n}: {why}")
    for note in result.notes:
        typer.echo(f"  note: {note}")
