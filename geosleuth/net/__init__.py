"""The one place network calls go through: HTTP client, retry policy, rate limiter, cache.

Every request made by geosleuth (map services, and model backends where their SDKs do
not cover it) uses ``HttpClient``: a timeout, retries with backoff that honour
``Retry-After`` on 429 and 5xx, a per-host rate limiter with an injectable clock, a
SQLite response cache that knows each response's age, the User-Agent
``geosleuth/<version> (+contact)``, and one egress record per request.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from geosleuth.net.cache import CachedResponse, ResponseCache
    from geosleuth.net.client import HttpClient, HttpResponse, user_agent
    from geosleuth.net.ratelimit import Clock, Limiter, RateLimiter, SystemClock
    from geosleuth.net.retry import RetryPolicy, parse_retry_after

# Imported on first use: an offline run needs only ``retry`` (the model retry policy), and
# ``client`` imports httpx (0.2 s).
_HOMES = {
    "CachedResponse": "cache",
    "ResponseCache": "cache",
    "HttpClient": "client",
    "HttpResponse": "client",
    "user_agent": "client",
    "Clock": "ratelimit",
    "Limiter": "ratelimit",
    "RateLimiter": "ratelimit",
    "SystemClock": "ratelimit",
    "RetryPolicy": "retry",
    "parse_retry_after": "retry",
}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(f"{__name__}.{home}"), name)


__all__ = [
    "CachedResponse",
    "Clock",
    "HttpClient",
    "HttpResponse",
    "Limiter",
    "RateLimiter",
    "ResponseCache",
    "RetryPolicy",
    "SystemClock",
    "parse_retry_after",
    "user_agent",
]
