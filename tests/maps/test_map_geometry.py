"""Way geometry in the map index: compact lines, the ways a map view draws kept with
their kind and name, and an index of an older schema refused in one line."""

from __future__ import annotations

import sqlite3

import numpy as np
import pytest
from maps_helpers import ROAD_LAT
from typer.testing import CliRunner

from geosleuth.cli.app import app
from geosleuth.errors import exit_code
from geosleuth.maps.geometry import decode_line, encode_line, shape_kind
from geosleuth.maps.index import IndexVersionError
from geosleuth.maps.regions import RegionStore
from geosleuth.settings import Settings


def test_geometry_round_trips_in_millionths_of_a_degree() -> None:
    lats, lons = [47.0, 47.0001234, 47.2], [9.0, 9.0000007, -9.5]
    out = decode_line(encode_line(lats, lons))
    assert np.abs(out - np.column_stack([lats, lons])).max() <= 0.5e-6
    assert len(encode_line([1.0, 1.001], [2.0, 2.001])) == 9 + 4  # short steps: int16
    assert shape_kind({"highway": "primary"}).name == "primary"  # type: ignore[union-attr]
    assert shape_kind({"amenity": "bench"}) is None


def test_the_index_keeps_the_geometry_of_drawn_ways(streets: Settings) -> None:
    store = RegionStore(streets.data_dir)
    index = store.open("streets")
    rows = index.shapes_in_box((46.99, 8.99, 47.01, 9.01), max_rank=4)
    kinds = sorted(r[0] for r in rows)
    assert len(rows) == 4  # the road, the river, the building, the park's outer way
    road = next(r for r in rows if r[1] == "Hauptstrasse")
    pts = decode_line(road[2])
    assert pts.tolist() == [[ROAD_LAT, 8.995], [ROAD_LAT, 9.0], [ROAD_LAT, 9.005]]
    assert kinds == sorted([3, 20, 30, 41])  # primary, river, building, park
    # a view of a region drops what is under its scale
    assert len(index.shapes_in_box((46.99, 8.99, 47.01, 9.01), max_rank=1)) == 2


def test_an_index_of_an_older_schema_says_to_import_again(
        streets: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    path = RegionStore(streets.data_dir).root / "streets.sqlite"
    db = sqlite3.connect(path)
    with db:
        db.execute("UPDATE meta SET value = '1' WHERE key = 'schema'")
    db.close()
    with pytest.raises(IndexVersionError, match="import it again: geosleuth maps import"):
        RegionStore(streets.data_dir).open("streets")
    monkeypatch.setenv("GEOSLEUTH_DATA_DIR", str(streets.data_dir))
    monkeypatch.setenv("GEOSLEUTH_CACHE_DIR", str(streets.cache_dir))
    monkeypatch.setenv("GEOSLEUTH_NETWORK", "false")
    result = CliRunner().invoke(app, ["map", "search", "Hauptstrasse"])
    # the CLI's guard prints a GeosleuthError as one line and exits with its code
    assert isinstance(result.exception, IndexVersionError)
    assert exit_code(result.exception) == 2 and "\n" not in str(result.exception)
    assert "schema 1, this geosleuth reads schema 2" in str(result.exception)


def test_nearby_and_reverse_measure_a_way_to_its_line(streets: Settings) -> None:
    from geosleuth.maps.reverse import reverse
    from geosleuth.maps.search import nearby, search

    store = RegionStore(streets.data_dir)
    # 334 m north of the road's middle node, and well inside the reach (379 m) of its
    # 760 m box: measured to its line, not to its point less its reach
    lat, lon = ROAD_LAT + 0.0030, 9.0
    assert nearby(store, lat, lon, radius_m=200, name="Hauptstrasse") == []
    found = nearby(store, lat, lon, radius_m=500, name="Hauptstrasse")
    assert [m.name for m in found] == ["Hauptstrasse"]
    assert found[0].distance_m is not None and abs(found[0].distance_m - 333.6) < 2
    # beside the road's east end, 1.1 m off the line between two nodes
    near_end = search(store, "Hauptstrasse", near=(ROAD_LAT + 0.00001, 9.004), radius_m=100)
    assert near_end and (near_end[0].distance_m or 0) < 2
    street = next(m for m in reverse(store, ROAD_LAT - 0.0005, 9.0045) if m.role == "street")
    assert street.name == "Hauptstrasse" and abs((street.distance_m or 0) - 55.6) < 2


def test_a_point_inside_a_closed_way_is_at_distance_zero() -> None:
    from geosleuth.maps.distances import line_metres

    ring = np.array([[0.0, 0.0], [0.0, 0.001], [0.001, 0.001], [0.001, 0.0], [0.0, 0.0]])
    assert line_metres(0.0005, 0.0005, ring) == 0.0
    assert abs(line_metres(0.0005, 0.0015, ring) - 55.66) < 0.5  # 0.0005° east of it
    line = ring[:3]  # open: the same points are only a line
    assert line_metres(0.0005, 0.0005, line) > 50
