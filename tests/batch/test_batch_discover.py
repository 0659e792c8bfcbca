"""Finding a batch's images: suffixes, recursion, include and exclude globs, hidden files."""

from __future__ import annotations

from pathlib import Path

import pytest

from geosleuth.batch import find_images
from geosleuth.errors import BadInputError


def _touch(root: Path, *names: str) -> None:
    for name in names:
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(b"x")


def _rel(root: Path, paths: list[Path]) -> list[str]:
    return [p.relative_to(root).as_posix() for p in paths]


def test_finds_images_recursively_by_suffix(tmp_path: Path) -> None:
    _touch(tmp_path, "a.JPG", "b/c.heic", "b/d.txt", "b/e/f.png", ".hidden.jpg",
           ".tmp/g.jpg", "notes.md")
    assert _rel(tmp_path, find_images(tmp_path)) == ["a.JPG", "b/c.heic", "b/e/f.png"]
    assert _rel(tmp_path, find_images(tmp_path, recursive=False)) == ["a.JPG"]


def test_include_and_exclude_globs(tmp_path: Path) -> None:
    _touch(tmp_path, "2023/x.jpg", "2024/y.jpg", "2024/raw/z.jpg", "2024/w.png")
    assert _rel(tmp_path, find_images(tmp_path, include=["*.jpg"])) == [
        "2023/x.jpg", "2024/raw/z.jpg", "2024/y.jpg"]
    assert _rel(tmp_path, find_images(tmp_path, include=["2024/*"], exclude=["**/raw/*"])) == [
        "2024/w.png", "2024/y.jpg"]
    assert _rel(tmp_path, find_images(tmp_path, exclude=["*.png", "2023/*"])) == [
        "2024/raw/z.jpg", "2024/y.jpg"]


def test_a_missing_folder_or_a_file_is_bad_input(tmp_path: Path) -> None:
    with pytest.raises(BadInputError, match="no such folder"):
        find_images(tmp_path / "nope")
    _touch(tmp_path, "one.jpg")
    with pytest.raises(BadInputError, match="not a folder"):
        find_images(tmp_path / "one.jpg")
