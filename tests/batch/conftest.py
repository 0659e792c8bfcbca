"""Fixtures of the batch tests: small rendered photos (with and without GPS) in a folder."""

from __future__ import annotations

from pathlib import Path

import pytest

from geosleuth.settings import Settings, load_settings
from geosleuth.testing.photos import render_photo

# (relative path, GPS or None); small sizes keep the investigations fast.
PHOTOS: tuple[tuple[str, tuple[float, float] | None], ...] = (
    ("paris.jpg", (48.8584, 2.2945)),
    ("sub/tokyo.png", (35.6586, 139.7454)),
    ("sub/deeper/plain.jpg", None),
)


@pytest.fixture
def photo_dir(tmp_path: Path) -> Path:
    root = tmp_path / "photos"
    for i, (rel, gps) in enumerate(PHOTOS):
        render_photo(root / rel, size=(96, 64), gps=gps, seed=i)
    return root


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return load_settings({"out": tmp_path / "out", "cache": False})[0]
