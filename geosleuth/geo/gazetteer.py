"""The offline gazetteer: place names to places, places to names, points to countries.

:class:`Gazetteer` opens the index of a cache directory, building it on first use, and
answers both ways. Its parts:
- :mod:`geosleuth.geo.gazetteer_build`: the data and the SQLite index built from it;
- :mod:`geosleuth.geo.gazetteer_reader`: the records returned and the index connection;
- :mod:`geosleuth.geo.gazetteer_lookup`: names to places (exact, transliterated, fuzzy);
- :mod:`geosleuth.geo.gazetteer_nearest`: points to places (nearest, country, describe).

The public names of those modules that importers use are re-exported here (``__all__``).
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import ClassVar

from geosleuth.errors import ConfigError
from geosleuth.geo.gazetteer_build import (
    CITY_MIN_POPULATION,
    INDEX_FORMAT,
    build_index,
    data_version,
    index_path,
)
from geosleuth.geo.gazetteer_lookup import NameLookup
from geosleuth.geo.gazetteer_nearest import PointLookup
from geosleuth.geo.gazetteer_reader import KINDS, GazPlace, PlaceMatch


class Gazetteer(NameLookup, PointLookup):
    """Read-only access to the index; one instance per index file and process."""

    _instances: ClassVar[dict[Path, Gazetteer]] = {}
    _open_lock: ClassVar[threading.Lock] = threading.Lock()

    @classmethod
    def open(cls, cache_dir: Path, report: Callable[[int, str], None] | None = None,
             progress: Callable[[float], None] | None = None) -> Gazetteer:
        """The gazetteer of this cache directory, building its index on first use.

        The build takes 20-60 s once (see benchmarks/gazetteer.md), telling ``report`` of
        its stages and ``progress`` of the share done (``build_index``); a damaged index
        file is rebuilt. ConfigError when the cache directory cannot be written.
        """
        path = index_path(Path(cache_dir))
        key = path.resolve()
        with cls._open_lock:
            found = cls._instances.get(key)
            if found is None:
                found = cls._open_or_build(path, Path(cache_dir), report, progress)
                cls._instances[key] = found
            return found

    @classmethod
    def _open_or_build(cls, path: Path, cache_dir: Path,
                       report: Callable[[int, str], None] | None = None,
                       progress: Callable[[float], None] | None = None) -> Gazetteer:
        for attempt in (1, 2):
            if not path.is_file():
                if attempt == 1:  # a first run: its other files on the other core
                    from geosleuth.first_run import start

                    start(cache_dir)
                try:
                    told = {k: v for k, v in (("report", report), ("progress", progress))
                            if v is not None}
                    build_index(path, **told)
                except OSError as exc:
                    raise ConfigError(
                        f"cannot build the gazetteer index in {cache_dir} ({exc}); set "
                        "cache_dir (GEOSLEUTH_CACHE_DIR) to a writable folder"
                    ) from None
            try:
                return cls(path, cache_dir)
            except sqlite3.DatabaseError:
                if attempt == 2:
                    raise
                path.unlink(missing_ok=True)  # damaged: build it again
        raise AssertionError("unreachable")


__all__: Sequence[str] = (
    "CITY_MIN_POPULATION",
    "INDEX_FORMAT",
    "KINDS",
    "GazPlace",
    "Gazetteer",
    "PlaceMatch",
    "build_index",
    "data_version",
    "index_path",
)
