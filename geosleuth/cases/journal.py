"""The autosave journal of an interactive case: what the investigator did, on disk as it happens.

A TUI session writes its case record (the same ``case.json`` a save writes) into
``<cache>/journal/<case>-<pid>-<started>/`` a moment after each change, atomically (a
temporary file renamed into place), so a crash, a kill or a closed terminal loses at
most the last moment's work. Saving the case or discarding it on purpose removes the
journal; a journal that is still there when the photo (or its case folder) is opened
again is work that was never saved, and the TUI offers to restore it.

A journal names the process that writes it: one whose process is still alive belongs to
a TUI open in another terminal, and is not offered.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from geosleuth.cases.folder import CASE_FILE, case_dir_name

JOURNAL_DIR = "journal"


def journal_dir(cache_dir: Path) -> Path:
    return cache_dir / JOURNAL_DIR


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process: alive
        return True
    except OSError:
        return False
    return True


@dataclass(frozen=True)
class Journal:
    """One session's journal folder (created on the first write)."""

    folder: Path

    @classmethod
    def start(cls, cache_dir: Path, record: dict[str, Any]) -> Journal:
        name = f"{case_dir_name(record)}-{os.getpid()}-{int(time.time())}"
        return cls(journal_dir(cache_dir) / name)

    @property
    def pid(self) -> int | None:
        parts = self.folder.name.rsplit("-", 2)
        return int(parts[1]) if len(parts) == 3 and parts[1].isdigit() else None

    def write(self, record: dict[str, Any]) -> None:
        """Write the record (with the photo's absolute path, so it is found from anywhere)."""
        image = dict(record.get("image") or {})
        if image.get("path"):
            image["path"] = str(Path(image["path"]).resolve())
        record = {**record, "image": image}
        self.folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".case-", suffix=".tmp", dir=self.folder)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump(record, handle, ensure_ascii=False, allow_nan=False)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, self.folder / CASE_FILE)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def discard(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)

    def record(self) -> dict[str, Any]:
        from geosleuth.cases.folder import read_record

        return read_record(self.folder)

    @property
    def written(self) -> float:
        """When the journal was last written (seconds since the epoch), 0 when never."""
        path = self.folder / CASE_FILE
        return path.stat().st_mtime if path.is_file() else 0.0


def pending(cache_dir: Path, sha256: str, *, newer_than: float = 0.0) -> list[Journal]:
    """Journals of the photo ``sha256`` left by sessions that ended without saving, newest
    first; ``newer_than``: only those written after that time (a case folder's own save)."""
    root = journal_dir(cache_dir)
    if not root.is_dir():
        return []
    found: list[Journal] = []
    for folder in root.iterdir():
        journal = Journal(folder)
        if not folder.is_dir() or journal.written <= newer_than:
            continue
        if journal.pid is not None and _alive(journal.pid):
            continue
        try:
            record = journal.record()
        except Exception:  # a damaged journal is no work to restore; the next check skips it
            continue
        if (record.get("image") or {}).get("sha256") == sha256:
            found.append(journal)
    return sorted(found, key=lambda j: j.written, reverse=True)
