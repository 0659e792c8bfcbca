"""The online provider through its real HTTP code (geopy's Nominatim, the Overpass
client) against a local server that answers like Nominatim and Overpass."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from maps_helpers import FakeClock, LocalServer, Reply, Request, json_reply, make_settings

from geosleuth.errors import BadInputError, ConfigError
from geosleuth.maps import overpass
from geosleuth.maps.online import OnlineMaps
from geosleuth.maps.operations import MAX_LIMIT, MAX_RADIUS_M, Pattern
from geosleuth.maps.service import MapService
from geosleuth.net import HttpClient

NOMINATIM_HIT = {
    "place_id": 1, "osm_type": "node", "osm_id": 2, "lat": "47.0010", "lon": "9.0010",
    "class": "highway", "type": "bus_stop", "display_name": "Rathaus, Testdorf, Deutschland",
    "name": "Rathaus", "boundingbox": ["47.0009", "47.0011", "9.0009", "9.0011"],
    "namedetails": {"name": "Rathaus", "name:en": "Town Hall"}, "extratags": {"shelter": "yes"},
}
REVERSE_HIT = {
    "osm_type": "way", "osm_id": 102, "lat": "47.0051", "lon": "9.0051", "class": "building",
    "type": "yes", "display_name": "7, Hauptstraße, Testdorf", "name": "",
    "address": {"house_number": "7", "road": "Hauptstraße", "village": "Testdorf",
                "country_code": "de"},
    "boundingbox": ["47.0050", "47.0052", "9.0050", "9.0052"],
}
ELEMENTS = [
    {"type": "node", "id": 2, "lat": 47.0010, "lon": 9.0010,
     "tags": {"highway": "bus_stop", "name": "Rathaus"}},
    {"type": "node", "id": 3, "lat": 47.0011, "lon": 9.0013,
     "tags": {"amenity": "pharmacy", "name": "Löwen-Apotheke"}},
    {"type": "node", "id": 5, "lat": 47.0500, "lon": 9.0500,
     "tags": {"highway": "bus_stop", "name": "Rathaus"}},
    {"type": "way", "id": 100, "bounds": {"minlat": 47.002, "minlon": 9.0, "maxlat": 47.002,
                                          "maxlon": 9.004},
     "tags": {"highway": "residential", "name": "Hauptstraße"}},
]


def osm_like(req: Request) -> Reply:
    if req.path == "/search":
        return json_reply([NOMINATIM_HIT])
    if req.path == "/reverse":
        return json_reply(REVERSE_HIT)
    if req.path == "/api/interpreter":
        return json_reply({"version": 0.6, "elements": ELEMENTS})
    return 404, {}, b"not found"


@pytest.fixture
def online(server: LocalServer, clock: FakeClock, tmp_path: Path) -> OnlineMaps:
    server.route = osm_like
    settings = make_settings(tmp_path, server.url)
    return OnlineMaps(settings, HttpClient.from_settings(settings, clock=clock))


def test_search_goes_through_geopy_with_limits(online: OnlineMaps, server: LocalServer) -> None:
    found = online.search("Rathaus", near=(47.0, 9.0), radius_m=2000, country="DE", limit=5)
    req = server.requests[0]
    assert req.path == "/search"
    assert req.query["q"] == ["Rathaus"] and req.query["countrycodes"] == ["de"]
    assert req.query["bounded"] == ["1"] and req.query["limit"] == ["5"]
    west, south, east, north = (float(v) for v in req.query["viewbox"][0].split(","))
    assert west < 9.0 < east and south < 47.0 < north
    assert req.headers["User-Agent"].endswith("(+maps-test@example.org)")
    [m] = found
    assert (m.osm_type, m.osm_id, m.name, m.score) == ("node", 2, "Rathaus", 1.0)
    assert m.tags["highway"] == "bus_stop" and m.tags["name:en"] == "Town Hall"
    assert m.host == online.nominatim_host and 50 <= m.radius_m < 60


def test_structured_search_and_bad_country(online: OnlineMaps, server: LocalServer) -> None:
    online.search({"street": "Hauptstraße 7", "city": "Testdorf", "evil": "x"})
    q = server.requests[0].query
    assert q["street"] == ["Hauptstraße 7"] and q["city"] == ["Testdorf"] and "evil" not in q
    with pytest.raises(BadInputError):
        online.search("Rathaus", country="Germany")


def test_public_nominatim_gets_one_request_per_second_and_cache_hits_do_not_wait(
    server: LocalServer, clock: FakeClock, tmp_path: Path
) -> None:
    server.route = osm_like
    settings = make_settings(tmp_path, server.url)
    maps = OnlineMaps(settings, HttpClient.from_settings(settings, clock=clock),
                      nominatim_delay_s=1.0)
    maps.search("Rathaus")
    maps.search("Bahnhof")
    assert clock.sleeps == [pytest.approx(1.0)]
    maps.search("Rathaus")  # from the cache: no request, no wait
    assert len(server.requests) == 2 and len(clock.sleeps) == 1


def test_reverse(online: OnlineMaps, server: LocalServer) -> None:
    [m] = online.reverse(47.00512, 9.00511)
    req = server.requests[0]
    assert req.path == "/reverse" and req.query["lat"][0].startswith("47.0051")
    assert m.role == "address" and m.tags["addr:road"] == "Hauptstraße"
    assert m.distance_m is not None and m.distance_m < 30


def test_nearby_sends_an_escaped_bounded_overpass_query(
    online: OnlineMaps, server: LocalServer
) -> None:
    found = online.nearby(47.0, 9.0, radius_m=10**9, tags={"highway": "bus_stop"},
                          name='Rathaus"];out;node(1);(', limit=10**6)
    req = server.requests[0]
    assert req.method == "POST" and req.path == "/api/interpreter"
    query = req.form["data"][0]
    assert query.startswith("[out:json][timeout:25][maxsize:")
    assert f"(around:{MAX_RADIUS_M:.0f},47.0000000,9.0000000)" in query
    assert '\\"\\\\];out;node\\\\(1\\\\);\\\\(' in query  # quote and regex syntax escaped
    outside_strings = re.sub(r'"(?:[^"\\]|\\.)*"', '""', query)
    assert outside_strings.count(";") == 3  # header, one statement, out: nothing injected
    assert query.endswith(f"out tags bb qt {4 * MAX_LIMIT};")  # the limit was bounded
    assert all(m.score >= 0.5 for m in found)  # answers that do not match the name are dropped
    found = online.nearby(47.0, 9.0, 500, name="Rathaus")
    assert [m.osm_id for m in found][:1] == [2]  # the named stop before a nearer street
    assert found[0].host == online.overpass_host


def test_cooccur_online_groups_the_answer(online: OnlineMaps, server: LocalServer) -> None:
    groups = online.cooccur(
        [{"name": "Rathaus", "tags": {"highway": "bus_stop"}}, {"tags": {"amenity": "pharmacy"}}],
        within_m=150, near=(47.0, 9.0), radius_m=3000,
    )
    query = server.requests[0].form["data"][0]
    assert "->.p0;" in query and "->.p1;" in query and "(around.p1:150)" in query
    assert len(groups) == 1
    assert [m.osm_id for m in groups[0].members] == [2, 3]
    with pytest.raises(BadInputError, match="needs 'near'"):
        online.cooccur([{"name": "a"}, {"name": "b"}], 100, None)


def test_overpass_429_is_retried_after_the_server_said(
    online: OnlineMaps, server: LocalServer, clock: FakeClock
) -> None:
    server.script = [(429, {"Retry-After": "3"}, b"rate limited")]
    found = online.nearby(47.0, 9.0, 500, tags={"amenity": "pharmacy"})
    assert len(server.requests) == 2 and clock.sleeps == [3.0]
    assert found


def test_egress_is_recorded_for_every_request(
    server: LocalServer, clock: FakeClock, tmp_path: Path
) -> None:
    server.route = osm_like
    seen: list[tuple[str, str]] = []
    settings = make_settings(tmp_path, server.url)
    service = MapService(settings, client=HttpClient.from_settings(settings, clock=clock),
                         on_egress=lambda h, w: seen.append((h, w)))
    answer = service.ask("search", text="Rathaus", online=True)
    assert answer.source == server.url.split("//")[1] and answer.matches
    service.ask("nearby", near=(47.0, 9.0), tags={"amenity": "pharmacy"}, online=True)
    assert seen[0][1].startswith("GET /search?") and seen[1][1].startswith("Overpass query: [out")
    assert answer.cache_age_s == 0.0
    clock.now += 90
    again = service.ask("search", text="Rathaus", online=True)
    assert again.cache_age_s == pytest.approx(90.0) and len(seen) == 2  # served from the cache
    assert "q=Rathaus" in seen[0][1] and "Overpass query" not in seen[0][1]


def test_offline_first_then_online_when_network_is_on(
    server: LocalServer, clock: FakeClock, tmp_path: Path, town_store: Any
) -> None:
    server.route = osm_like
    settings = make_settings(tmp_path, server.url)
    service = MapService(settings, store=town_store,
                         client=HttpClient.from_settings(settings, clock=clock))
    assert service.ask("search", text="Löwen-Apotheke").source == "offline"
    assert server.requests == []
    far = service.ask("search", text="Rathaus", near=(-33.9, 18.4), radius_m=1000)
    assert far.source != "offline" and len(server.requests) == 1


def test_network_off_never_touches_the_online_provider(
    server: LocalServer, tmp_path: Path, town_store: Any
) -> None:
    settings = make_settings(tmp_path, nominatim_url=server.url,
                             overpass_url=server.url + "/api/interpreter", network=False)
    service = MapService(settings, store=town_store)
    answer = service.ask("search", text="Nowhere At All", near=(-33.9, 18.4), radius_m=1000)
    assert answer.empty and not answer.covered
    with pytest.raises(ConfigError, match="network use is off"):
        service.ask("search", text="Rathaus", online=True)
    with pytest.raises(ConfigError):
        OnlineMaps(settings)
    assert server.requests == []


@pytest.mark.parametrize("url", ["ftp://example.org", "not a url"])
def test_endpoint_urls_are_checked(tmp_path: Path, url: str) -> None:
    with pytest.raises(ConfigError, match="nominatim_url"):
        OnlineMaps(make_settings(tmp_path, network=True, nominatim_url=url))


def test_overpass_query_builder_escapes_and_bounds() -> None:
    assert overpass.ql_string('a"b\\c\nd') == '"a\\"b\\\\c\\nd"'
    assert overpass.ere_literal("St. Peter (Alt)") == "St\\. Peter \\(Alt\\)"
    with pytest.raises(BadInputError, match="not an OSM tag key"):
        overpass.tag_filters({'name"]; out; ("': "x"})
    with pytest.raises(BadInputError, match="longer than"):
        overpass.ql_string("x" * 1000)
    q = overpass.cooccur_query([Pattern(tags={"shop": "*"}), Pattern(name="Post")],
                               within_m=10**7, lat=1.0, lon=2.0, radius_m=10**9)
    assert "(around.p1:5000)" in q and "(around:50000," in q
    assert '["shop"]' in q
