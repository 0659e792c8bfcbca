"""A region takes its name whole: a kill at any moment of 'maps import' leaves the region
complete (its countries included) or absent, never listed half-made."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest
from maps_helpers import write_town

from geosleuth.maps.regions import RegionStore


def test_the_index_holds_its_countries_when_it_takes_its_name(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """What a kill right after the rename would leave is a copy of the file at that moment
    (the countries used to be added by a second connection after the rename)."""
    at_rename = tmp_path / "at-rename.sqlite"
    replace = Path.replace

    def snapshot(self: Path, target: Path) -> Path:
        if str(self).endswith(".sqlite.part"):
            shutil.copyfile(self, at_rename)
        return replace(self, target)

    monkeypatch.setattr(Path, "replace", snapshot)
    store = RegionStore(tmp_path / "data")
    info, _ = store.import_file(write_town(tmp_path / "town.osm.pbf"))
    assert info.countries == ("DE",)
    with sqlite3.connect(at_rename) as db:
        meta = dict(db.execute("SELECT key, value FROM meta"))
    assert json.loads(meta["countries"]) == ["DE"]
    assert int(meta["features"]) == info.features
    assert not list((tmp_path / "data" / "maps").glob("*.part"))
