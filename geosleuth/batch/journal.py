"""Line files that survive a killed process: fsynced appends, torn-tail repair, atomic rewrite.

A batch must lose no finished result and leave no corrupt file when it is killed at
any instant. Three rules give that:

- ``AppendLog.append`` writes one whole line with a single ``write``, then flushes and
  fsyncs, so a line that was reported written is on disk;
- ``repair_tail`` drops the bytes after the last newline: a line torn by a kill in the
  middle of a ``write`` (the only damage an append-only file can take);
- ``replace_atomically`` writes a whole file beside the target, fsyncs it and renames
  it over the target (and fsyncs the folder), so readers see the old file or the new.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import IO, Any


def _fsync_dir(folder: Path) -> None:
    # Makes a rename durable; not possible on every platform (Windows), hence suppress.
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def repair_tail(path: Path) -> int:
    """Truncate ``path`` after its last newline; return the number of bytes dropped."""
    if not path.exists():
        return 0
    size = path.stat().st_size
    if size == 0:
        return 0
    with path.open("rb+") as fh:
        # Read backwards in blocks until a newline is found (lines are short).
        pos, block = size, 1 << 16
        keep = 0
        while pos > 0:
            start = max(0, pos - block)
            fh.seek(start)
            chunk = fh.read(pos - start)
            idx = chunk.rfind(b"\n")
            if idx >= 0:
                keep = start + idx + 1
                break
            pos = start
        if keep < size:
            fh.truncate(keep)
            fh.flush()
            os.fsync(fh.fileno())
        return size - keep


def replace_atomically(path: Path, lines: Iterable[str]) -> None:
    """Write ``lines`` (each without its newline) to ``path`` all at once, or not at all."""
    replace_text_atomically(path, "".join(f"{line}\n" for line in lines))


def replace_text_atomically(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file and a rename."""
    replace_bytes_atomically(path, text.encode("utf-8"))


def replace_bytes_atomically(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file and a rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
        _fsync_dir(path.parent)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


class AppendLog:
    """An append-only text file written one fsynced line at a time."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        repair_tail(path)
        self._fh: IO[bytes] | None = path.open("ab")

    def append(self, line: str) -> None:
        if "\n" in line or "\r" in line:
            raise ValueError("a journal line may not contain a line break")
        if self._fh is None:
            raise ValueError(f"{self.path}: the log is closed")
        self._fh.write(line.encode("utf-8") + b"\n")  # one write: whole line or torn tail
        self._fh.flush()
        os.fsync(self._fh.fileno())

    def close(self) -> None:
        if self._fh is not None:
            self._fh.close()
            self._fh = None

    def __enter__(self) -> AppendLog:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def read_jsonl(path: Path) -> tuple[list[dict[str, Any]], int]:
    """The JSON objects of a JSONL file and the number of lines that were not valid.

    A torn last line (no newline) is counted as invalid and not returned; so is a line
    holding NaN or Infinity, which strict JSON has no words for (the writers refuse them).
    """
    if not path.exists():
        return [], 0
    rows: list[dict[str, Any]] = []
    bad = 0
    data = path.read_bytes()
    lines = data.split(b"\n")
    if lines and lines[-1] != b"":
        bad += 1  # torn tail
    for raw in lines[:-1]:
        if not raw.strip():
            continue
        try:
            obj = json.loads(raw, parse_constant=_refuse_constant)
        except ValueError:  # JSONDecodeError, UnicodeDecodeError, NaN or Infinity
            bad += 1
            continue
        if isinstance(obj, dict):
            rows.append(obj)
        else:
            bad += 1
    return rows, bad
