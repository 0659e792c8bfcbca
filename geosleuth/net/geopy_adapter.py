"""A geopy adapter that sends geopy's requests through ``HttpClient``.

geopy builds the Nominatim URLs and parses the answers; this adapter makes its
requests obey the same timeout, retry, rate limit, cache and egress rules as every
other geosleuth request.
"""

from __future__ import annotations

from typing import Any

from geopy.adapters import BaseSyncAdapter
from geopy.exc import GeocoderParseError

from geosleuth.net.client import HttpClient


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
