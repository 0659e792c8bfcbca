"""Errors are plain data: one root, subclasses that also inherit the builtin they resemble.

Every message says what went wrong and, where it can, what to do about it. Front ends
map the classes to exit codes (see ``exit_code``): bad input or usage is 2, a backend
or network failure that retries could not overcome is 3.
"""

from __future__ import annotations


class GeosleuthError(Exception):
    """Root of every error geosleuth raises on purpose."""

    exit_code: int = 1


class BadInputError(GeosleuthError, ValueError):
    """The user gave something geosleuth cannot use: a missing file, a broken image."""

    exit_code = 2


class ConfigError(GeosleuthError, ValueError):
    """A setting has a value geosleuth cannot use."""

    exit_code = 2


class ToolError(GeosleuthError, RuntimeError):
    """A clue tool failed on this input; the loop reports it to the reasoner."""

    exit_code = 1


class ToolUnavailableError(ToolError):
    """A clue tool cannot run here: an optional dependency is missing."""


class NetworkError(GeosleuthError, ConnectionError):
    """A remote service could not be reached or kept failing after retries."""

    exit_code = 3


class BackendError(GeosleuthError, RuntimeError):
    """A model backend failed in a way retries could not overcome."""

    exit_code = 3


def exit_code(error: BaseException) -> int:
    """The process exit code for an error that reached a front end."""
    if isinstance(error, GeosleuthError):
        return error.exit_code
    return 1
