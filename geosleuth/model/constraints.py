"""Geographic constraints: what a piece of evidence says about where the photo was taken.

Every constraint is a likelihood over the Earth's surface. Its ``profile`` f(x) lies in
[0, 1]; its ``strength`` s in (0, 1] says how far the evidence is trusted. The fusion
uses the robust mixture L(x) = (1 - s) + s * f(x) (with 1 - f(x) for a negated
constraint: "not in this country", "not within this circle"), so that a wrong clue can lower the
probability of the truth but never make it zero, and conflicting clues show up as a
lower confidence instead of one of them being silently dropped.

Each constraint describes itself in one line (``describe``), negation included: the
recorder's summary for the reasoner, the verifier's request, the TUI and the report all
show that line, so "not within 10 km of ..." never reads as "near ...".
"""

from __future__ import annotations

import base64
import zlib
from functools import lru_cache
from typing import Annotated, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, field_validator

MAX_COUNTRIES_SHOWN = 5


class _Constraint(BaseModel):
    # allow_inf_nan=False: an infinite radius or a NaN weight from a tool is refused where
    # it is made (a failed call), never reaching the fusion or case.json
    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)

    strength: float = Field(0.8, gt=0.0, le=1.0)
    negate: bool = False  # "not here": the profile becomes 1 - f(x)

    def describe(self, *, scores: bool = True) -> str:
        """Where this constraint puts the photo, in one line, a negation as a negation.

        ``near 38.72230, -9.13930 (±5 km; strength 0.90)``, ``not within 5 km of ...``,
        ``in PT (strength 0.90)``, ``not in ES``. With ``scores=False`` the strength and the
        country weights are left out (the verifier judges evidence, never its scores).
        """
        text, facts, weights = self._parts()
        details = [*facts, *weights, f"strength {self.strength:.2f}"] if scores else facts
        return f"{text} ({'; '.join(details)})" if details else text

    def _parts(self) -> tuple[str, list[str], list[str]]:
        """(what it says, facts shown always, weights shown with the scores)."""
        raise NotImplementedError


def _corners(south: float, west: float, north: float, east: float) -> str:
    return f"S{south:g} W{west:g} N{north:g} E{east:g}"


def _either(codes: list[str]) -> str:
    return codes[0] if len(codes) == 1 else ", ".join(codes[:-1]) + " or " + codes[-1]


class PointConstraint(_Constraint):
    """Near a point: a 2-D Gaussian whose 95 % circle has radius ``radius_km``."""

    kind: Literal["point"] = "point"
    lat: float = Field(ge=-90.0, le=90.0)
    lon: float = Field(ge=-180.0, le=180.0)
    radius_km: float = Field(gt=0.0)

    def _parts(self) -> tuple[str, list[str], list[str]]:
        where = f"{self.lat:.5f}, {self.lon:.5f}"
        if self.negate:
            return f"not within {self.radius_km:g} km of {where}", [], []
        return f"near {where}", [f"±{self.radius_km:g} km"], []


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

    def _parts(self) -> tuple[str, list[str], list[str]]:
        # The profile as the fusion reads it: "not in X" is weights {X: 0} with default 1,
        # or weights {X: 1} negated; both are a negation.
        def seen(w: float) -> float:
            return 1.0 - w if self.negate else w

        rest = seen(self.default)
        weights = {k: seen(w) for k, w in self.weights.items()}
        more = sorted((k for k, w in weights.items() if w > rest), key=lambda k: (-weights[k], k))
        less = sorted((k for k, w in weights.items() if w < rest), key=lambda k: (weights[k], k))
        if more and (rest < 0.5 or not less):  # inside the listed countries, or likelier
            head, listed, plain = ("in" if rest < 0.5 else "more likely in"), more, 1.0
        elif less:  # anywhere but the listed countries
            head, listed, plain = "not in", less, 0.0
        else:
            return "any country alike", [], []
        shown = listed[:MAX_COUNTRIES_SHOWN]
        text = f"{head} {_either(shown)}"
        if len(listed) > len(shown):
            text = f"{head} {', '.join(shown)} or {len(listed) - len(shown)} more"
        detail: list[str] = []
        trivial_rest = {"in": 0.0, "not in": 1.0}.get(head)
        if any(weights[k] != plain for k in shown) or rest != trivial_rest:
            detail.append(", ".join(f"{k} {weights[k]:.2f}" for k in shown)
                          + f", elsewhere {rest:.2f}")
        return text, [], detail


class BoxConstraint(_Constraint):
    """Inside a latitude/longitude box; ``west > east`` crosses the antimeridian."""

    kind: Literal["bbox"] = "bbox"
    south: float = Field(ge=-90.0, le=90.0)
    west: float = Field(ge=-180.0, le=180.0)
    north: float = Field(ge=-90.0, le=90.0)
    east: float = Field(ge=-180.0, le=180.0)

    def _parts(self) -> tuple[str, list[str], list[str]]:
        box = _corners(self.south, self.west, self.north, self.east)
        facts = ["across the antimeridian"] if self.west > self.east else []
        return ("outside" if self.negate else "inside") + f" the box {box}", facts, []


class PolygonConstraint(_Constraint):
    """Inside a GeoJSON Polygon or MultiPolygon geometry (lon, lat order)."""

    kind: Literal["polygon"] = "polygon"
    geometry: dict

    def _parts(self) -> tuple[str, list[str], list[str]]:
        shape = "a polygon"
        if self.geometry.get("type") == "MultiPolygon":
            n = len(self.geometry.get("coordinates") or [])
            shape = f"a multipolygon of {n} part{'s' if n != 1 else ''}"
        return ("outside " if self.negate else "inside ") + shape, [], []


class BandConstraint(_Constraint):
    """A band of latitude or longitude; a longitude band with ``low > high`` wraps."""

    kind: Literal["band"] = "band"
    axis: Literal["lat", "lon"]
    low: float
    high: float

    def _parts(self) -> tuple[str, list[str], list[str]]:
        axis = "latitude" if self.axis == "lat" else "longitude"
        facts = ["across the antimeridian"] if self.axis == "lon" and self.low > self.high else []
        if self.negate:
            return f"{axis} outside {self.low:g}..{self.high:g}", facts, []
        return f"{axis} between {self.low:g} and {self.high:g}", facts, []


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

    def _parts(self) -> tuple[str, list[str], list[str]]:
        where = ("outside" if self.negate else "in") + " the likely cells"
        grid = _corners(self.south, self.west, self.north, self.east)
        return f"{where} of a {self.rows}×{self.cols} raster over {grid}", [], []

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
