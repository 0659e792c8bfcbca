"""The country raster keeps its boundary cells packed eight to a byte, and reads them
as the unpacked array did."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from geosleuth.geo.country_raster import CountryRaster


def test_boundary_cells_are_held_packed_and_read_the_same(tmp_path: Path) -> None:
    CountryRaster.load_or_build(tmp_path, res=0.45)  # 800 columns: 100 bytes a row
    raster = CountryRaster.load_or_build(tmp_path, res=0.45)  # read back from the file
    rows, cols = raster.index.shape
    assert raster._packed.dtype == np.uint8
    assert raster._packed.shape == (rows, (cols + 7) // 8)
    edges = raster.edges
    assert edges.shape == raster.index.shape and edges.dtype == bool and edges.any()
    r, c = np.meshgrid(np.arange(rows), np.arange(cols), indexing="ij")
    assert np.array_equal(raster._near_edge(r.ravel(), c.ravel()).reshape(rows, cols), edges)
    again = CountryRaster(raster.index, edges, list(raster.codes), raster.res)
    assert np.array_equal(again._packed, raster._packed)


def test_a_file_whose_edges_do_not_fit_its_index_is_rebuilt(tmp_path: Path) -> None:
    built = CountryRaster.load_or_build(tmp_path, res=0.9)
    path = CountryRaster.path_for(tmp_path, 0.9)
    np.savez(path.open("wb"), index=built.index, edges=np.zeros((3, 3), np.uint8),
             codes=built.codes)
    again = CountryRaster.load_or_build(tmp_path, res=0.9)
    assert np.array_equal(again.edges, built.edges)
