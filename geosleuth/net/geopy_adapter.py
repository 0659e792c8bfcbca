"""A geopy adapter that sends geopy's requests through ``HttpClient``.

geopy builds the Nominatim URLs and parses the answers; this adapter makes its
requests obey the same timeout, retry, rate limit, cache and egress rules as every
other geosleuth request.
"""

from __future__ import annotations

from typing import Any

from geopy.adapters import BaseSyncAdapter
from geopy.exc import GeocoderParseError
from geopy.extra.rate_limiter import RateLimiter

from geosleuth.net.client import HttpClient
from geosleuth.net.ratelimit import Clock, SystemClock


class GeopyLimiter(RateLimiter):
    """geopy's RateLimiter on geosleuth's clock, used as the client's limiter of one host.

    It guards the request itself, not the geocoder call, so that an answer from the
    cache does not wait for a slot; retries are left to the client (``max_retries=0``).
    """

    def __init__(self, min_delay_seconds: float, clock: Clock | None = None) -> None:
        super().__init__(
            lambda: None,
            min_delay_seconds=min_delay_seconds,
            max_retries=0,
            error_wait_seconds=min_delay_seconds,
            swallow_exceptions=False,
        )
        self.clock: Clock = clock or SystemClock()

    def _clock(self) -> float:
        return self.clock.monotonic()

    def _sleep(self, seconds: float) -> None:
        self.clock.sleep(seconds)

    def acquire(self) -> float:
        before = self.clock.monotonic()
        self()
        return self.clock.monotonic() - before

    def defer(self, seconds: float) -> None:
        with self._lock:
            later = self.clock.monotonic() + seconds - self.min_delay_seconds
            if self._last_call is None or self._last_call < later:
                self._last_call = later


class ClientAdapter(BaseSyncAdapter):
    """Use as ``adapter_factory=ClientAdapter.factory(client, what=...)``."""

    def __init__(self, *, proxies: Any, ssl_context: Any, client: HttpClient, what: str) -> None:
        super().__init__(proxies=proxies, ssl_context=ssl_context)
        self.client = client
        self.what = what

    @classmethod
    def factory(cls, client: HttpClient, what: str = "") -> Any:
        def make(proxies: Any = None, ssl_context: Any = None) -> ClientAdapter:
            return cls(proxies=proxies, ssl_context=ssl_context, client=client, what=what)

        return make

    def get_text(self, url: str, *, timeout: float, headers: dict[str, str]) -> str:
        resp = self.client.get(url, headers=headers, timeout_s=timeout, what=self.what or "")
        return resp.text

    def get_json(self, url: str, *, timeout: float, headers: dict[str, str]) -> Any:
        import json

        text = self.get_text(url, timeout=timeout, headers=headers)
        try:
            return json.loads(text)
        except ValueError:
            raise GeocoderParseError(f"the geocoder's reply is not JSON: {text[:100]}") from None
