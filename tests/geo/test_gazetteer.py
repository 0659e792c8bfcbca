"""The gazetteer on the real GeoNames data: lookups in many scripts, nearest, describe."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import numpy as np
import pytest

from geosleuth.geo.gazetteer import (
    Gazetteer,
    GazPlace,
    build_index,
    index_path,
)
from geosleuth.geo.gazetteer_nearest import _boxes
from geosleuth.settings import load_settings


@pytest.fixture(scope="session")
def gaz() -> Gazetteer:
    # The session's own cache folder (a temporary folder, see tests/conftest.py): the
    # index is built there once per test session and shared with the other test modules.
    return Gazetteer.open(load_settings()[0].cache_dir)


def top(gaz: Gazetteer, name: str, **kw: object) -> GazPlace:
    matches = gaz.lookup(name, **kw)  # type: ignore[arg-type]
    assert matches, f"no match for {name!r}"
    return matches[0].place


@pytest.mark.parametrize(
    ("name", "code", "kind", "english"),
    [
        ("Ελλάδα", "GR", "country", "Greece"),
        ("南京", "CN", "city", "Nanjing"),
        ("München", "DE", "city", "Munich"),
        ("MUENCHEN", "DE", "city", "Munich"),
        ("Wien", "AT", None, "Vienna"),
        ("vienna", "AT", None, "Vienna"),
        ("Deutschland", "DE", "country", "Germany"),
        ("東京", "JP", "city", "Tokyo"),
        ("Москва", "RU", "city", "Moscow"),
        ("SÃO PAULO", "BR", None, "Sao Paulo"),
        ("California", "US", "us_state", "California"),
        ("Europe", "", "continent", "Europe"),
    ],
)
def test_exact_lookup_in_any_script(
    gaz: Gazetteer, name: str, code: str, kind: str | None, english: str
) -> None:
    place = top(gaz, name)
    assert place.country_code == code
    assert place.name == english
    if kind:
        assert place.kind == kind
    assert gaz.lookup(name)[0].score == 1.0


def test_lookup_ranks_by_population_and_filters(gaz: Gazetteer) -> None:
    paris = gaz.lookup("Paris", kinds=("city",), limit=5)
    assert paris[0].place.country_code == "FR"
    assert paris[0].place.population > 2_000_000
    assert [m.place.population for m in paris] == sorted(
        (m.place.population for m in paris), reverse=True
    )
    texas = gaz.lookup("Paris", country="us", kinds=("city",), limit=20)
    assert texas and all(m.place.country_code == "US" for m in texas)
    assert any(m.place.admin1 == "Texas" for m in texas)
    assert gaz.lookup("Paris", limit=2) and len(gaz.lookup("Paris", limit=2)) == 2


def test_transliterated_match_scores_below_exact(gaz: Gazetteer) -> None:
    # A katakana name GeoNames does not list is still found through its romanisation.
    assert gaz.lookup("ナンキン", kinds=("country",)) == []
    matches = gaz.lookup("ナンキン")
    assert matches and matches[0].place.name == "Nanjing"
    assert matches[0].matched == "Nankin"
    assert 0.8 <= matches[0].score < 1.0


def test_fuzzy_lookup_survives_ocr_errors(gaz: Gazetteer) -> None:
    assert gaz.lookup("Munchcn") == []
    munich = gaz.lookup("Munchcn", fuzzy=True)
    assert munich[0].place.name == "Munich"
    assert 0.8 <= munich[0].score < 1.0
    # Accents are folded before any fuzziness: an exact hit.
    assert gaz.lookup("Mûnchen", fuzzy=True)[0].place.name == "Munich"
    assert gaz.lookup("Strasbourq", fuzzy=True, country="FR")[0].place.name == "Strasbourg"
    # Short names are never matched fuzzily.
    assert gaz.lookup("Rxm", fuzzy=True) == []


def test_nothing_for_empty_or_unknown_names(gaz: Gazetteer) -> None:
    assert gaz.lookup("   ") == []
    assert gaz.lookup("Qwxzvbnmplk") == []


def test_nearest_and_distance(gaz: Gazetteer) -> None:
    (place, km), *_ = gaz.nearest(47.1415, 9.5215, limit=1)
    assert place.name == "Vaduz" and km < 1.0
    five = gaz.nearest(48.8566, 2.3522, limit=5)
    assert len(five) == 5
    assert [km for _, km in five] == sorted(km for _, km in five)
    assert gaz.nearest(0.0, -160.0, limit=3, max_km=50.0) == []  # mid-Pacific
    far = gaz.nearest(0.0, -160.0, limit=1)
    assert far and far[0][1] > 50.0
    countries = gaz.nearest(46.8, 8.2, limit=1, kinds=("country",))
    assert countries[0][0].country_code == "CH"


def test_nearest_across_the_antimeridian(gaz: Gazetteer) -> None:
    # Fiji straddles 180 degrees: towns on both sides are found.
    found = gaz.nearest(-17.0, 180.0, limit=10, max_km=250.0)
    lons = [p.lon for p, _ in found]
    assert found and min(lons) < -178.0 and max(lons) > 178.0


def test_boxes_split_at_the_antimeridian() -> None:
    boxes = _boxes(0.0, 179.9, 50.0)
    assert len(boxes) == 2
    assert boxes[1][2] == -180.0 and boxes[0][3] == 180.0


def test_country_at_known_points(gaz: Gazetteer) -> None:
    table = [
        (48.8566, 2.3522, "FR"),  # Paris
        (47.1410, 9.5209, "LI"),  # Vaduz
        (43.7384, 7.4246, "MC"),  # Monaco
        (41.9029, 12.4534, "VA"),  # St Peter's Square
        (-29.31, 27.48, "LS"),  # Maseru, an enclave
        (35.68, 139.69, "JP"),
        (45.0, -30.0, ""),  # the North Atlantic
        (0.0, -160.0, ""),  # the Pacific
    ]
    for lat, lon, code in table:
        assert (gaz.country_at(lat, lon) or "") == code, (lat, lon)
    lats = np.array([t[0] for t in table])
    lons = np.array([t[1] for t in table])
    got = gaz.countries_at(lats, lons)
    assert got.dtype == np.dtype("<U2")
    assert list(got) == [t[2] for t in table]


def test_countries_at_agrees_with_country_at(gaz: Gazetteer) -> None:
    rng = np.random.default_rng(7)
    lats, lons = rng.uniform(-60, 75, 400), rng.uniform(-180, 180, 400)
    grid = gaz.countries_at(lats, lons)
    exact = [gaz.country_at(a, b) or "" for a, b in zip(lats, lons, strict=True)]
    assert list(grid) == exact
    assert gaz.countries_at(lats.reshape(20, 20), lons.reshape(20, 20)).shape == (20, 20)


def test_describe(gaz: Gazetteer) -> None:
    paris = gaz.describe(48.8566, 2.3522)
    assert (paris.country_code, paris.country, paris.city) == ("FR", "France", "Paris")
    assert paris.region and "France" in paris.region
    assert paris.street is None
    vaduz = gaz.describe(47.141, 9.521)
    assert (vaduz.country_code, vaduz.city) == ("LI", "Vaduz")
    assert gaz.describe(45.0, -30.0).label() == ""  # open sea


def test_places_in_country(gaz: Gazetteer) -> None:
    biggest = gaz.places_in_country("jp", limit=3)
    assert len(biggest) == 3 and biggest[0].name == "Tokyo"
    assert all(p.kind == "city" and p.country_code == "JP" for p in biggest)
    assert gaz.places_in_country("ZZ") == []


def test_open_is_cached_per_process(gaz: Gazetteer) -> None:
    assert Gazetteer.open(gaz.cache_dir) is gaz
    assert gaz.path == index_path(gaz.cache_dir)
    assert "gazetteer-f" in gaz.path.name and "gnc" in gaz.path.name


def test_build_is_atomic_and_complete(tmp_path: Path) -> None:
    # A small city set keeps this quick; the format is the same.
    path = index_path(tmp_path, min_population=15000)
    counts = build_index(path, min_population=15000)
    assert path.is_file()
    assert [p.name for p in tmp_path.iterdir()] == [path.name]  # no temporary left
    assert counts["city"] > 30_000 and counts["country"] > 240
    con = sqlite3.connect(path)
    meta = dict(con.execute("SELECT key, value FROM meta"))
    assert meta["data"].startswith("gnc") and "c15000" in meta["data"]
    assert con.execute("SELECT count(*) FROM places").fetchone()[0] == counts["places"]
    con.close()


def test_a_damaged_index_is_rebuilt(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import geosleuth.geo.gazetteer as module

    built: list[Path] = []

    def small_build(path: Path) -> dict[str, int]:  # the 15,000 city set keeps this quick
        built.append(path)
        return build_index(path, min_population=15000)

    monkeypatch.setattr(module, "build_index", small_build)
    path = index_path(tmp_path)
    path.write_bytes(b"this is not an SQLite database" * 100)
    gaz = Gazetteer.open(tmp_path)
    assert built == [path]
    assert gaz.lookup("Vienna", kinds=("city",))[0].place.country_code == "AT"


def test_a_build_reports_its_stages(tmp_path: Path) -> None:
    from geosleuth.geo.gazetteer_build import BUILD_STAGES

    seen: list[tuple[int, str]] = []
    build_index(tmp_path / "small.sqlite", min_population=15000,
                report=lambda n, what: seen.append((n, what)))
    assert [n for n, _ in seen] == list(range(1, BUILD_STAGES + 1))
    assert "places" in seen[1][1] and "names" in seen[2][1]
