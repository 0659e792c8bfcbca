"""Fixtures of the text tests: a tool context whose pixels the text tools never read, and
the gazetteer of the test session's cache (built once per session, see tests/conftest.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from geosleuth.geo.gazetteer import Gazetteer
from geosleuth.model import Case, ImageInfo
from geosleuth.settings import load_settings
from geosleuth.tools.context import ToolContext


@pytest.fixture(scope="session")
def gazetteer() -> Gazetteer:
    return Gazetteer.open(load_settings()[0].cache_dir)


@pytest.fixture
def text_ctx(tmp_path: Path) -> ToolContext:
    info = ImageInfo(
        path=str(tmp_path / "sign.jpg"), sha256="0" * 64, width=1, height=1, format="JPEG",
        size_bytes=0,
    )
    return ToolContext(case=Case(image=info), settings=load_settings()[0])
