"""The sun locus as GeoJSON: polygons around the matching cells of a :class:`Locus`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from geosleuth.geo.locus import Locus

POLYGON_CELL_DEG = 0.2


def locus_geojson(locus: Locus, simplify_deg: float | None = None) -> dict[str, Any]:
    """Polygons around the matching cells (value >= 0.5), simplified, as a FeatureCollection."""
    import contourpy
    import shapely
    from shapely.geometry import MultiPolygon, Polygon, mapping

    step = locus.resolution
    tolerance = simplify_deg if simplify_deg is not None else max(step, 0.05)
    inside = locus.values >= 0.5
    rows = np.flatnonzero(inside.any(axis=1))
    cols = np.flatnonzero(inside.any(axis=0))
    if rows.size == 0:
        return {"type": "FeatureCollection", "features": []}
    # Contour only the rows and columns that hold the locus, on cells of at least
    # POLYGON_CELL_DEG (a cell is in if any of its sub-cells is: the outline errs outwards
    # by less than one such cell, finer than the simplification anyway).
    factor = max(1, round(POLYGON_CELL_DEG / step)) if inside.size > 1_000_000 else 1
    r0, r1 = rows[0] // factor * factor, (rows[-1] // factor + 1) * factor
    c0, c1 = cols[0] // factor * factor, (cols[-1] // factor + 1) * factor
    block = np.zeros((r1 - r0, c1 - c0), dtype=bool)
    sub = inside[r0:r1, c0:c1]
    block[: sub.shape[0], : sub.shape[1]] = sub
    pooled = block.reshape(block.shape[0] // factor, factor, -1, factor).any(axis=(1, 3))
    cell = step * factor
    north = locus.north - r0 * step
    west = locus.west + c0 * step
    lats = north - cell * (np.arange(pooled.shape[0]) + 0.5)
    lons = west + cell * (np.arange(pooled.shape[1]) + 0.5)
    # Pad with a ring of zeros so that polygons close along the grid's own edges.
    z = np.pad(pooled[::-1].astype(float), 1)
    x = np.concatenate([[lons[0] - cell / 2], lons, [lons[-1] + cell / 2]])
    y = np.concatenate([[lats[-1] - cell / 2], lats[::-1], [lats[0] + cell / 2]])
    x = np.clip(x, -180.0, 180.0)
    y = np.clip(y, -90.0, 90.0)
    gen = contourpy.contour_generator(x, y, z, fill_type=contourpy.FillType.OuterOffset)
    points_list, offsets_list = gen.filled(0.5, 2.0)
    polygons: list[Polygon] = []
    for points, offsets in zip(points_list, offsets_list, strict=True):
        rings = [points[offsets[i] : offsets[i + 1]] for i in range(len(offsets) - 1)]
        if not rings or len(rings[0]) < 4:
            continue
        poly = Polygon(rings[0], [r for r in rings[1:] if len(r) >= 4])
        poly = poly.simplify(tolerance, preserve_topology=True)
        if not poly.is_empty and poly.area > 0:
            polygons.append(poly)
    features = []
    if polygons:
        geom = shapely.set_precision(MultiPolygon(polygons), 0.001)
        features.append({
            "type": "Feature",
            "geometry": mapping(geom),
            "properties": {
                "kind": "sun_locus",
                "measurement": locus.measurement.describe(),
                "window": locus.window.label,
                "start_utc": locus.window.start.isoformat(),
                "end_utc": locus.window.end.isoformat(),
                "area_fraction": round(locus.area_fraction(), 6),
            },
        })
    return {"type": "FeatureCollection", "features": features}
