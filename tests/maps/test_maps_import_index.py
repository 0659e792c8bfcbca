"""Importing OSM files (pbf, xml, gz, bz2) into region indexes; listing, removing, choosing."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from maps_helpers import write_town

from geosleuth.errors import BadInputError
from geosleuth.maps.index import MapIndex
from geosleuth.maps.osm_import import read_features
from geosleuth.maps.regions import RegionStore, region_name


@pytest.mark.parametrize("suffix", ["osm.pbf", "osm", "osm.gz", "osm.bz2"])
def test_every_format_imports_the_same_features(tmp_path: Path, suffix: str) -> None:
    store = RegionStore(tmp_path / "data")
    info, stats = store.import_file(write_town(tmp_path / f"town.{suffix}"))
    assert info.name == "town"
    # 8 tagged nodes, 3 tagged ways, the park relation; the bus route is skipped.
    assert (stats.nodes, stats.ways, stats.relations) == (8, 3, 1)
    assert info.features == 12
    assert info.countries == ("DE",)
    s, w, n, e = info.bbox
    assert s == pytest.approx(31.227) and n == pytest.approx(47.05)
    assert w == pytest.approx(9.0) and e == pytest.approx(121.492)


def test_relation_takes_its_box_from_untagged_member_ways(tmp_path: Path) -> None:
    feats = {f.osm_id: f for f in read_features(write_town(tmp_path / "t.osm.pbf"))}
    park = feats[200]
    assert park.osm_type == "relation"
    assert park.bbox == pytest.approx((47.006, 9.006, 47.0075, 9.008))
    assert park.lat == pytest.approx(47.00675) and park.lon == pytest.approx(9.007)
    assert 100 < park.radius_m < 130
    assert 103 not in feats  # the untagged outline is not a feature of its own
    assert 201 not in feats  # bus routes are not places
    building = feats[102]
    assert building.lat == pytest.approx(47.0051) and building.lon == pytest.approx(9.0051)


def test_index_has_fts_rtree_and_tags(town_store: RegionStore) -> None:
    index = town_store.open("testdorf")
    vocab = set(index.vocabulary())
    # accent-folded by the tokenizer, and transliterated for letters that do not decompose
    assert {"lowen", "apotheke", "backerei", "muller", "lodz", "łodz", "тестдорф"} <= vocab
    assert "hauptstraße" in vocab and "hauptstrasse" in vocab
    assert len(index.match('"stadtpark"')) == 1
    assert len(index.match('"ville"')) == 1  # name:fr
    assert len(index.with_tags({"amenity": "pharmacy"})) == 2
    assert len(index.with_tags({"amenity": "*"})) == 4
    inside = index.in_box((46.9995, 8.9995, 47.0015, 9.0015))
    names = {r.name for r in index.rows(inside)}
    assert names == {"Testdorf", "Rathaus", "Löwen-Apotheke"}


def test_list_remove_and_names(tmp_path: Path) -> None:
    store = RegionStore(tmp_path / "data")
    assert store.list() == []
    store.import_file(write_town(tmp_path / "Town One.osm.pbf"))
    store.import_file(write_town(tmp_path / "b.osm"), name="Other Town")
    assert [r.name for r in store.list()] == ["other-town", "town-one"]
    removed = store.remove("town-one")
    assert not removed.path.exists()
    assert [r.name for r in store.list()] == ["other-town"]
    with pytest.raises(BadInputError, match="no map region named"):
        store.remove("town-one")
    assert region_name(Path("liechtenstein-2022.osm.pbf")) == "liechtenstein-2022"


def test_reimport_replaces_the_region(tmp_path: Path) -> None:
    store = RegionStore(tmp_path / "data")
    path = write_town(tmp_path / "t.osm.pbf")
    store.import_file(path)
    first = store.open("t")
    store.import_file(path)
    assert len(store.list()) == 1
    assert store.open("t") is not first or first.meta["features"] == "12"
    assert not list((tmp_path / "data" / "maps").glob("*.part"))


def test_select_chooses_regions_that_can_answer(tmp_path: Path) -> None:
    store = RegionStore(tmp_path / "data")
    store.import_file(write_town(tmp_path / "t.osm.pbf"))
    assert [i.name for i, _ in store.select(near=(47.0, 9.0), radius_m=100)] == ["t"]
    assert store.select(near=(-33.9, 18.4), radius_m=1000) == []
    assert store.select(country="FR") == []
    assert [i.name for i, _ in store.select(country="de")] == ["t"]


def test_bad_files_are_refused_with_one_clear_line(tmp_path: Path) -> None:
    store = RegionStore(tmp_path / "data")
    with pytest.raises(BadInputError, match="no such file"):
        store.import_file(tmp_path / "missing.osm.pbf")
    text = tmp_path / "notes.txt"
    text.write_text("hello")
    with pytest.raises(BadInputError, match="not an OSM extract"):
        store.import_file(text)
    broken = tmp_path / "broken.osm.pbf"
    broken.write_bytes(b"\x00\x00\x00\x0dthis is not a pbf")
    with pytest.raises(BadInputError, match="pyosmium cannot read it"):
        store.import_file(broken)
    assert store.list() == []


def test_index_is_read_only_for_queries(town_store: RegionStore) -> None:
    index = MapIndex(town_store.open("testdorf").path)
    with pytest.raises(sqlite3.OperationalError):
        index.db.execute("DELETE FROM features")


def test_overlapping_regions_answer_once(tmp_path: Path) -> None:
    from geosleuth.maps import operations as op

    store = RegionStore(tmp_path / "data")
    store.import_file(write_town(tmp_path / "a.osm.pbf"))
    store.import_file(write_town(tmp_path / "b.osm.pbf"))
    found = op.search(store, "Löwen-Apotheke", limit=5)
    assert [m.name for m in found][:1] == ["Löwen-Apotheke"]
    assert sum(m.name == "Löwen-Apotheke" for m in found) == 1  # the same place, twice imported
    assert found[0].parts == 2


def test_filter_tags_keeps_order(town_store: RegionStore) -> None:
    index = town_store.open("testdorf")
    ids = [r[0] for r in index.db.execute("SELECT id FROM features ORDER BY id DESC")]
    kept = index.filter_tags(ids, {"amenity": "pharmacy"})
    assert [r.name for r in index.rows(kept)] == ["Stern-Apotheke", "Löwen-Apotheke"]
    both = index.filter_tags(ids, {"amenity": "*", "addr:country": "DE"})
    assert [r.name for r in index.rows(both)] == ["Кафе Ромашка", "Löwen-Apotheke"]
    assert index.filter_tags(ids, {"shop": "bakery", "amenity": "*"}) == []
