"""The TUI's photo thumbnail reads the photo within the decode budget, as the tools do."""

from __future__ import annotations

from pathlib import Path

from PIL import Image

from geosleuth.tui.widgets.photo import thumbnail


def test_the_thumbnail_is_decoded_within_the_budget(tmp_path: Path) -> None:
    path = tmp_path / "wide.png"
    Image.new("RGB", (4000, 3000), "olive").save(path)  # 48 MB at 4 bytes a pixel
    assert thumbnail(path).size == (640, 480)  # no budget: decoded whole, then shrunk
    tight = thumbnail(path, budget_mb=1)  # a budget smaller than any view: a small decode
    assert tight.width < 640
