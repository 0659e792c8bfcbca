"""A measured sun: its apparent elevation (from an angle or an object's shadow) and azimuth.

:class:`SunMeasurement` is the input of the locus search (:mod:`geosleuth.geo.sun_locus`)
and of chronolocation (:mod:`geosleuth.geo.chronolocation`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from geosleuth.errors import BadInputError
from geosleuth.geo.sun import elevation_from_shadow, sun_azimuth_from_shadow_bearing


@dataclass(frozen=True)
class SunMeasurement:
    """A measured sun: apparent elevation ± tolerance, optionally its azimuth ± tolerance."""

    elevation_deg: float
    tolerance_deg: float = 1.5
    azimuth_deg: float | None = None
    azimuth_tolerance_deg: float = 5.0
    object_height_m: float | None = None
    shadow_length_m: float | None = None
    shadow_bearing_deg: float | None = None

    def __post_init__(self) -> None:
        if not math.isfinite(self.elevation_deg) or not -90.0 <= self.elevation_deg <= 90.0:
            raise BadInputError(
                f"sun elevation {self.elevation_deg:g}° is impossible: give a value in -90..90"
            )
        if not 0.0 < self.tolerance_deg <= 45.0:
            raise BadInputError(f"tolerance {self.tolerance_deg:g}° must be in (0, 45] degrees")
        if self.azimuth_deg is not None and not math.isfinite(self.azimuth_deg):
            raise BadInputError("sun azimuth must be a number of degrees from north")
        if not 0.0 < self.azimuth_tolerance_deg <= 180.0:
            raise BadInputError("azimuth tolerance must be in (0, 180] degrees")

    @classmethod
    def from_shadow(
        cls,
        object_height_m: float,
        shadow_length_m: float,
        *,
        tolerance_deg: float = 1.5,
        shadow_bearing_deg: float | None = None,
        azimuth_tolerance_deg: float = 5.0,
    ) -> SunMeasurement:
        """From an upright object's height and its shadow's length on level ground."""
        if not object_height_m > 0:
            raise BadInputError(f"object height {object_height_m:g} m must be positive")
        if not shadow_length_m > 0:
            raise BadInputError(
                f"shadow length {shadow_length_m:g} m must be positive "
                "(a shadow of zero length means the sun is overhead: give elevation=90)"
            )
        azimuth = (
            None if shadow_bearing_deg is None
            else sun_azimuth_from_shadow_bearing(shadow_bearing_deg)
        )
        return cls(
            elevation_deg=elevation_from_shadow(object_height_m, shadow_length_m),
            tolerance_deg=tolerance_deg,
            azimuth_deg=azimuth,
            azimuth_tolerance_deg=azimuth_tolerance_deg,
            object_height_m=object_height_m,
            shadow_length_m=shadow_length_m,
            shadow_bearing_deg=shadow_bearing_deg,
        )

    def describe(self) -> str:
        text = f"sun elevation {self.elevation_deg:.1f}°±{self.tolerance_deg:g}°"
        if self.object_height_m is not None:
            text += f" (object {self.object_height_m:g} m, shadow {self.shadow_length_m:g} m)"
        if self.azimuth_deg is not None:
            text += f", azimuth {self.azimuth_deg:.0f}°±{self.azimuth_tolerance_deg:g}°"
        return text

    def as_dict(self) -> dict[str, Any]:
        return {
            "elevation_deg": round(self.elevation_deg, 4),
            "tolerance_deg": self.tolerance_deg,
            "azimuth_deg": None if self.azimuth_deg is None else round(self.azimuth_deg, 3),
            "azimuth_tolerance_deg": self.azimuth_tolerance_deg,
            "object_height_m": self.object_height_m,
            "shadow_length_m": self.shadow_length_m,
            "shadow_bearing_deg": self.shadow_bearing_deg,
        }
