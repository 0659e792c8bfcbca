"""Fixtures of the TUI tests: a rendered photo, settings in tmp_path, a scripted session."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest
from PIL import Image, ImageDraw
from tui_scripted import ScriptedReasoner, scripted_registry

from geosleuth.cases.session import Session
from geosleuth.settings import Settings
from geosleuth.tui.app import InvestigationApp


@pytest.fixture
def photo(tmp_path: Path) -> Path:
    """A small street scene: sky, a building, a blue sign with white text."""
    image = Image.new("RGB", (320, 240), (135, 180, 225))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 120, 320, 240), fill=(90, 90, 95))
    draw.rectangle((40, 40, 200, 150), fill=(220, 200, 160))
    draw.rectangle((210, 60, 310, 100), fill=(20, 60, 160))
    draw.text((218, 72), "Rua Augusta", fill=(255, 255, 255))
    path = tmp_path / "street.png"
    image.save(path)
    return path


def session_cache() -> Path:
    """The test session's cache folder (``tests/conftest.py``): a ``Settings`` made here
    would otherwise write journals and unsaved cases into the user's own cache."""
    return Path(os.environ["GEOSLEUTH_CACHE_DIR"])


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(out=tmp_path / "cases", cache=False, steps=6, cache_dir=session_cache())


@pytest.fixture
def make_session(settings: Settings) -> Callable[..., Session]:
    def make(path: Path, reasoner: ScriptedReasoner | None = None) -> Session:
        return Session.open(path, settings, reasoner=reasoner or ScriptedReasoner(),
                            tools=scripted_registry(), geo=False)

    return make


@pytest.fixture
def make_app(settings: Settings) -> Callable[..., InvestigationApp]:
    """The real app, opening paths with the scripted reasoner and tools, half-block photos."""

    def make(path: Path | None, *, autorun: bool = True) -> InvestigationApp:
        return InvestigationApp(
            settings, path, image_mode="halfblock", autorun=autorun,
            session_factory=lambda p, s: Session.open(p, s, reasoner=ScriptedReasoner(),
                                                      tools=scripted_registry(), geo=False))

    return make
