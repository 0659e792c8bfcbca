"""The offline reasoner end to end: a sun clue narrows the place; an imported map sharpens it."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import osmium
import pytest

from geosleuth.cases.runner import investigate_photo
from geosleuth.geo.distance import geodesic_km
from geosleuth.maps.regions import RegionStore
from geosleuth.report.markdown import render
from geosleuth.settings import Settings, load_settings
from geosleuth.testing.photos import render_photo

CAFE = (38.71165, -9.13872)  # a made-up café on a made-up spot in Lisbon's Baixa


def settings(tmp_path: Path, **update: object) -> Settings:
    base, _ = load_settings()
    return base.model_copy(update={"cache": False, "out": tmp_path / "cases", **update})


def test_sun_clue_narrows_the_hypotheses_and_is_cited(tmp_path: Path) -> None:
    # Paris, 2024-06-21 10:00 +02:00: the sun stood 38.2° high at azimuth 97.5°.
    photo = render_photo(tmp_path / "noon.jpg", size=(640, 480),
                         taken=datetime(2024, 6, 21, 10, 0, 0), offset="+02:00",
                         make="Apple", model="iPhone 13")
    clue = "sun: elevation=38.22±1 azimuth=97.5±3"
    without = investigate_photo(photo, settings(tmp_path))
    result = investigate_photo(photo, settings(tmp_path), clues=(clue,))
    sun = [e for e in result.state.evidence if e.tool == "sun_angle" and e.constraint is not None]
    assert len(sun) == 1
    h1 = result.state.hypotheses[0]
    assert sun[0].id in h1.supported_by
    assert 44.0 <= h1.lat <= 54.0 and -10 <= h1.lon <= 20
    assert geodesic_km(h1.lat, h1.lon, 48.8566, 2.3522) < 600
    before = without.state.hypotheses[0] if without.state.hypotheses else None
    assert before is None or geodesic_km(before.lat, before.lon, 48.8566, 2.3522) > 600
    assert result.record["verdict"]["confidence"] > (without.record["verdict"]["confidence"] or 0)
    assert "sun\\_angle" in render(result.record) and "elevation=38.22" in render(result.record)


def _write_baixa(path: Path) -> Path:
    writer = osmium.SimpleWriter(str(path))
    try:
        tags = {"amenity": "cafe", "name": "Pastelaria Suíça", "addr:street": "Rua Augusta",
                "addr:city": "Lisboa", "addr:country": "PT"}
        writer.add_node(osmium.osm.mutable.Node(id=1, location=(CAFE[1], CAFE[0]), tags=tags,
                                                version=1))
        for nid, lat, lon in ((2, 38.7130, -9.1390), (3, 38.7100, -9.1380), (4, 38.7080, -9.1370)):
            writer.add_node(osmium.osm.mutable.Node(
                id=nid, location=(lon, lat), version=1,
                tags={"shop": "clothes", "name": f"Loja {nid}", "addr:country": "PT"}))
    finally:
        writer.close()
    return path


@pytest.mark.parametrize("with_map", [False, True])
def test_imported_map_sharpens_the_verdict(tmp_path: Path, with_map: bool) -> None:
    data_dir = tmp_path / "data"
    if with_map:
        RegionStore(data_dir).import_file(_write_baixa(tmp_path / "baixa.osm.pbf"), "baixa")
    photo = render_photo(tmp_path / "cafe.jpg", size=(1000, 700), sign_text="Pastelaria Suíça",
                         more_signs=(("Lisboa", (0.62, 0.12, 0.9, 0.24)),))
    result = investigate_photo(photo, settings(tmp_path, data_dir=data_dir))
    v = result.record["verdict"]
    assert v["country_code"] == "PT"
    maps = [e for e in result.state.evidence if e.tool == "map_search" and e.constraint]
    if with_map:
        assert maps, [e.summary for e in result.state.evidence]
        assert maps[0].id in result.state.hypotheses[0].supported_by
        assert geodesic_km(v["lat"], v["lon"], *CAFE) < 1.0 and v["radius_km"] <= 1.0
    else:
        assert not maps and v["radius_km"] >= 5
