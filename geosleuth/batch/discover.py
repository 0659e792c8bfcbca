"""Finding the images of a batch: a recursive walk with include and exclude globs."""

from __future__ import annotations

import os
from collections.abc import Sequence
from fnmatch import fnmatchcase
from pathlib import Path, PurePosixPath

from geosleuth.errors import BadInputError

# Formats ``geosleuth.images.open_image`` reads (HEIC/HEIF through pillow-heif).
IMAGE_SUFFIXES = frozenset(
    {".jpg", ".jpeg", ".png", ".tif", ".tiff", ".webp", ".heic", ".heif"}
)


def _matches(rel: str, patterns: Sequence[str]) -> bool:
    """Whether a posix relative path matches a glob, on the whole path or its file name.

    ``*.jpg`` matches any JPEG at any depth; ``2024/*`` or ``**/raw/*`` match by path.
    Matching is case-insensitive, since cameras write ``.JPG`` and phones ``.heic``.
    """
    rel_l = rel.lower()
    name_l = PurePosixPath(rel_l).name
    for pattern in patterns:
        p = pattern.lower()
        if fnmatchcase(rel_l, p) or fnmatchcase(name_l, p):
            return True
        # fnmatch's "*" already crosses "/", so "**/x" should also match "x" at the top.
        if p.startswith("**/") and fnmatchcase(rel_l, p[3:]):
            return True
    return False


def find_images(
    root: Path,
    *,
    include: Sequence[str] = (),
    exclude: Sequence[str] = (),
    recursive: bool = True,
) -> list[Path]:
    """The image files under ``root``, sorted by relative path.

    Without ``include``, every file with an image suffix (``IMAGE_SUFFIXES``) is taken;
    with it, files matching any include glob are taken whatever their suffix. Files
    matching an exclude glob are dropped. Hidden files and folders (a leading dot, such
    as the temporary folders of an interrupted case write) are skipped.
    """
    root = Path(root)
    if not root.exists():
        raise BadInputError(f"{root}: no such folder")
    if not root.is_dir():
        raise BadInputError(f"{root}: not a folder; use 'geosleuth locate' for one photo")
    found: list[Path] = []
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        if not recursive:
            dirnames[:] = []
        for name in filenames:
            if name.startswith("."):
                continue
            path = Path(dirpath) / name
            rel = path.relative_to(root).as_posix()
            if include:
                if not _matches(rel, include):
                    continue
            elif path.suffix.lower() not in IMAGE_SUFFIXES:
                continue
            if exclude and _matches(rel, exclude):
                continue
            found.append(path)
    return sorted(found, key=lambda p: p.relative_to(root).as_posix())
