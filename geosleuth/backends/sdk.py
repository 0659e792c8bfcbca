"""What the OpenAI and Anthropic adapters share: loading the SDK, faults, one timed call.

Both official SDKs are generated from the same template, so they raise the same exception
classes (``APITimeoutError``, ``APIConnectionError``, ``APIStatusError``, ``APIError``)
with the same fields; one mapping turns either into the loop's faults. A body that is not
a reply (not JSON, or JSON without the reply's fields) is a ``MalformedReply``: retried
like a server error, then the end of the case.
"""

from __future__ import annotations

import importlib
import json
import time
from collections.abc import Callable
from types import ModuleType
from typing import Any
from urllib.parse import urlsplit

from geosleuth.backends.chat import ChatReply
from geosleuth.backends.faults import (
    ChatFault,
    ConnectionFault,
    ContextTooLong,
    MalformedReply,
    PermanentFault,
    RateLimited,
    ServerFault,
    TimeoutFault,
    looks_like_context_error,
)
from geosleuth.errors import ConfigError
from geosleuth.net.retry import parse_retry_after
from geosleuth.text.quoting import clip


class NotAReply(ValueError):
    """Raised by an adapter's parser: the body lacks a field every reply has."""


def host_of(url: str) -> str:
    return urlsplit(url).hostname or url


def require_sdk(name: str, backend: str | None = None) -> ModuleType:
    """The SDK package ``name``, or one line naming the backend the user chose (``ollama``
    or a named server use the openai package) and how to install the package."""
    try:
        return importlib.import_module(name)
    except ImportError:
        raise ConfigError(f"the {backend or name} backend needs the {name} package:"
                          f" pip install 'geosleuth[{name}]'") from None


def fault_from_sdk(sdk: ModuleType, exc: Exception, what: str) -> ChatFault | None:
    """The fault an SDK exception stands for, or None if it is not an API error."""
    if isinstance(exc, sdk.APITimeoutError):
        return TimeoutFault(f"{what}: the request timed out")
    if isinstance(exc, sdk.APIConnectionError):
        return ConnectionFault(f"{what}: cannot connect ({exc})")
    if isinstance(exc, json.JSONDecodeError | UnicodeDecodeError):  # the SDK reads the body
        return MalformedReply(f"{what}: unreadable response (the body is not JSON: {exc})")
    if not isinstance(exc, sdk.APIStatusError):
        if isinstance(exc, sdk.APIError):  # a 2xx answer the SDK could not read
            return MalformedReply(f"{what}: unreadable response ({type(exc).__name__}: {exc})")
        return None
    status = exc.status_code
    body = exc.response.text if exc.response is not None else str(exc)
    headers = exc.response.headers if exc.response is not None else {}
    detail = clip(str(exc.message), 300)  # the server's words: one line, no control raw
    after = parse_retry_after(headers.get("retry-after"), time.time())
    if looks_like_context_error(status, body):
        return ContextTooLong(f"{what}: the request is too long for the model ({detail})",
                              status=status)
    # OpenAI answers 429 for a spent quota too; waiting does not help that one
    if status == 429 and "insufficient_quota" not in body:
        if after is None and headers.get("retry-after-ms"):
            after = float(headers["retry-after-ms"]) / 1000.0
        return RateLimited(f"{what}: rate limited (429)", status=status, retry_after_s=after)
    if status >= 500:  # 529 is Anthropic's "overloaded"
        return ServerFault(f"{what}: server error {status} ({detail})", status=status,
                           retry_after_s=after)
    if status in (401, 403):
        return PermanentFault(f"{what}: the API key was rejected ({status}); check the key",
                              status=status)
    return PermanentFault(f"{what}: request rejected ({status}: {detail})", status=status)


def timed_call(sdk: ModuleType, what: str, request: Callable[[], Any],
               parse: Callable[[Any, float], ChatReply]) -> ChatReply:
    """``request()`` with its errors as faults, then ``parse(response, latency_ms)``; a
    body the parser cannot read is a ``MalformedReply``."""
    start = time.perf_counter()
    try:
        resp = request()
    except Exception as exc:
        fault = fault_from_sdk(sdk, exc, what)
        if fault is None:
            raise
        raise fault from None
    latency = (time.perf_counter() - start) * 1000.0
    if isinstance(resp, str | bytes):  # the SDK hands over a body that is not JSON as text
        raise MalformedReply(f"{what}: unreadable response (not a JSON object: {_preview(resp)})")
    try:
        return parse(resp, latency)
    except NotAReply as exc:
        raise MalformedReply(f"{what}: unreadable response ({exc})") from None
    except (AttributeError, KeyError, TypeError, ValueError) as exc:  # a body that is not a reply
        raise MalformedReply(f"{what}: unreadable response ({type(exc).__name__}: {exc})"
                             ) from None


def _preview(body: str | bytes) -> str:
    text = body.decode("utf-8", "replace") if isinstance(body, bytes) else body
    return repr(" ".join(text.split())[:80]) if text.strip() else "an empty body"


def fields(obj: Any, what: str, **expected: type | tuple[type, ...]) -> None:
    """Raise NotAReply unless each named attribute of ``obj`` has its expected type."""
    if obj is None:
        raise NotAReply(f"the {what} is missing")
    for name, kind in expected.items():
        if not isinstance(getattr(obj, name, None), kind):
            raise NotAReply(f"the {what} has no valid {name!r}")
