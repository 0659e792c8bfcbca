"""write_case never replaces another case's folder unless asked; save_case falls back."""

from __future__ import annotations

import errno
import json
from pathlib import Path

import pytest

import geosleuth.cases.folder as folder_module
from geosleuth.agent.state import CaseState
from geosleuth.cases.folder import save_case, write_case
from geosleuth.cases.record import case_record
from geosleuth.model import Case, ImageInfo
from geosleuth.settings import Settings


def record(note: str = "") -> dict:
    image = ImageInfo(path="photos/harbour.jpg", sha256="cd" * 32, width=10, height=8,
                      format="JPEG", size_bytes=99)
    r = case_record(CaseState(case=Case(image=image)), Settings(), backend="offline",
                    model=None, total_ms=1.0)
    r["note"] = note
    return r


def note_of(folder: Path) -> str:
    return json.loads((folder / "case.json").read_text())["note"]


def test_a_new_case_takes_a_new_folder_when_the_name_is_taken(tmp_path: Path) -> None:
    first = write_case(record("first"), tmp_path)
    assert first.name == "harbour-cdcdcdcd"
    (first / "notes.txt").write_text("the investigator's notes")
    second = write_case(record("second"), tmp_path)
    third = write_case(record("third"), tmp_path)
    assert [second.name, third.name] == ["harbour-cdcdcdcd-2", "harbour-cdcdcdcd-3"]
    assert note_of(first) == "first" and (first / "notes.txt").is_file()
    assert note_of(second) == "second" and note_of(third) == "third"
    assert sorted(p.name for p in tmp_path.iterdir()) == [first.name, second.name, third.name]


def test_a_file_in_the_way_is_skipped_not_replaced(tmp_path: Path) -> None:
    (tmp_path / "harbour-cdcdcdcd").write_text("not a case")
    folder = write_case(record(), tmp_path)
    assert folder.name == "harbour-cdcdcdcd-2"
    assert (tmp_path / "harbour-cdcdcdcd").read_text() == "not a case"


def test_replace_and_a_cases_own_folder_are_replaced(tmp_path: Path) -> None:
    first = write_case(record("first"), tmp_path)
    write_case(record("second"), tmp_path)
    forced = write_case(record("forced"), tmp_path, replace=True)
    assert forced == first and note_of(first) == "forced"
    own = write_case(record("saved again"), tmp_path, folder=tmp_path / "harbour-cdcdcdcd-2")
    assert own.name == "harbour-cdcdcdcd-2" and note_of(own) == "saved again"
    assert len(list(tmp_path.iterdir())) == 2


def test_save_case_falls_back_when_the_folder_cannot_take_it(tmp_path: Path) -> None:
    (tmp_path / "a-file").write_text("")
    out = tmp_path / "a-file" / "cases"  # the OS refuses it, even to root
    saved = save_case(record("kept"), out, fallback=tmp_path / "unsaved")
    assert saved.folder == tmp_path / "unsaved" / "harbour-cdcdcdcd"
    assert note_of(saved.folder) == "kept"
    assert saved.problem is not None and "\n" not in saved.problem
    assert saved.problem.startswith(f"{out}: cannot write the case folder here (")
    assert str(saved.folder) in saved.problem


def test_save_case_on_a_full_disk_says_so_and_leaves_nothing_half_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out, fallback = tmp_path / "out", tmp_path / "unsaved"
    real = folder_module._write_files

    def full_disk(r: dict, tmp: Path, *args: object) -> None:
        if tmp.parent == out:
            raise OSError(errno.ENOSPC, "No space left on device")
        real(r, tmp, *args)

    monkeypatch.setattr(folder_module, "_write_files", full_disk)
    saved = save_case(record(), out, fallback=fallback)
    assert saved.problem is not None and "No space left on device" in saved.problem
    assert list(out.iterdir()) == []  # no temporary folder left behind
    assert saved.folder is not None and saved.folder.parent == fallback

    def read_only(r: dict, tmp: Path, *args: object) -> None:
        raise OSError(errno.EROFS, "Read-only file system")

    monkeypatch.setattr(folder_module, "_write_files", read_only)
    nowhere = save_case(record(), out, fallback=fallback)
    assert nowhere.folder is None and nowhere.problem is not None
    assert f"nor in {fallback}" in nowhere.problem
