"""Fixtures of the text tests: a tool context for a case whose pixels the text tools never read."""

from __future__ import annotations

from pathlib import Path

import pytest

from geosleuth.model import Case, ImageInfo
from geosleuth.settings import Settings
from geosleuth.tools.context import ToolContext


@pytest.fixture
def text_ctx(tmp_path: Path) -> ToolContext:
    info = ImageInfo(
        path=str(tmp_path / "sign.jpg"), sha256="0" * 64, width=1, height=1, format="JPEG",
        size_bytes=0,
    )
    return ToolContext(case=Case(image=info), settings=Settings(cache_dir=tmp_path / "cache"))
