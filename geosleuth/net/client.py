"""The HTTP client every geosleuth network call goes through (httpx underneath).

One request: look in the cache; wait for the host's rate limiter; record the egress;
send with a timeout; on a timeout, a refused connection, 429 or 5xx, wait (backoff or
Retry-After, whichever is longer) and try again, up to the retry policy's attempts;
store a successful response in the cache with the time it was fetched.
"""

from __future__ import annotations

import json
import sys
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode, urlsplit

from geosleuth import __version__
from geosleuth.errors import NetworkError
from geosleuth.net.cache import ResponseCache, cache_key
from geosleuth.net.ratelimit import Clock, Limiter, RateLimiter, SystemClock
from geosleuth.net.retry import RetryPolicy, parse_retry_after
from geosleuth.notices import retrying


def _import_httpx() -> Any:
    """httpx without its command-line tool: its package imports that tool (click, rich,
    pygments) whenever click is installed (Ray brings it), and the core loads no UI
    package. The block is lifted once httpx is in, so the tool stays importable."""
    if "httpx" in sys.modules:
        return sys.modules["httpx"]
    blocked = "httpx._main" not in sys.modules
    if blocked:
        sys.modules["httpx._main"] = None  # type: ignore[assignment]  # ImportError, caught
    try:
        import httpx
    finally:
        if blocked and sys.modules.get("httpx._main", False) is None:
            del sys.modules["httpx._main"]
    return httpx


httpx = _import_httpx()

EgressHook = Callable[[str, str], None]


def user_agent(contact: str | None = None) -> str:
    """``geosleuth/<version> (+contact)``, as public OSM services ask."""
    return f"geosleuth/{__version__} (+{contact})" if contact else f"geosleuth/{__version__}"


def _describe(method: str, url: str, body: bytes | None) -> str:
    """What left the machine, for the egress record: method, path, query, body (cut)."""
    parts = urlsplit(url)
    text = f"{method.upper()} {parts.path}" + (f"?{parts.query}" if parts.query else "")
    if body:
        text += " " + body.decode("utf-8", errors="replace")
    return text if len(text) <= 300 else text[:299] + "…"


class HttpStatusError(NetworkError):
    """A server answered with an error status that retrying does not cure."""

    def __init__(self, message: str, status: int, body: str = "") -> None:
        super().__init__(message)
        self.status = status
        self.body = body


@dataclass(frozen=True)
class HttpResponse:
    url: str
    status: int
    headers: dict[str, str]
    body: bytes
    from_cache: bool = False
    age_s: float = 0.0
    attempts: int = 0

    @property
    def host(self) -> str:
        return urlsplit(self.url).netloc

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")

    def json(self) -> Any:
        try:
            return json.loads(self.body)
        except ValueError as exc:
            raise NetworkError(f"{self.host} sent a reply that is not JSON ({exc})") from None


@dataclass
class HttpClient:
    """Timeouts, retries, per-host rate limits, cache and egress records in one place.

    ``limits`` maps a host (``netloc``) to the minimum seconds between two requests to
    it (or ``limiters`` gives a host its own limiter object); ``on_egress(host, what)``
    is called for every request that leaves the machine.
    """

    contact: str | None = None
    timeout_s: float = 20.0
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    clock: Clock = field(default_factory=SystemClock)
    cache: ResponseCache | None = None
    limits: dict[str, float] = field(default_factory=dict)
    limiters: dict[str, Limiter] = field(default_factory=dict)
    on_egress: EgressHook | None = None
    transport: httpx.BaseTransport | None = None
    default_max_age_s: float = 7 * 24 * 3600.0
    egress: list[tuple[str, str]] = field(default_factory=list)
    last: HttpResponse | None = None  # the latest answer (fresh or cached), for its age

    def __post_init__(self) -> None:
        self._limiters: dict[str, Limiter] = {}
        self._lock = threading.Lock()
        self._http = httpx.Client(
            timeout=self.timeout_s,
            transport=self.transport,
            headers={"User-Agent": user_agent(self.contact)},
            follow_redirects=True,
        )

    @classmethod
    def from_settings(
        cls,
        settings: Any,
        *,
        clock: Clock | None = None,
        on_egress: EgressHook | None = None,
        limits: Mapping[str, float] | None = None,
        transport: httpx.BaseTransport | None = None,
    ) -> HttpClient:
        """A client configured by ``geosleuth.settings.Settings`` (contact, timeout, cache)."""
        clock = clock or SystemClock()
        cache = ResponseCache(settings.cache_dir / "http.sqlite", clock) if settings.cache else None
        return cls(
            contact=settings.contact,
            timeout_s=settings.http_timeout_s,
            clock=clock,
            cache=cache,
            limits=dict(limits or {}),
            on_egress=on_egress,
            transport=transport,
        )

    def limiter(self, host: str) -> Limiter:
        with self._lock:
            if host in self.limiters:
                return self.limiters[host]
            if host not in self._limiters:
                self._limiters[host] = RateLimiter(self.limits.get(host, 0.0), self.clock)
            return self._limiters[host]

    def get(self, url: str, **kwargs: Any) -> HttpResponse:
        return self.request("GET", url, **kwargs)

    def post(self, url: str, **kwargs: Any) -> HttpResponse:
        return self.request("POST", url, **kwargs)

    def request(
        self,
        method: str,
        url: str,
        *,
        params: Mapping[str, Any] | None = None,
        data: Mapping[str, str] | None = None,
        headers: Mapping[str, str] | None = None,
        what: str = "",
        max_age_s: float | None = None,
        use_cache: bool = True,
        timeout_s: float | None = None,
    ) -> HttpResponse:
        """Send one request (with retries); raise NetworkError when it cannot succeed."""
        if params:
            url = f"{url}{'&' if '?' in url else '?'}{urlencode(params)}"
        body = urlencode(data).encode() if data is not None else None
        key = cache_key(method, url, body)
        max_age = self.default_max_age_s if max_age_s is None else max_age_s
        if use_cache and self.cache is not None:
            hit = self.cache.get(key, max_age)
            if hit is not None:
                self.last = HttpResponse(url, hit.status, hit.headers, hit.body, True, hit.age_s, 0)
                return self.last
        host = urlsplit(url).netloc
        if not host:
            raise NetworkError(f"{url!r} is not an absolute URL; check the endpoint setting")
        what = what or _describe(method, url, body)
        send_headers = {"Content-Type": "application/x-www-form-urlencoded"} if body else {}
        send_headers.update(headers or {})
        limiter = self.limiter(host)
        attempt = 0
        while True:
            limiter.acquire()
            self._record(host, what)
            status: int | None = None
            problem: str
            retry_after: float | None = None
            try:
                resp = self._http.request(
                    method,
                    url,
                    content=body,
                    headers=send_headers,
                    timeout=timeout_s if timeout_s is not None else self.timeout_s,
                )
            except httpx.TimeoutException:
                problem = f"{host} did not answer within {timeout_s or self.timeout_s:g} s"
            except httpx.HTTPError as exc:
                problem = f"{host} could not be reached ({type(exc).__name__}: {exc})"
            else:
                status = resp.status_code
                if 200 <= status < 300:
                    result = HttpResponse(url, status, dict(resp.headers), resp.content,
                                          attempts=attempt + 1)
                    if self.cache is not None:
                        self.cache.put(key, method, url, status, result.headers, result.body)
                    self.last = result
                    return result
                problem = f"{host} answered HTTP {status}"
                retry_after = parse_retry_after(resp.headers.get("Retry-After"), self.clock.time())
                if not self.retry.should_retry(status, attempt):
                    snippet = resp.text[:200].replace("\n", " ")
                    if status in self.retry.statuses:
                        problem += f" after {attempt + 1} attempts"
                    raise HttpStatusError(f"{problem}: {snippet}".rstrip(": "), status, resp.text)
            if not self.retry.should_retry(status, attempt):
                raise NetworkError(f"{problem} after {attempt + 1} attempts; try again later")
            delay = self.retry.delay(attempt, retry_after)
            retrying(f"{what} at {host}", attempt + 1, self.retry.attempts, delay, problem)
            limiter.defer(delay)
            attempt += 1

    def _record(self, host: str, what: str) -> None:
        self.egress.append((host, what))
        if self.on_egress is not None:
            self.on_egress(host, what)

    def close(self) -> None:
        self._http.close()
        if self.cache is not None:
            self.cache.close()

    def __enter__(self) -> HttpClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
