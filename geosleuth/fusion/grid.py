"""An adaptive equal-area grid of H3 cells over the globe.

The posterior lives on leaf cells of mixed resolution: resolution 3 everywhere
(41,162 cells of ~12,400 km²), refined where the probability mass is, down to cells a
few metres across around a GPS fix. A child cell gets a seventh of its parent's area,
so that refining never creates or loses area (h3 children cover their parent only
approximately; the area bookkeeping keeps the integral exact).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

import h3
import numpy as np

from geosleuth.fusion import store

BASE_RES = 3
MAX_RES = 14


@dataclass(frozen=True)
class Cells:
    """Leaf cells: H3 ids with their centre, area (km²) and resolution."""

    ids: np.ndarray  # object array of H3 index strings
    lat: np.ndarray
    lon: np.ndarray
    area: np.ndarray
    res: np.ndarray

    def __len__(self) -> int:
        return len(self.ids)

    @property
    def radius_km(self) -> np.ndarray:
        """Radius of the disk with each cell's area."""
        return np.sqrt(self.area / math.pi)

    def take(self, mask: np.ndarray) -> Cells:
        return Cells(
            self.ids[mask], self.lat[mask], self.lon[mask], self.area[mask], self.res[mask]
        )

    @staticmethod
    def concat(parts: list[Cells]) -> Cells:
        return Cells(
            np.concatenate([p.ids for p in parts]),
            np.concatenate([p.lat for p in parts]),
            np.concatenate([p.lon for p in parts]),
            np.concatenate([p.area for p in parts]),
            np.concatenate([p.res for p in parts]),
        )


@lru_cache(maxsize=1)
def base_cells() -> Cells:
    """Every resolution-3 cell on Earth (once per process, from the disk cache when set)."""
    arrays = store.cached("h3-res3-cells", ("h3",), _build_base_cells)
    return Cells(
        arrays["ids"].astype(object),
        arrays["lat"],
        arrays["lon"],
        arrays["area"],
        np.full(len(arrays["ids"]), BASE_RES, dtype=np.int8),
    )


def _build_base_cells() -> dict[str, np.ndarray]:
    ids = [
        c for r0 in sorted(h3.get_res0_cells()) for c in sorted(h3.cell_to_children(r0, BASE_RES))
    ]
    latlon = np.array([h3.cell_to_latlng(c) for c in ids])
    area = np.array([h3.cell_area(c, "km^2") for c in ids])
    return {
        "ids": np.array(ids, dtype="U15"),
        "lat": latlon[:, 0].copy(),
        "lon": latlon[:, 1].copy(),
        "area": area,
    }


def refine(cells: Cells) -> tuple[Cells, np.ndarray]:
    """Replace each cell by its seven (or six, at pentagons) children.

    Returns the children and, for each child, the index of its parent in ``cells``.
    """
    ids: list[str] = []
    areas: list[float] = []
    res: list[int] = []
    parent: list[int] = []
    for i, (cid, area, r) in enumerate(zip(cells.ids, cells.area, cells.res, strict=True)):
        children = h3.cell_to_children(cid, int(r) + 1)
        share = float(area) / len(children)
        ids.extend(children)
        areas.extend([share] * len(children))
        res.extend([int(r) + 1] * len(children))
        parent.extend([i] * len(children))
    latlon = np.array([h3.cell_to_latlng(c) for c in ids]).reshape(-1, 2)
    children = Cells(
        np.array(ids, dtype=object),
        latlon[:, 0].copy(),
        latlon[:, 1].copy(),
        np.array(areas),
        np.array(res, dtype=np.int8),
    )
    return children, np.array(parent, dtype=np.int64)


@lru_cache(maxsize=1024)
def resolution_for_radius(radius_km: float) -> int:
    """The coarsest resolution whose cells are small against a radius (about a quarter)."""
    for res in range(BASE_RES, MAX_RES + 1):
        if math.sqrt(h3.average_hexagon_area(res, "km^2") / math.pi) <= radius_km / 4.0:
            return res
    return MAX_RES
