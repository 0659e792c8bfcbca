"""The photo: textual-image where it is installed, or a half-block rendering in any terminal.

textual-image picks the best the terminal offers (Kitty graphics, Sixel, coloured half
cells). Its module queries the terminal once at import, so ``preload`` must run before
the app starts. The half-block fallback is written here (a few lines with Pillow): each
character cell shows two pixels, the upper as the foreground of ``▀`` and the lower as
its background, which every colour terminal can show and which renders the same in
snapshot tests.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from PIL import Image
from rich.segment import Segment
from rich.style import Style
from textual.strip import Strip
from textual.widget import Widget

ImageMode = Literal["auto", "halfblock"]
UPPER_HALF = "▀"


def preload() -> bool:
    """Import textual-image before the app starts (it asks the terminal its cell size)."""
    try:
        import textual_image.widget  # noqa: F401
    except ImportError:
        return False
    return True


def halfblock_rows(image: Image.Image, width: int, height: int) -> list[list[Segment]]:
    """The image fitted into width x height cells, two pixel rows per cell, aspect kept."""
    if width < 1 or height < 1:
        return []
    scale = min(width / image.width, (height * 2) / image.height)
    w = max(1, int(image.width * scale))
    h = max(2, int(image.height * scale) // 2 * 2)
    small = image.convert("RGB").resize((w, h), Image.Resampling.BOX)
    px = small.load()
    pad = (width - w) // 2
    rows: list[list[Segment]] = []
    for y in range(0, h, 2):
        row = [Segment(" " * pad)] if pad else []
        for x in range(w):
            top, bottom = px[x, y], px[x, y + 1]
            row.append(Segment(UPPER_HALF, Style(color=_rgb(top), bgcolor=_rgb(bottom))))
        rows.append(row)
    return rows


def _rgb(p: tuple[int, ...]) -> str:
    return f"rgb({p[0]},{p[1]},{p[2]})"


class HalfBlockPhoto(Widget):
    """The photo drawn with half blocks, refitted whenever the widget is resized."""

    DEFAULT_CSS = "HalfBlockPhoto { width: 1fr; height: 1fr; }"

    def __init__(self, image: Image.Image, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self._image = image
        self._rows: list[list[Segment]] = []
        self._fitted: tuple[int, int] = (0, 0)

    def render_line(self, y: int) -> Strip:
        size = (self.size.width, self.size.height)
        if size != self._fitted:
            self._rows = halfblock_rows(self._image, *size)
            self._fitted = size
        top = (self.size.height - len(self._rows)) // 2
        if 0 <= y - top < len(self._rows):
            return Strip(self._rows[y - top])
        return Strip.blank(self.size.width)


def thumbnail(path: Path, max_pixels: int = 120_000_000, budget_mb: int | None = None
              ) -> Image.Image:
    """The photo as a viewer shows it, at most 640 px a side (plenty for a terminal),
    decoded within ``budget_mb`` (the ``decode_budget_mb`` setting) as the tools read it.

    Decoding a large photo takes a moment: the app calls this in a worker.
    """
    from geosleuth.images import open_image, oriented

    image = oriented(open_image(path, max_pixels, budget_mb))
    image.thumbnail((640, 640))
    return image


def photo_widget(image: Image.Image, mode: ImageMode = "auto", *, id: str | None = None
                 ) -> Widget:
    """The best photo widget here: textual-image in ``auto`` mode if installed, else half blocks."""
    if mode == "auto" and preload():
        from textual_image.widget import Image as AutoImage

        return AutoImage(image, id=id)
    return HalfBlockPhoto(image, id=id)
