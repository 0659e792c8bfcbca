"""The sun locus as a raster: :class:`Locus`, match values on a regular latitude/longitude grid.

It is computed by :func:`geosleuth.geo.sun_locus.sun_locus` and drawn as polygons by
:mod:`geosleuth.geo.locus_geojson`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from geosleuth.geo.locus_geojson import locus_geojson
from geosleuth.geo.sun_measurement import SunMeasurement
from geosleuth.geo.time_window import TimeWindow


@dataclass
class Locus:
    """Where the sun matches: values in [0, 1] on a regular grid (north row first, cell centres).

    1 means some point in the cell sees the sun as measured (within the tolerance); the
    value falls to 0 over one more tolerance.
    """

    values: np.ndarray
    resolution: float
    south: float
    west: float
    north: float
    east: float
    measurement: SunMeasurement
    window: TimeWindow
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def lats(self) -> np.ndarray:
        return self.north - self.resolution * (np.arange(self.values.shape[0]) + 0.5)

    @property
    def lons(self) -> np.ndarray:
        return self.west + self.resolution * (np.arange(self.values.shape[1]) + 0.5)

    def match_mask(self) -> np.ndarray:
        return self.values >= 0.999

    def area_fraction(self) -> float:
        """Share of the grid's area (of the globe, for a global grid) that matches."""
        weights = np.cos(np.radians(self.lats))
        total = weights.sum() * self.values.shape[1]
        return float((self.match_mask().sum(axis=1) * weights).sum() / total) if total else 0.0

    def area_km2(self) -> float:
        cell = np.radians(self.resolution) ** 2 * 6371.0088**2
        weights = np.cos(np.radians(self.lats))
        return float((self.match_mask().sum(axis=1) * weights).sum() * cell)

    def lat_range(self) -> tuple[float, float] | None:
        rows = np.flatnonzero(self.match_mask().any(axis=1))
        if rows.size == 0:
            return None
        lats = self.lats
        half = self.resolution / 2
        return float(lats[rows.max()] - half), float(lats[rows.min()] + half)

    def value_at(self, lat: float, lon: float) -> float:
        """The value of the cell holding (lat, lon); 0 outside the grid."""
        rows, cols = self.values.shape
        if not self.south <= lat <= self.north:
            return 0.0
        if self.east - self.west >= 360.0:
            offset = (lon - self.west) % 360.0
        elif self.west <= lon <= self.east:
            offset = lon - self.west
        else:
            return 0.0
        row = min(int((self.north - lat) // self.resolution), rows - 1)
        col = min(int(offset // self.resolution), cols - 1)
        return float(self.values[row, col])

    def contains(self, lat: float, lon: float) -> bool:
        return self.value_at(lat, lon) >= 0.999

    def sample_points(self, count: int = 5) -> list[tuple[float, float]]:
        """A few matching cell centres spread along the locus (for naming places)."""
        rows, cols = np.nonzero(self.match_mask())
        if rows.size == 0:
            return []
        order = np.argsort(cols, kind="stable")
        picks = order[np.linspace(0, order.size - 1, min(count, order.size)).astype(int)]
        lats, lons = self.lats, self.lons
        return [(float(lats[rows[i]]), float(lons[cols[i]])) for i in picks]

    def to_constraint(self, strength: float = 0.85) -> Any:
        """A RasterConstraint of the values, cropped to the rows and columns that are not
        zero (a raster reads 0 outside its bounds, so nothing changes but the size)."""
        from geosleuth.model import RasterConstraint

        rows = np.flatnonzero(self.values.any(axis=1))
        cols = np.flatnonzero(self.values.any(axis=0))
        if rows.size == 0:
            rows = cols = np.array([0])
        r0, r1, c0, c1 = rows[0], rows[-1] + 1, cols[0], cols[-1] + 1
        step = self.resolution
        return RasterConstraint.from_array(
            self.values[r0:r1, c0:c1],
            south=self.north - r1 * step, west=self.west + c0 * step,
            north=self.north - r0 * step, east=self.west + c1 * step,
            strength=strength,
        )

    def geojson(self, simplify_deg: float | None = None) -> dict[str, Any]:
        """The matching area as a GeoJSON FeatureCollection of (multi)polygons, simplified."""
        return locus_geojson(self, simplify_deg=simplify_deg)
