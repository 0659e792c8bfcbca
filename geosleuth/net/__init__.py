"""The one place network calls go through: HTTP client, retry policy, rate limiter, cache.

Every request made by geosleuth (map services, and model backends where their SDKs do
not cover it) uses ``HttpClient``: a timeout, retries with backoff that honour
``Retry-After`` on 429 and 5xx, a per-host rate limiter with an injectable clock, a
SQLite response cache that knows each response's age, the User-Agent
``geosleuth/<version> (+contact)``, and one egress record per request.
"""

from geosleuth.net.cache import CachedResponse, ResponseCache
from geosleuth.net.client import HttpClient, HttpResponse, user_agent
from geosleuth.net.ratelimit import Clock, Limiter, RateLimiter, SystemClock
from geosleuth.net.retry import RetryPolicy, parse_retry_after

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
