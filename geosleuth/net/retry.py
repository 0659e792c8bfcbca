"""When to retry a request and how long to wait: exponential backoff honouring Retry-After."""

from __future__ import annotations

from dataclasses import dataclass
from email.utils import parsedate_to_datetime

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})


def parse_retry_after(value: str | None, now: float) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (delta-seconds or an HTTP date)."""
    if value is None:
        return None
    value = value.strip()
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None:
        return None
    return max(0.0, when.timestamp() - now)


@dataclass(frozen=True)
class RetryPolicy:
    """``attempts`` tries in all; the n-th retry waits ``base_s * factor**n``, at most
    ``max_delay_s``, or what the server asked for in Retry-After (also capped, so that
    a hostile header cannot park geosleuth for hours)."""

    attempts: int = 4
    base_s: float = 1.0
    factor: float = 2.0
    max_delay_s: float = 60.0
    statuses: frozenset[int] = RETRY_STATUSES

    def should_retry(self, status: int | None, attempt: int) -> bool:
        """``status`` None means the request failed before a response (timeout, refused)."""
        if attempt + 1 >= self.attempts:
            return False
        return status is None or status in self.statuses

    def delay(self, attempt: int, retry_after_s: float | None = None) -> float:
        backoff = self.base_s * self.factor**attempt
        if retry_after_s is not None:
            backoff = max(backoff, retry_after_s)
        return min(backoff, self.max_delay_s)
