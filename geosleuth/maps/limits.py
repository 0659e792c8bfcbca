"""The bounds on what a map query may ask: radii, counts and patterns, and the checks
that hold a caller (the model, an image) to them."""

from __future__ import annotations

import math

from geosleuth.errors import BadInputError

MAX_RADIUS_M = 50_000.0
MAX_WITHIN_M = 5_000.0
MAX_LIMIT = 50
MAX_PATTERNS = 5


def check_point(lat: float, lon: float) -> tuple[float, float]:
    if not (-90.0 <= lat <= 90.0 and -180.0 <= lon <= 180.0):
        raise BadInputError(f"({lat}, {lon}) is not a latitude/longitude pair")
    return float(lat), float(lon)


def bound(value: float | None, upper: float, what: str, default: float) -> float:
    """Clamp a radius or count given by a caller (the model, an image) to its bound."""
    if value is None:
        return default
    if not math.isfinite(value) or value <= 0:
        raise BadInputError(f"{what} must be a positive number, got {value}")
    return float(min(value, upper))


def bound_limit(limit: int | None, default: int = 10) -> int:
    return int(bound(limit, MAX_LIMIT, "limit", default))
