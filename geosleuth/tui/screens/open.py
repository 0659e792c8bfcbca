"""The file picker: choose a photo to investigate, or a case folder (its case.json) to resume."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import DirectoryTree, Footer, Static

PHOTO_SUFFIXES = {".jpg", ".jpeg", ".png", ".tif", ".tiff", ".webp", ".heic", ".heif", ".bmp"}


class PhotoTree(DirectoryTree):
    """Folders, photos and case.json files; hidden entries left out."""

    def filter_paths(self, paths: Iterable[Path]) -> Iterable[Path]:
        return [p for p in paths if not p.name.startswith(".") and (
            p.is_dir() or p.suffix.lower() in PHOTO_SUFFIXES or p.name == "case.json")]


class OpenScreen(Screen[Path | None]):
    """Returns the chosen photo or case folder, or None when cancelled."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel"),
                Binding("backspace", "up", "Parent folder")]

    def __init__(self, start: Path | None = None) -> None:
        super().__init__()
        self.start = start or Path(".")

    def compose(self) -> ComposeResult:
        with Vertical():
            here = self.start.resolve()
            yield Static(Text.assemble(
                ("Open a photo, or a case folder's case.json to resume it", "bold"),
                (f"  in {here.name or here}/", "dim")), id="open-title")
            yield PhotoTree(self.start, id="open-tree")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(PhotoTree).focus()

    def on_directory_tree_file_selected(self, event: DirectoryTree.FileSelected) -> None:
        path = Path(event.path)
        self.dismiss(path.parent if path.name == "case.json" else path)

    def action_up(self) -> None:
        tree = self.query_one(PhotoTree)
        tree.path = Path(tree.path).resolve().parent

    def action_cancel(self) -> None:
        self.dismiss(None)
