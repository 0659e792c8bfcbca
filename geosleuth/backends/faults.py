"""What can go wrong when calling a model, and retrying what is worth retrying.

Adapters turn their SDK's exceptions into these faults; ``with_retries`` retries the
transient ones (429 with Retry-After, 5xx and overload, timeouts, refused connections, an
answer that is not a reply: HTTP 200 with a body that is not JSON or lacks the reply's
fields) with the network layer's backoff policy, and turns exhaustion into a ``BackendError``
that ends the case (exit 3). A context-length fault is not retried as is: the caller
shrinks its request first.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

from geosleuth.errors import BackendError
from geosleuth.net.retry import RetryPolicy
from geosleuth.notices import retrying

T = TypeVar("T")

MODEL_RETRY = RetryPolicy(attempts=4, base_s=2.0, factor=2.0, max_delay_s=60.0)


class ChatFault(BackendError):
    """A model call failed. ``transient`` faults may succeed if tried again."""

    transient = False

    def __init__(self, message: str, *, status: int | None = None,
                 retry_after_s: float | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.retry_after_s = retry_after_s


class RateLimited(ChatFault):
    transient = True


class ServerFault(ChatFault):
    transient = True


class MalformedReply(ServerFault):
    """The server answered (often HTTP 200) with a body that is not a reply: not JSON, or
    JSON without the fields of one. A proxy's error page or a server under strain sends
    these; asking again often helps."""


class TimeoutFault(ChatFault):
    transient = True


class ConnectionFault(ChatFault):
    transient = True


class ContextTooLong(ChatFault):
    """The request is larger than the model's context window."""


class PermanentFault(ChatFault):
    """A fault retrying cannot cure: a bad key, an unknown model, a rejected request."""


CONTEXT_MARKERS = ("context_length", "context length", "maximum context", "prompt is too long",
                   "too many tokens", "context window")


def looks_like_context_error(status: int | None, text: str) -> bool:
    low = text.lower()
    return status in (400, 413) and any(m in low for m in CONTEXT_MARKERS)


def with_retries(
    call: Callable[[], T],
    *,
    what: str,
    policy: RetryPolicy = MODEL_RETRY,
    sleep: Callable[[float], None] = time.sleep,
    on_retry: Callable[[ChatFault, float], None] | None = None,
) -> T:
    """Run ``call``; retry transient faults per ``policy``; raise BackendError when spent."""
    attempt = 0
    while True:
        try:
            return call()
        except ChatFault as fault:
            if not fault.transient:
                raise
            if not policy.should_retry(None, attempt):
                raise BackendError(
                    f"{what} kept failing after {attempt + 1} attempts ({fault}); try again"
                    " later, or use --backend offline"
                ) from fault
            wait = policy.delay(attempt, fault.retry_after_s)
            retrying(what, attempt + 1, policy.attempts, wait, str(fault))
            if on_retry is not None:
                on_retry(fault, wait)
            sleep(wait)
            attempt += 1
