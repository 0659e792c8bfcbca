"""A first run's second process: started when the gazetteer is built, it writes the other
derived files where the run reads them."""

from __future__ import annotations

from pathlib import Path

import pytest
from geosleuth_plugins.ocr_signage.onnx_models import flushed_path
from geosleuth_plugins.ocr_signage.rapidocr_engine import model_paths

from geosleuth import first_run
from geosleuth.geo import gazetteer as gazetteer_module
from geosleuth.geo.country_raster import CountryRaster
from geosleuth.geo.gazetteer import Gazetteer
from geosleuth.geo.gazetteer_build import build_index, index_path
from geosleuth.geo.timezones import _grid_file
from geosleuth.text import phone_areas, word_index
from geosleuth.text.wordfreqs import ALL_LANGUAGES


def test_building_the_gazetteer_starts_it_once(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    started: list[Path] = []
    monkeypatch.setattr(first_run, "start", lambda cache_dir: started.append(cache_dir))
    monkeypatch.setattr(gazetteer_module, "build_index",  # the 15,000 city set: quick
                        lambda path, **kw: build_index(path, min_population=15000, **kw))
    Gazetteer.open(tmp_path)
    assert started == [tmp_path]
    # opened again in a new process: the index is there
    Gazetteer._instances.pop(index_path(tmp_path).resolve())
    Gazetteer.open(tmp_path)
    assert started == [tmp_path]


def test_it_writes_what_the_run_reads(tmp_path: Path) -> None:
    proc = first_run.start(tmp_path)
    assert proc is not None
    assert proc.wait(timeout=600) == 0
    assert CountryRaster.path_for(tmp_path).is_file()
    assert phone_areas.index_path(tmp_path).is_file()
    for lang in ALL_LANGUAGES:
        assert word_index.table_path(tmp_path / "wordfreq", lang).is_file(), lang
    grid = _grid_file(tmp_path, 0.25)
    assert grid is not None and grid.is_file()
    fusion = sorted(p.name.split("-res3")[0] for p in (tmp_path / "fusion").glob("*.npz"))
    assert fusion == ["h3", "population"]
    for model in model_paths().values():
        assert flushed_path(model, tmp_path).is_file()
    files = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert len(files) == 5 + len(model_paths()) + len(ALL_LANGUAGES)  # no temporary file


def test_a_step_that_fails_is_left_to_the_run(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken() -> object:
        raise OSError("no space left on device")

    monkeypatch.setattr(first_run, "_steps", lambda cache_dir: [("broken", broken)])
    assert first_run.build(tmp_path) == ["broken"]
