"""Things a person waiting on a run should hear about as they happen (a retry and its
wait), through the standard ``logging`` module under the ``geosleuth`` logger.

The core only logs (``retrying``); a front end decides where the lines go: the CLI prints
them on stderr as ``geosleuth: retrying (2/4) in 3 s: …`` (``show_on_stderr``); a library
user attaches a handler of their own, or none.
"""

from __future__ import annotations

import logging
import sys

from geosleuth.text.quoting import printable

LOGGER = "geosleuth"
log = logging.getLogger(LOGGER)


def retrying(what: str, attempt: int, attempts: int, wait_s: float, problem: str) -> None:
    """Retry number ``attempt`` of ``attempts - 1`` of ``what`` starts in ``wait_s``."""
    log.warning("retrying %s (%d/%d) in %.0f s: %s", what, attempt, attempts - 1,
                max(wait_s, 0.0), printable(problem))


def show_on_stderr() -> None:
    """Print the notices on stderr, one plain line each (once per process)."""
    if any(getattr(h, "_geosleuth", False) for h in log.handlers):
        return
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("geosleuth: %(message)s"))
    handler._geosleuth = True  # type: ignore[attr-defined]
    log.addHandler(handler)
    log.setLevel(logging.INFO)
