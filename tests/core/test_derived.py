"""Files derived once into the cache folder: built when missing, rebuilt once when damaged."""

from __future__ import annotations

from pathlib import Path

from geosleuth.derived import open_or_build


def _read(path: Path) -> str:
    text = path.read_text()
    if text != "good":
        raise ValueError("damaged")
    return text


def test_a_missing_file_is_built_and_a_damaged_one_built_again(tmp_path: Path) -> None:
    built: list[Path] = []

    def build(path: Path) -> None:
        built.append(path)
        path.write_text("good")

    path = tmp_path / "index"
    assert open_or_build(path, build, _read, (ValueError,)) == "good"
    assert open_or_build(path, build, _read, (ValueError,)) == "good"
    assert len(built) == 1  # read, not built, the second time
    path.write_text("half-written")
    assert open_or_build(path, build, _read, (ValueError,)) == "good"
    assert len(built) == 2


def test_a_folder_that_cannot_hold_it_gives_none(tmp_path: Path) -> None:
    def build(path: Path) -> None:
        raise OSError("read-only")

    assert open_or_build(tmp_path / "index", build, _read, (OSError, ValueError)) is None

    def bad_build(path: Path) -> None:
        path.write_text("never good")

    assert open_or_build(tmp_path / "other", bad_build, _read, (ValueError,)) is None
