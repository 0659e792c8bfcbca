"""Photos named in a list file: local paths and URIs (``s3://``, ``gs://``, ``https://``,
``file://`` …) read through fsspec.

``geosleuth batch LIST.txt`` takes one photo a line: a local path (relative to the list
file's folder, or absolute) or a URI. Blank lines and lines starting with ``#`` are
skipped. A photo's name in the summaries is its line as written, so a resumed batch
finds it again.

A URI is read where it is needed, never copied to a shared disk: the batch reads it once
to hash it (its sha256 keys ``--resume``, as a local photo's does; with the URI's size and
modification time, when the store gives one, a resumed batch does not read it again), and
the worker that investigates it (a thread here, or a Ray worker on another machine) reads
it again into a temporary folder of its own, removed when the photo is done. Its case
folder is named after the URI's last path part, as a local photo's after its file name.

fsspec is an optional extra (``geosleuth[remote]``); each store needs its own package as
well (``s3fs``, ``gcsfs``, ``aiohttp`` for ``http(s)://``), which fsspec names when it is
missing. A URI that cannot be read (no such object, an unknown scheme, a store whose
package is missing) is an error row of its own; the batch goes on.
"""

from __future__ import annotations

import contextlib
import hashlib
import re
import shutil
import sys
import tempfile
from collections.abc import Iterator, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from geosleuth.errors import BadInputError

REMOTE_EXTRA = "pip install 'geosleuth[remote]'"
_URI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")
_CHUNK = 1 << 20
# Where fsspec's stores keep an object's modification time (local, S3, GCS, Azure, …).
_MTIME_KEYS = ("mtime", "LastModified", "last_modified", "updated", "modified", "created")


def is_uri(text: str) -> bool:
    """Whether a list line is a URI (``scheme://…``) rather than a local path."""
    return bool(_URI.match(text))


def fsspec_missing() -> str | None:
    """One line saying what to install when fsspec is not installed; None when it is."""
    from importlib.util import find_spec

    try:
        found = find_spec("fsspec") is not None
    except (ImportError, ValueError):
        found = False
    if not found or sys.modules.get("fsspec", False) is None:
        return f"URIs need fsspec, which is not installed here: {REMOTE_EXTRA}"
    return None


def uri_name(uri: str) -> str:
    """The file name a URI's photo takes: its last path part (no query), made safe."""
    last = unquote(urlsplit(uri).path.rstrip("/").rsplit("/", 1)[-1])
    safe = "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in last).lstrip(".")
    return safe[:120] or "photo"


def _fs(uri: str) -> tuple[Any, str]:
    problem = fsspec_missing()
    if problem:
        raise BadInputError(problem)
    from fsspec.core import url_to_fs

    return url_to_fs(uri)


def _mtime_ns(info: dict[str, Any]) -> int:
    for key in _MTIME_KEYS:
        value = info.get(key)
        if isinstance(value, datetime):
            return int(value.timestamp() * 1e9)
        if isinstance(value, (int, float)) and not isinstance(value, bool) and value > 0:
            return int(value * 1e9)
        if isinstance(value, str):
            with contextlib.suppress(ValueError):
                return int(datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()
                           * 1e9)
    return 0


def uri_stat(uri: str) -> tuple[int, int]:
    """(size in bytes, modification time in ns, 0 when the store gives none) of a URI.

    Raises FileNotFoundError for a missing object, and whatever fsspec raises for an
    unknown scheme or a store whose package is missing (ValueError, ImportError)."""
    fs, path = _fs(uri)
    info = fs.info(path)
    if info.get("type") == "directory":
        raise IsADirectoryError(f"{uri} is a folder")
    return int(info.get("size") or 0), _mtime_ns(info)


def uri_sha256(uri: str) -> str:
    """The sha256 of a URI's bytes, read in chunks (nothing is kept)."""
    fs, path = _fs(uri)
    digest = hashlib.sha256()
    with fs.open(path, "rb") as fh:
        while chunk := fh.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


@contextlib.contextmanager
def local_copy(uri: str) -> Iterator[Path]:
    """The URI's bytes in a temporary file named after it (``uri_name``), removed after."""
    fs, path = _fs(uri)
    folder = Path(tempfile.mkdtemp(prefix="geosleuth-uri-"))
    try:
        target = folder / uri_name(uri)
        with fs.open(path, "rb") as src, target.open("wb") as dst:
            shutil.copyfileobj(src, dst, _CHUNK)
        yield target
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def read_list(list_file: Path, *, include: Sequence[str] = (),
              exclude: Sequence[str] = ()) -> list[tuple[str, Path | None, str | None]]:
    """The photos of a list file: (name in the summaries, local path or None, URI or None).

    A relative path is taken from the list file's folder. ``include`` and ``exclude`` are
    globs as for a folder, matched against each line."""
    from geosleuth.batch.discover import _matches

    try:
        text = list_file.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise BadInputError(f"{list_file}: not a text file of paths or URIs (one a line); "
                            "for one photo use 'geosleuth locate'") from None
    except OSError as exc:
        raise BadInputError(f"{list_file}: cannot read the list ({exc.strerror or exc})") from None
    base = list_file.resolve().parent
    entries: list[tuple[str, Path | None, str | None]] = []
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if include and not _matches(line, include):
            continue
        if exclude and _matches(line, exclude):
            continue
        if is_uri(line):
            entries.append((line, None, line))
        else:
            path = Path(line).expanduser()
            entries.append((line, path if path.is_absolute() else base / path, None))
    return entries
