"""The network layer against a local server: User-Agent, egress, rate limit, retries
(429 with Retry-After, 5xx), cache with age. Time is a fake clock: nothing sleeps."""

from __future__ import annotations

import socket
from email.utils import formatdate
from pathlib import Path

import pytest
from maps_helpers import FakeClock, LocalServer, json_reply, make_settings

from geosleuth import __version__
from geosleuth.errors import NetworkError
from geosleuth.net import HttpClient, RateLimiter, ResponseCache, RetryPolicy, parse_retry_after
from geosleuth.net.client import HttpStatusError, user_agent
from geosleuth.net.geopy_adapter import GeopyLimiter


def client_for(server: LocalServer, clock: FakeClock, **kw: object) -> HttpClient:
    host = server.url.split("//")[1]
    kw.setdefault("limits", {host: 1.0})
    return HttpClient(contact="ops@example.org", clock=clock, **kw)  # type: ignore[arg-type]


def test_user_agent_and_egress(server: LocalServer, clock: FakeClock) -> None:
    seen: list[tuple[str, str]] = []
    client = client_for(server, clock, on_egress=lambda h, w: seen.append((h, w)))
    resp = client.get(server.url + "/search", params={"q": "Rathaus Vaduz"})
    assert resp.status == 200 and resp.json() == {} and not resp.from_cache
    assert server.requests[0].headers["User-Agent"] == f"geosleuth/{__version__} (+ops@example.org)"
    assert user_agent(None) == f"geosleuth/{__version__}"
    host = server.url.split("//")[1]
    assert seen == [(host, "GET /search?q=Rathaus+Vaduz")] == client.egress


def test_rate_limit_spaces_requests_to_one_host(server: LocalServer, clock: FakeClock) -> None:
    client = client_for(server, clock)
    for i in range(3):
        client.get(server.url + f"/r{i}")
    assert clock.sleeps == [1.0, 1.0]
    assert len(server.requests) == 3


def test_rate_limiter_waits_only_what_is_left(clock: FakeClock) -> None:
    limiter = RateLimiter(2.0, clock)
    assert limiter.acquire() == 0.0
    clock.now += 0.5
    assert limiter.acquire() == pytest.approx(1.5)
    clock.now += 10.0
    assert limiter.acquire() == 0.0
    limiter.defer(30.0)
    assert limiter.acquire() == pytest.approx(30.0)


def test_geopy_limiter_runs_on_the_injected_clock(clock: FakeClock) -> None:
    limiter = GeopyLimiter(1.0, clock)
    limiter.acquire()
    limiter.acquire()
    clock.now += 0.25
    limiter.acquire()
    assert clock.sleeps == [pytest.approx(1.0), pytest.approx(0.75)]
    limiter.defer(5.0)
    limiter.acquire()
    assert clock.sleeps[-1] == pytest.approx(5.0)


def test_429_with_retry_after_seconds(server: LocalServer, clock: FakeClock) -> None:
    server.script = [(429, {"Retry-After": "7"}, b"slow down"), json_reply({"ok": True})]
    client = client_for(server, clock, limits={})
    resp = client.get(server.url + "/x")
    assert resp.json() == {"ok": True} and resp.attempts == 2
    assert clock.sleeps == [7.0]
    assert len(client.egress) == 2  # every attempt left the machine


def test_retry_after_as_http_date_and_capped(server: LocalServer, clock: FakeClock) -> None:
    when = formatdate(clock.time() + 12, usegmt=True)
    server.script = [(503, {"Retry-After": when}, b""), (429, {"Retry-After": "999999"}, b""),
                     json_reply([])]
    client = client_for(server, clock, limits={})
    client.get(server.url + "/x")
    assert clock.sleeps[0] == pytest.approx(12.0, abs=1.0)
    assert clock.sleeps[1] == RetryPolicy().max_delay_s


def test_5xx_backoff_grows_then_gives_up(server: LocalServer, clock: FakeClock) -> None:
    server.script = [(500, {}, b"oops")] * 3
    client = client_for(server, clock, limits={}, retry=RetryPolicy(attempts=3, base_s=0.5))
    with pytest.raises(NetworkError, match="HTTP 500 after 3 attempts"):
        client.get(server.url + "/x")
    assert clock.sleeps == [0.5, 1.0]
    assert len(server.requests) == 3


def test_client_errors_are_not_retried(server: LocalServer, clock: FakeClock) -> None:
    server.script = [(400, {}, b"bad query")]
    client = client_for(server, clock)
    with pytest.raises(HttpStatusError) as err:
        client.get(server.url + "/x")
    assert err.value.status == 400 and "bad query" in str(err.value)
    assert len(server.requests) == 1 and clock.sleeps == []


def test_unreachable_host_retries_then_fails(clock: FakeClock) -> None:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()  # nothing listens there now
    client = HttpClient(clock=clock, retry=RetryPolicy(attempts=2))
    with pytest.raises(NetworkError, match="could not be reached"):
        client.get(f"http://127.0.0.1:{port}/x")
    assert clock.sleeps == [1.0]


def test_parse_retry_after() -> None:
    assert parse_retry_after("5", 0.0) == 5.0
    assert parse_retry_after(None, 0.0) is None
    assert parse_retry_after("soon", 0.0) is None
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", 1445412480.0 - 60) == 60.0


def test_cache_serves_repeats_and_knows_their_age(
    server: LocalServer, clock: FakeClock, tmp_path: Path
) -> None:
    server.route = lambda req: json_reply({"n": len(server.requests)})
    cache = ResponseCache(tmp_path / "http.sqlite", clock)
    client = client_for(server, clock, cache=cache)
    first = client.get(server.url + "/a", max_age_s=3600)
    clock.now += 120
    again = client.get(server.url + "/a", max_age_s=3600)
    assert again.from_cache and again.json() == first.json() == {"n": 1}
    assert again.age_s == pytest.approx(120.0)
    assert len(server.requests) == 1 and len(client.egress) == 1  # a cache hit sends nothing
    clock.now += 3600
    fresh = client.get(server.url + "/a", max_age_s=3600)
    assert not fresh.from_cache and fresh.json() == {"n": 2}
    # a POST body is part of the key; errors are never cached
    client.post(server.url + "/p", data={"data": "one"})
    client.post(server.url + "/p", data={"data": "two"})
    assert len(server.requests) == 4
    server.script = [(404, {}, b"no")]
    with pytest.raises(HttpStatusError):
        client.get(server.url + "/missing")
    server.script = [(404, {}, b"no")]
    with pytest.raises(HttpStatusError):
        client.get(server.url + "/missing")
    assert len(cache) == 3  # /a, and the two POST bodies
    clock.now += 10
    assert cache.purge(older_than_s=5.0) == 3 and len(cache) == 0


def test_settings_build_a_persistent_cache(
    server: LocalServer, clock: FakeClock, tmp_path: Path
) -> None:
    settings = make_settings(tmp_path)
    with HttpClient.from_settings(settings, clock=clock) as client:
        client.get(server.url + "/a")
    assert (tmp_path / "cache" / "http.sqlite").is_file()
    with HttpClient.from_settings(settings, clock=clock) as client:
        assert client.get(server.url + "/a").from_cache
    assert len(server.requests) == 1
    no_cache = make_settings(tmp_path, cache=False)
    with HttpClient.from_settings(no_cache, clock=clock) as client:
        assert not client.get(server.url + "/a").from_cache
    assert len(server.requests) == 2
