"""The crash-safe line files: fsynced appends, torn-tail repair, atomic replacement."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from geosleuth.batch.journal import AppendLog, read_jsonl, repair_tail, replace_atomically


def test_repair_tail_drops_a_torn_last_line(tmp_path: Path) -> None:
    path = tmp_path / "log.jsonl"
    path.write_bytes(b'{"a": 1}\n{"b": 2}\n{"c": ')
    assert repair_tail(path) == len(b'{"c": ')
    assert path.read_bytes() == b'{"a": 1}\n{"b": 2}\n'
    assert repair_tail(path) == 0  # a whole file is left alone


def test_repair_tail_of_a_file_with_no_newline_empties_it(tmp_path: Path) -> None:
    path = tmp_path / "log.jsonl"
    path.write_bytes(b"x" * 70_000)  # longer than one backward read block
    assert repair_tail(path) == 70_000
    assert path.read_bytes() == b""


def test_append_log_repairs_then_appends_whole_lines(tmp_path: Path) -> None:
    path = tmp_path / "log.jsonl"
    path.write_bytes(b'{"a": 1}\n{"tor')
    with AppendLog(path) as log:
        log.append(json.dumps({"b": 2}))
    rows, bad = read_jsonl(path)
    assert rows == [{"a": 1}, {"b": 2}]
    assert bad == 0


def test_append_log_refuses_line_breaks(tmp_path: Path) -> None:
    with AppendLog(tmp_path / "x.csv") as log, pytest.raises(ValueError):
        log.append("two\nlines")


def test_read_jsonl_counts_damaged_lines(tmp_path: Path) -> None:
    path = tmp_path / "log.jsonl"
    path.write_bytes(b'{"a": 1}\nnot json\n[1, 2]\n{"b": 2}\n{"c"')
    rows, bad = read_jsonl(path)
    assert rows == [{"a": 1}, {"b": 2}]
    assert bad == 3  # the invalid line, the non-object, the torn tail


def test_replace_atomically_leaves_no_temporary_file(tmp_path: Path) -> None:
    path = tmp_path / "summary.csv"
    path.write_text("old\n")
    replace_atomically(path, ["a", "b"])
    assert path.read_text() == "a\nb\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["summary.csv"]


def test_clean_leftovers_removes_only_what_a_killed_run_leaves(tmp_path: Path) -> None:
    from geosleuth.batch.runner import clean_leftovers

    for name in (".paris-0123abcd.k2j4_x9q", ".paris-0123abcd.old"):
        (tmp_path / name).mkdir()
    (tmp_path / ".results.jsonl.ab12cd34").write_text("{")
    keep = [tmp_path / "paris-0123abcd", tmp_path / ".git", tmp_path / "results.jsonl"]
    keep[0].mkdir()
    keep[1].mkdir()
    keep[2].write_text("")
    assert clean_leftovers(tmp_path) == 3
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(p.name for p in keep)
