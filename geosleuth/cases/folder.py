"""A case folder on disk: case.json and the files for people (``report.outputs``: report.md,
report.html, hypotheses.geojson, case.kml, map.png, photo-thumbnail.jpg, the map views'
view-E<n>.png), named after the photo.

``write_case`` writes one all at once (a temporary folder renamed into place, or
nothing), never over another case's folder unless asked; ``save_case`` writes it
elsewhere when the OS refuses the folder asked for; ``read_record`` reads its case.json
back, checked for its schema; ``find_photo`` finds the photo it describes.
"""

from __future__ import annotations

import errno
import itertools
import json
import os
import shutil
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from geosleuth.cases.record import SCHEMA
from geosleuth.errors import BadInputError
from geosleuth.report.outputs import THUMB_FILE, case_outputs, recorded_photo

CASE_FILE = "case.json"


def read_record(folder: Path) -> dict[str, Any]:
    """The case.json of a case folder (or the file itself), checked for its schema."""
    path = folder / CASE_FILE if folder.is_dir() else folder
    if not path.is_file():
        raise BadInputError(f"{path}: no {CASE_FILE} here; give a case folder written by"
                            " 'geosleuth locate'")
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise BadInputError(f"{path}: not valid JSON ({exc}); the case file is damaged") from None
    if not isinstance(record, dict) or record.get("schema") != SCHEMA:
        found = record.get("schema") if isinstance(record, dict) else type(record).__name__
        raise BadInputError(f"{path}: not a {SCHEMA} case record (schema {found!r})")
    return record


def find_photo(record: dict[str, Any], folder: Path) -> Path:
    """The photo of a case: its recorded path, else that path or its name beside the folder.

    A photo a batch read by URI is recorded as that URI: a ``file://`` one names a local
    path; any other (``s3://`` …) is looked for by its name in the case folder."""
    text = str(record["image"]["path"])
    if text.startswith("file://"):
        from urllib.parse import urlparse
        from urllib.request import url2pathname

        recorded = Path(url2pathname(urlparse(text).path))
    else:
        recorded = Path(text)
    candidates = [recorded]
    if not recorded.is_absolute():
        candidates += [folder / recorded, folder.parent / recorded, folder.parent.parent / recorded]
    candidates += [folder / recorded.name]
    for path in candidates:
        if path.is_file():
            return path
    raise BadInputError(
        f"{folder}: the photo {recorded} is not found; put it back or copy it into the case folder"
    )


def case_dir_name(record: dict[str, Any]) -> str:
    stem = Path(record["image"]["path"]).stem or "image"
    safe = "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in stem)[:80]
    return f"{safe}-{record['image']['sha256'][:8]}"


def unsaved_dir(cache_dir: Path) -> Path:
    """Where a case goes when the folder asked for cannot take it: ``<cache>/unsaved``."""
    return cache_dir / "unsaved"


def write_case(
    record: dict[str, Any], out_dir: Path, folder: Path | None = None, *, replace: bool = False,
    photo: Path | None = None, files: Mapping[str, bytes] | None = None,
) -> Path:
    """Write case.json and the files for people into a case folder; return it.

    ``photo`` is the photo's file (its thumbnail goes into the folder); without it, the
    file at the recorded path if there is one, else the thumbnail the folder already has.

    ``folder`` is the case's own folder (a session saving again, a batch redoing a photo
    it wrote itself): it is replaced. Otherwise a new case takes ``out_dir/<stem>-<sha8>``
    or, when that name is taken, the first free ``<stem>-<sha8>-2``, ``-3``, …; with
    ``replace`` (``--force``) it replaces ``<stem>-<sha8>`` instead.

    ``files`` are the folder's files made already (``case_files``, by a worker elsewhere):
    written as they are.

    The files are written into a temporary folder beside the target, which is then renamed
    into place, so an interrupted run leaves either the old folder or the new one.
    """
    base = folder or out_dir / case_dir_name(record)
    base.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{base.name}.", dir=base.parent))
    try:
        _write_files(record, tmp, photo, base if (folder is not None or replace) else None,
                     files)
        if folder is not None or replace:
            _replace(tmp, base)
            return base
        return _claim(tmp, base)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def case_files(record: dict[str, Any], photo: Path | None = None,
               replaced: Path | None = None) -> dict[str, bytes]:
    """File name -> contents of a case folder: case.json and the files for people.

    ``replaced``: the folder these files will replace (its thumbnail is kept when the
    photo is gone).
    """
    # Strict JSON: a NaN or an infinity anywhere in a record is a bug, and raises
    # ValueError here rather than writing a file that JSON parsers refuse.
    files = {CASE_FILE: json.dumps(record, indent=2, ensure_ascii=False,
                                   allow_nan=False).encode("utf-8")}
    old_thumbnail = None
    if replaced is not None and (replaced / THUMB_FILE).is_file():
        old_thumbnail = (replaced / THUMB_FILE).read_bytes()
    files.update(case_outputs(record, photo=photo or recorded_photo(record),
                              thumbnail=old_thumbnail, replaced=replaced))
    return files


def _write_files(record: dict[str, Any], tmp: Path, photo: Path | None,
                 replaced: Path | None, files: Mapping[str, bytes] | None = None) -> None:
    if files is None:
        files = case_files(record, photo, replaced)
    for name, data in files.items():
        (tmp / name).write_bytes(data)


def _replace(tmp: Path, target: Path) -> None:
    if target.exists():
        old = target.with_name(f".{target.name}.old")
        shutil.rmtree(old, ignore_errors=True)
        os.replace(target, old)
        os.replace(tmp, target)
        shutil.rmtree(old, ignore_errors=True)
    else:
        os.replace(tmp, target)


# A rename onto a folder that is not empty, or onto a file, fails with one of these.
_TAKEN = {errno.EEXIST, errno.ENOTEMPTY, errno.ENOTDIR, errno.EISDIR}


def _claim(tmp: Path, base: Path) -> Path:
    """Rename ``tmp`` to the first free name of ``base``, ``base-2``, …; never over a case.

    The rename itself is the claim: a case folder is never empty, so a rename onto one
    that another process took meanwhile fails, and the next name is tried.
    """
    for n in itertools.count(1):
        target = base if n == 1 else base.with_name(f"{base.name}-{n}")
        if os.path.lexists(target):
            continue
        try:
            os.rename(tmp, target)
        except OSError as exc:
            if exc.errno in _TAKEN:
                continue
            raise
        return target
    raise AssertionError("unreachable")  # itertools.count never ends


@dataclass(frozen=True)
class SavedCase:
    """Where a case was written (``None``: nowhere) and, if not where asked, why."""

    folder: Path | None
    problem: str | None = None


def _reason(exc: OSError) -> str:
    return exc.strerror or str(exc)


def save_case(
    record: dict[str, Any], out_dir: Path, *, fallback: Path, folder: Path | None = None,
    replace: bool = False, photo: Path | None = None, files: Mapping[str, bytes] | None = None,
) -> SavedCase:
    """``write_case``, and when the OS refuses it (read-only or full folder, a file in the
    way), the same case written as a new case folder under ``fallback`` instead.

    ``problem`` is one line naming the folder asked for, the OS's reason, and where the
    case is now.
    """
    where = (folder or out_dir / case_dir_name(record)).parent
    try:
        return SavedCase(write_case(record, out_dir, folder, replace=replace, photo=photo,
                                    files=files))
    except OSError as exc:
        problem = f"{where}: cannot write the case folder here ({_reason(exc)})"
    try:
        saved = write_case(record, fallback, photo=photo, files=files)
    except OSError as exc:
        return SavedCase(None, f"{problem}, nor in {fallback} ({_reason(exc)})")
    return SavedCase(saved, f"{problem}; the case is saved in {saved} instead")
