"""Geographic constraints: what a piece of evidence says about where the photo was taken.

Every constraint is a likelihood over the Earth's surface. Its ``profile`` f(x) lies in
[0, 1]; its ``strength`` s in (0, 1] says how far the evidence is trusted. The fusion
uses the robust mixture L(x) = (1 - s) + s * f(x) (with 1 - f(x) for a negated
constraint: "not in this country", "not within this circle"), so that a wrong clue can lower the
probability of the truth but never make it zero, and conflicting clues show up as a
lower confidence instead of one of them being silently dropped.
"""

from __future__ import annotations

import base64
import zlib
from functools import lru_cache
from typing import Annotated, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, field_validator


class _Constraint(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    strength: float = Field(0.8, gt=0.0, le=1.0)
    negate: bool = False  # "not here": the profile becomes 1 - f(x)


class PointConstraint(_Constraint):
    """Near a point: a 2-D Gaussian whose 95 % circle has radius ``radius_km``."""

    kind: Literal["point"] = "point"
    lat: float = Field(ge=-90.0, le=90.0)
    lon: float = Field(ge=-180.0, le=180.0)
    radius_km: float = Field(gt=0.0)


class CountryConstraint(_Constraint):
    """In one of these countries (ISO 3166 alpha-2), each with a relative weight.

    Countries not listed get ``default``. "Not in X" is ``weights={"X": 0}, default=1``.
    """

    kind: Literal["countries"] = "countries"
    weights: dict[str, float]
    default: float = Field(0.0, ge=0.0, le=1.0)

    @field_validator("weights")
    @classmethod
    def _normalise(cls, value: dict[str, float]) -> dict[str, float]:
        if any(w < 0 for w in value.values()):
            raise ValueError("country weights must not be negative")
        top = max(value.values(), default=0.0)
        if top > 1.0:
            value = {k: w / top for k, w in value.items()}
        return {k.upper(): w for k, w in value.items()}


class BoxConstraint(_Constraint):
    """Inside a latitude/longitude box; ``west > east`` crosses the antimeridian."""

    kind: Literal["bbox"] = "bbox"
    south: float = Field(ge=-90.0, le=90.0)
    west: float = Field(ge=-180.0, le=180.0)
    north: float = Field(ge=-90.0, le=90.0)
    east: float = Field(ge=-180.0, le=180.0)


class PolygonConstraint(_Constraint):
    """Inside a GeoJSON Polygon or MultiPolygon geometry (lon, lat order)."""

    kind: Literal["polygon"] = "polygon"
    geometry: dict


class BandConstraint(_Constraint):
    """A band of latitude or longitude; a longitude band with ``low > high`` wraps."""

    kind: Literal["band"] = "band"
    axis: Literal["lat", "lon"]
    low: float
    high: float


class RasterConstraint(_Constraint):
    """A likelihood on a regular latitude/longitude grid (cell centres, north row first).

    Values are stored quantised to 0..255, zlib-compressed and base64-encoded, so that a
    0.1 degree global raster stays small in case.json.
    """

    kind: Literal["raster"] = "raster"
    south: float
    west: float
    north: float
    east: float
    rows: int = Field(gt=0)
    cols: int = Field(gt=0)
    values_b64: str

    @classmethod
    def from_array(
        cls,
        values: np.ndarray,
        *,
        south: float,
        west: float,
        north: float,
        east: float,
        strength: float = 0.8,
    ) -> RasterConstraint:
        arr = np.clip(np.asarray(values, dtype=float), 0.0, 1.0)
        q = np.round(arr * 255).astype(np.uint8)
        packed = base64.b64encode(zlib.compress(q.tobytes(), 6)).decode("ascii")
        return cls(
            south=south,
            west=west,
            north=north,
            east=east,
            rows=int(arr.shape[0]),
            cols=int(arr.shape[1]),
            values_b64=packed,
            strength=strength,
        )

    def array(self) -> np.ndarray:
        """The likelihood grid as floats in [0, 1] (decoded once, then shared read-only)."""
        return _decode(self.values_b64, self.rows, self.cols)


@lru_cache(maxsize=8)
def _decode(values_b64: str, rows: int, cols: int) -> np.ndarray:
    raw = zlib.decompress(base64.b64decode(values_b64))
    grid = np.frombuffer(raw, dtype=np.uint8).reshape(rows, cols) / 255.0
    grid.setflags(write=False)
    return grid


GeoConstraint = Annotated[
    PointConstraint
    | CountryConstraint
    | BoxConstraint
    | PolygonConstraint
    | BandConstraint
    | RasterConstraint,
    Field(discriminator="kind"),
]
