"""The zone -> country table and the cached country raster."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from geosleuth.geo.country_raster import CountryRaster, country_at, zone_countries, zone_country


def test_zone_table_covers_every_land_zone() -> None:
    from timezonefinder import TimezoneFinder

    table = zone_countries()
    land = [z for z in TimezoneFinder().timezone_names if not z.startswith("Etc/")]
    assert [z for z in land if z not in table] == []
    assert zone_country("Europe/Vaduz") == "LI"
    assert zone_country("Europe/Zurich") == "CH"  # zone.tab: one country per zone
    assert zone_country("Etc/GMT+2") is None
    assert zone_country(None) is None


def test_country_at_single_points() -> None:
    assert country_at(43.9356, 12.4473) == "SM"  # San Marino, inside Italy
    assert country_at(47.69, 8.68) == "DE"  # Büsingen, a German enclave in Switzerland
    assert country_at(-33.87, 151.21) == "AU"
    assert country_at(-60.0, -100.0) is None


def test_raster_is_built_once_and_read_back(tmp_path: Path) -> None:
    built = CountryRaster.load_or_build(tmp_path, res=0.5)
    files = list(tmp_path.iterdir())
    assert files == [CountryRaster.path_for(tmp_path, 0.5)]  # no temporary left behind
    again = CountryRaster.load_or_build(tmp_path, res=0.5)
    assert np.array_equal(built.index, again.index)
    assert np.array_equal(built.edges, again.edges)
    lats = np.array([48.8566, 52.52, -15.0, 47.141])
    lons = np.array([2.3522, 13.40, -140.0, 9.521])
    assert list(again.countries_at(lats, lons)) == ["FR", "DE", "", "LI"]
    nan = again.countries_at(np.array([np.nan, 48.85]), np.array([2.35, np.nan]))
    assert list(nan) == ["", ""]


def test_a_damaged_raster_is_rebuilt(tmp_path: Path) -> None:
    path = CountryRaster.path_for(tmp_path, 1.0)
    path.write_bytes(b"not a numpy file")
    raster = CountryRaster.load_or_build(tmp_path, res=1.0)
    assert raster.countries_at(np.array([40.0]), np.array([-100.0]))[0] == "US"
    assert np.load(path)["index"].shape == (180, 360)
