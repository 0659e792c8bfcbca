"""``geosleuth investigate [PHOTO|CASE_DIR]``: the interactive investigation (Textual TUI).

Textual is imported inside the command only, so ``geosleuth --help`` stays fast and the
rest of the CLI works without the ``tui`` extra.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from geosleuth.cli.run_options import Backend, Cache, Model, Network, Out, Steps

PathArg = Annotated[Path | None, typer.Argument(
    help="A photo, or a case folder to continue; none opens a file picker.")]
ClueOpt = Annotated[list[str] | None, typer.Option(
    "--clue", "-c", help='Your own clue, e.g. "shadow: height=1.8m length=2.4m".')]
IgnoreMetadata = Annotated[bool, typer.Option(
    "--ignore-metadata", help="Hide EXIF position and time from the tools.")]
Paused = Annotated[bool, typer.Option(
    "--paused", help="Open a new photo without starting the loop (press c to start).")]
ImageOpt = Annotated[str, typer.Option(
    "--image", help="Photo rendering: auto (the best the terminal offers) or halfblock.")]


def register(app: typer.Typer) -> None:
    app.command(help="Investigate a photo interactively, or resume a case folder; no argument"
                     " opens a file picker. Needs the 'tui' extra.")(investigate)


def investigate(
    path: PathArg = None,
    out: Out = None,
    backend: Backend = None,
    model: Model = None,
    steps: Steps = None,
    clue: ClueOpt = None,
    ignore_metadata: IgnoreMetadata = False,
    cache: Cache = None,
    network: Network = None,
    paused: Paused = False,
    image: ImageOpt = "auto",
) -> None:
    from geosleuth.cli.errors import fail
    from geosleuth.settings import load_settings

    if image not in ("auto", "halfblock"):
        raise fail(f"--image must be auto or halfblock, not {image!r}")
    if path is not None and not path.exists():
        raise fail(f"{path}: no such file or folder")
    try:
        from geosleuth.tui.widgets.photo import preload
    except ImportError:
        raise fail("the TUI needs Textual: pip install 'geosleuth[tui]'") from None
    settings, _ = load_settings({"out": out, "backend": backend, "model": model, "steps": steps,
                                 "cache": cache, "network": network})
    if image == "auto":
        preload()  # textual-image asks the terminal its cell size before Textual starts
    from geosleuth.tui.app import InvestigationApp

    app = InvestigationApp(
        settings, path, image_mode="auto" if image == "auto" else "halfblock",
        autorun=not paused,
        open_kwargs={"clues": tuple(clue or ()), "ignore_metadata": ignore_metadata},
        prepare_index=True,
    )
    app.run()
