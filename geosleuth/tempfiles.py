"""Temporary files written beside a cache file and renamed into place, and their leftovers.

The caches built on first use (the gazetteer index, the country raster, the fusion's
arrays) are written to ``tempfile.mkstemp(dir=<folder>, prefix=P, suffix=S)`` and renamed
over the real name when whole. A process killed while writing leaves its temporary file
(the gazetteer's is 20 to 100 MB) that no later run would touch: ``remove_stale`` removes
them at the start of the next build.

A file is stale only when all of these hold, so a build running in another process is
never disturbed:

- its name is exactly ``P`` + the eight characters ``mkstemp`` draws + ``S``;
- it was last modified before the running process started;
- no process holds it (``writing`` takes an exclusive ``flock`` on the file for as long
  as it is being written; where ``flock`` does not exist, the age alone decides).
"""

from __future__ import annotations

import os
import re
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

try:
    import fcntl
except ImportError:  # not on POSIX
    fcntl = None  # type: ignore[assignment]

_IMPORTED = time.time()
_RANDOM = r"[a-z0-9_]{8}"  # tempfile's name sequence: 8 of "a-z", "0-9" and "_"


def process_started() -> float:
    """When the running process started (seconds since the epoch).

    From /proc where there is one (Linux); elsewhere when this module was imported,
    which is later than the true start and so errs on the side of keeping files.

    The boot time is the clock now less /proc/uptime (to a hundredth of a second), not
    /proc/stat's ``btime``, which is whole seconds: a start computed from it came out up
    to a second early, so the temporary file of a run killed just before this one started
    looked newer than this process and was left behind.
    """
    try:
        stat = Path("/proc/self/stat").read_text()
        ticks = int(stat.rsplit(")", 1)[1].split()[19])  # field 22: start time, in ticks
        boot = time.time() - float(Path("/proc/uptime").read_text().split()[0])
        return min(boot + ticks / os.sysconf("SC_CLK_TCK"), _IMPORTED)
    except (OSError, ValueError, IndexError, AttributeError):
        return _IMPORTED


def _held_elsewhere(fd: int) -> bool:
    """Whether another open file holds the lock ``writing`` takes (False: now ours)."""
    if fcntl is None:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return True
    return False


def remove_stale(folder: Path, prefix: str, suffix: str) -> list[Path]:
    """Remove the temporary files ``mkstemp(dir=folder, prefix=prefix, suffix=suffix)``
    made for a build that never finished; return what was removed."""
    folder = Path(folder)
    pattern = re.compile(re.escape(prefix) + _RANDOM + re.escape(suffix))
    started = process_started()
    removed: list[Path] = []
    try:
        entries = list(folder.iterdir())
    except OSError:  # no folder yet: nothing to clean
        return removed
    for entry in entries:
        if not pattern.fullmatch(entry.name):
            continue
        try:
            if not entry.is_file() or entry.is_symlink() or entry.stat().st_mtime >= started:
                continue
            fd = os.open(entry, os.O_RDONLY)
        except OSError:
            continue
        try:
            if _held_elsewhere(fd):
                continue  # another process is writing it
            entry.unlink()
            removed.append(entry)
        except OSError:
            continue
        finally:
            os.close(fd)
    return removed


@contextmanager
def writing(folder: Path, prefix: str, suffix: str) -> Iterator[Path]:
    """A new temporary file in ``folder``, locked against ``remove_stale`` while the block
    runs, and removed at its end unless the block renamed it into place."""
    fd, name = tempfile.mkstemp(dir=folder, prefix=prefix, suffix=suffix)
    tmp = Path(name)
    try:
        _held_elsewhere(fd)  # a file made a moment ago: nobody else holds it
        yield tmp
    finally:
        try:
            tmp.unlink(missing_ok=True)
        finally:
            os.close(fd)  # last: a cleaner must not see the file unlocked before it is gone
