"""Search, nearby, co-occurrence and reverse on an imported region (offline)."""

from __future__ import annotations

from pathlib import Path

import pytest

from geosleuth.errors import BadInputError
from geosleuth.maps import operations as op
from geosleuth.maps.regions import RegionStore
from geosleuth.maps.search import _merge_repeats


def names(matches: list[op.Match]) -> list[str | None]:
    return [m.name for m in matches]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("Löwen-Apotheke", "Löwen-Apotheke"),     # exact
        ("löwen-apotheke", "Löwen-Apotheke"),     # lower case
        ("Lowen Apotheke", "Löwen-Apotheke"),     # without accents
        ("Löwen-Apothke", "Löwen-Apotheke"),      # one typo
        ("Apotheke am Rathaus", "Löwen-Apotheke"),  # alt_name
        ("Apotheke Müller", "Stern-Apotheke"),    # old_name
        ("Backerei Muller", "Bäckerei Müller"),
        ("Lodz Kebab", "Łódź Kebab"),             # Ł does not decompose: transliteration
        ("Hauptstrasse", "Hauptstraße"),
        ("Hauptstraße", "Hauptstraße"),
        ("Тестдорф", "Testdorf"),                 # name:ru, Cyrillic
        ("测试村", "Testdorf"),                    # name:zh
        ("豫园路", "Yuyuan Road"),
        ("Yuyuan Road", "Yuyuan Road"),
        ("Romashka", "Кафе Ромашка"),             # name:en of a Cyrillic name
        ("Parc de la Ville", "Stadtpark"),        # a relation, by name:fr
    ],
)
def test_search_finds_names_in_every_form(
    town_store: RegionStore, query: str, expected: str
) -> None:
    found = op.search(town_store, query, limit=3)
    assert found, query
    assert found[0].name == expected
    assert found[0].region == "testdorf"


def test_search_ranks_exact_first_and_reports_quality(town_store: RegionStore) -> None:
    exact = op.search(town_store, "Testdorf")[0]
    assert exact.score == pytest.approx(1.0)
    assert exact.osm_type == "node" and exact.osm_id == 1
    typo = op.search(town_store, "Testdorff")[0]
    assert typo.name == "Testdorf" and 0.8 < typo.score < 1.0


def test_search_near_a_point_keeps_only_what_is_within_the_radius(
    town_store: RegionStore,
) -> None:
    both = op.search(town_store, "Rathaus", limit=10)
    stops = [m for m in both if m.tags.get("highway") == "bus_stop"]
    assert len(stops) == 2  # two stops of the same name, far apart: not merged
    near = op.search(town_store, "Rathaus", near=(47.05, 9.05), radius_m=500,
                     tags={"highway": "bus_stop"})
    assert [m.osm_id for m in near] == [5]
    assert near[0].distance_m == pytest.approx(0.0, abs=1.0)
    assert op.search(town_store, "Rathaus", near=(-33.9, 18.4), radius_m=500) == []


def test_search_merges_pieces_of_one_street(town_store: RegionStore) -> None:
    found = op.search(town_store, "Hauptstraße", limit=10)
    streets = [m for m in found if m.tags.get("highway")]
    assert len(streets) == 1


def test_search_with_country(town_store: RegionStore) -> None:
    assert names(op.search(town_store, "Testdorf", country="DE"))[0] == "Testdorf"
    assert op.search(town_store, "Testdorf", country="FR") == []


def test_search_drops_features_addressed_in_another_country(tmp_path: Path) -> None:
    import osmium

    path = tmp_path / "border.osm.pbf"
    writer = osmium.SimpleWriter(str(path))
    for i, code in enumerate(["LI", "LI", "LI", "CH", "CH", "CH"], start=1):
        writer.add_node(osmium.osm.mutable.Node(
            id=i, location=(9.5 + i / 100, 47.1), version=1,
            tags={"name": "Post", "amenity": "post_office", "addr:country": code}))
    writer.close()
    store = RegionStore(tmp_path / "data")
    store.import_file(path)
    assert {m.tags["addr:country"] for m in op.search(store, "Post", country="LI")} == {"LI"}
    assert {m.tags["addr:country"] for m in op.search(store, "Post", country="CH")} == {"CH"}


@pytest.mark.parametrize(
    "text",
    ['"Rathaus" OR *', "Rathaus NEAR(x y)", "Rathaus) OR (a", "name:Rathaus", "Rathaus^ -x",
     "'; DROP TABLE features; --"],
)
def test_text_with_query_syntax_is_only_data(town_store: RegionStore, text: str) -> None:
    found = op.search(town_store, text, limit=5)
    assert all(isinstance(m, op.Match) for m in found)
    assert town_store.open("testdorf").rows([1])  # the index is intact


def test_search_needs_words(town_store: RegionStore) -> None:
    with pytest.raises(BadInputError, match="no words"):
        op.search(town_store, "  ... !!")


def test_nearby_by_tags_sorted_by_distance(town_store: RegionStore) -> None:
    found = op.nearby(town_store, 47.0010, 9.0010, radius_m=500, tags={"amenity": "*"})
    assert names(found) == ["Löwen-Apotheke", "Кафе Ромашка", "Łódź Kebab"]
    d = [m.distance_m for m in found]
    assert d == sorted(d) and 20 < d[0] < 30
    pharmacies = op.nearby(town_store, 47.0010, 9.0010, 2000, tags={"amenity": "pharmacy"})
    assert names(pharmacies) == ["Löwen-Apotheke", "Stern-Apotheke"]


def test_nearby_by_name_and_negative_check(town_store: RegionStore) -> None:
    found = op.nearby(town_store, 47.0, 9.0, radius_m=300, name="Rathaus")
    assert [m.osm_id for m in found][:1] == [2]
    assert op.nearby(town_store, 47.0, 9.0, radius_m=300, name="Bahnhof") == []
    assert op.nearby(town_store, 47.0, 9.0, radius_m=300, tags={"shop": "bakery"}) == []


def test_nearby_counts_a_street_from_its_reach(town_store: RegionStore) -> None:
    # 47.0020, 9.0038 lies on Hauptstraße, away from the way's middle node.
    found = op.nearby(town_store, 47.0020, 9.0038, radius_m=50, tags={"highway": "*"})
    assert "Hauptstraße" in names(found)


def test_radius_and_limit_are_bounded(town_store: RegionStore) -> None:
    found = op.nearby(town_store, 47.0, 9.0, radius_m=1e12, tags={"amenity": "*"}, limit=10**6)
    assert len(found) <= op.MAX_LIMIT
    assert op.bound(1e12, op.MAX_RADIUS_M, "radius_m", 1.0) == op.MAX_RADIUS_M
    with pytest.raises(BadInputError):
        op.nearby(town_store, 47.0, 9.0, radius_m=-5, tags={"amenity": "*"})
    with pytest.raises(BadInputError):
        op.nearby(town_store, 95.0, 9.0)


def test_cooccur_finds_the_stop_with_a_pharmacy(town_store: RegionStore) -> None:
    groups = op.cooccur(
        town_store,
        [{"name": "Rathaus", "tags": {"highway": "bus_stop"}}, {"tags": {"amenity": "pharmacy"}}],
        within_m=150,
    )
    assert len(groups) == 1
    stop, pharmacy = groups[0].members
    assert stop.osm_id == 2 and pharmacy.name == "Löwen-Apotheke"
    assert 20 < groups[0].spread_m < 30
    # the far stop has nothing within 150 m; a tighter distance finds nothing at all
    assert op.cooccur(town_store, [{"name": "Rathaus"}, {"tags": {"amenity": "pharmacy"}}],
                      within_m=10) == []


def test_cooccur_of_three_patterns_and_names(town_store: RegionStore) -> None:
    groups = op.cooccur(
        town_store,
        [{"tags": {"highway": "bus_stop"}}, {"tags": {"amenity": "pharmacy"}},
         {"tags": {"place": "*"}}],
        within_m=200,
    )
    assert len(groups) == 1
    assert [m.name for m in groups[0].members] == ["Rathaus", "Löwen-Apotheke", "Testdorf"]
    assert groups[0].spread_m <= 200
    assert op.cooccur(town_store, [{"tags": {"highway": "bus_stop"}},
                                   {"tags": {"amenity": "pharmacy"}},
                                   {"tags": {"place": "*"}}], within_m=100) == []


def test_cooccur_names_may_be_part_of_the_full_name(town_store: RegionStore) -> None:
    # "Müller" read on a sign: the bakery "Bäckerei Müller" and a pharmacy formerly
    # "Apotheke Müller"; one feature never stands for two patterns.
    groups = op.cooccur(town_store, [{"name": "Müller", "tags": {"shop": "bakery"}},
                                     {"name": "Muller", "tags": {"amenity": "pharmacy"}}],
                        within_m=100)
    assert [m.name for m in groups[0].members] == ["Bäckerei Müller", "Stern-Apotheke"]
    assert op.cooccur(town_store, [{"name": "Bäckerei Müller"}, {"name": "Bäckerei Müller"}],
                      within_m=100) == []


def test_cooccur_checks_its_patterns(town_store: RegionStore) -> None:
    with pytest.raises(BadInputError, match="at least two"):
        op.cooccur(town_store, [{"name": "Rathaus"}])
    with pytest.raises(BadInputError, match="name or tags"):
        op.cooccur(town_store, [{"name": "Rathaus"}, {}])
    with pytest.raises(BadInputError, match="at most"):
        op.cooccur(town_store, [{"name": "x"}] * 6)


def test_reverse_says_what_is_at_a_point(town_store: RegionStore) -> None:
    found = {m.role: m for m in op.reverse(town_store, 47.0051, 9.0051)}
    assert found["address"].name == "Hauptstraße 7"
    assert found["address"].distance_m == pytest.approx(0.0, abs=2.0)
    assert found["street"].name == "Hauptstraße"
    assert 250 < found["street"].distance_m < 400
    assert found["area"].name == "Hauptstraße 7"
    park = {m.role: m for m in op.reverse(town_store, 47.0068, 9.0070)}
    assert park["area"].name == "Stadtpark"
    assert op.reverse(town_store, -33.9, 18.4) == []


def test_pieces_of_a_street_join_even_when_a_bridge_comes_last() -> None:
    def piece(i: int, lon: float, name: str = "Carretera General") -> op.Match:
        box = (47.0, lon - 0.001, 47.0, lon + 0.001)  # ~150 m long pieces along a parallel
        return op.Match("way", i, name, 47.0, lon, 80.0, {"name": name}, bbox=box)

    # pieces at 0 and 0.008 deg (~600 m apart); the piece at 0.004 bridges them
    merged = _merge_repeats([piece(1, 9.0), piece(2, 9.008), piece(3, 9.004),
                             piece(4, 9.5), piece(5, 9.0, "Other")], limit=10)
    assert [(m.osm_id, m.parts) for m in merged] == [(1, 3), (4, 1), (5, 1)]
    assert merged[0].bbox == pytest.approx((47.0, 8.999, 47.0, 9.009))
    assert merged[0].radius_m > 350
