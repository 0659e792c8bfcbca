"""A first run's other derived files, built in a second process beside the gazetteer.

The first run in a cache folder derives several files from installed packages' data and
keeps them there. The gazetteer index is the largest (20-30 s, one process, mostly
Python); the others took 12 s more one after another, on the second core of a 2-core
machine: the country raster (2.8 s), the word-frequency indexes (3.5), the phone-area
index (1.3), the fusion's cell and population grids (1.5), the time-zone grid that the
EXIF time checks use (3.2) and the OCR models with their subnormal weights flushed (3.3;
measured 7 Dec 2026, the machine also running the tests).
``Gazetteer.open`` starts this module as a child process (``start``) when it is about to
build the index, so those files are ready when the run gets to them. It does not wait
for it: every builder writes a temporary file of its own and renames it into place, so
a file the run needs before the child has written it is built by the run as before, and
nothing is ever half-read.

The child is ``python -m geosleuth.first_run CACHE_DIR``: a fresh interpreter (no thread
of the parent is forked), quiet, and nothing it fails at matters (the file is then built
on use, as without it).
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path


def _steps(cache_dir: Path) -> list[tuple[str, Callable[[], object]]]:
    def raster() -> object:
        from geosleuth.geo.country_raster import CountryRaster

        return CountryRaster.load_or_build(cache_dir)

    def words() -> object:
        from geosleuth.text import word_index
        from geosleuth.text.wordfreqs import ALL_LANGUAGES

        word_index.configure(cache_dir)
        return [word_index.zipf_frequency("a", lang) for lang in ALL_LANGUAGES]

    def phones() -> object:
        from geosleuth.text.phone_areas import ensure_index

        return ensure_index(cache_dir)

    def grids() -> object:
        from geosleuth.fusion import store
        from geosleuth.fusion.prior import base_prior

        store.configure(cache_dir)
        return base_prior(None)  # the cell grid and the population grid

    def zones() -> object:
        from geosleuth.geo.timezones import zone_grid

        return zone_grid(cache_dir=cache_dir)

    def ocr_models() -> object:  # the OCR plugin's; a failure here means it is not installed
        from geosleuth_plugins.ocr_signage.onnx_models import flushed_model
        from geosleuth_plugins.ocr_signage.rapidocr_engine import model_paths

        return [flushed_model(path, cache_dir) for path in model_paths().values()]

    return [("country raster", raster), ("word indexes", words), ("phone areas", phones),
            ("fusion grids", grids), ("time-zone grid", zones), ("OCR models", ocr_models)]


def build(cache_dir: Path) -> list[str]:
    """Build the files into ``cache_dir`` (each one left alone when it is there); the
    names of the steps that failed."""
    failed = []
    for name, step in _steps(Path(cache_dir)):
        try:
            step()
        except Exception:  # the run builds that file itself on use
            failed.append(name)
    return failed


# Children not waited for: held here so that none is collected while it runs (Popen
# warns then), and reaped by the next ``start``.
_children: list[subprocess.Popen[bytes]] = []


def start(cache_dir: Path) -> subprocess.Popen[bytes] | None:
    """The child process building the files, or None when it could not be started."""
    _children[:] = [child for child in _children if child.poll() is None]
    try:
        child = subprocess.Popen(
            [sys.executable, "-m", "geosleuth.first_run", str(cache_dir)],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
    except OSError:
        return None
    _children.append(child)
    return child


if __name__ == "__main__":
    sys.exit(1 if build(Path(sys.argv[1])) else 0)
