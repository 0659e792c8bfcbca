"""``geosleuth maps ...`` and ``geosleuth map ...`` through the real CLI application."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from maps_helpers import write_town
from typer.testing import CliRunner

from geosleuth.cli.app import app


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setenv("GEOSLEUTH_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("GEOSLEUTH_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("GEOSLEUTH_NETWORK", "false")
    return CliRunner()


def invoke(cli: CliRunner, *args: str) -> tuple[int, str]:
    result = cli.invoke(app, list(args))
    return result.exit_code, result.output


def test_import_list_query_remove(cli: CliRunner, tmp_path: Path) -> None:
    code, out = invoke(cli, "maps", "import", str(write_town(tmp_path / "testdorf.osm.gz")))
    assert code == 0 and "imported testdorf: 12 features" in out
    code, out = invoke(cli, "maps", "list", "--json")
    assert code == 0 and json.loads(out)[0]["name"] == "testdorf"

    code, out = invoke(cli, "map", "search", "Lowen Apotheke", "--json")
    answer = json.loads(out)
    assert code == 0 and answer["matches"][0]["name"] == "Löwen-Apotheke"
    code, out = invoke(cli, "map", "nearby", "47.001,9.001", "--tag", "amenity=pharmacy",
                       "--radius", "100")
    assert code == 0 and "Löwen-Apotheke" in out and "Stern-Apotheke" not in out
    code, out = invoke(cli, "map", "cooccur", "--pattern", "name=Rathaus,highway=bus_stop",
                       "--pattern", "amenity=pharmacy", "--within", "150", "--json")
    assert code == 0 and len(json.loads(out)["groups"]) == 1
    code, out = invoke(cli, "map", "reverse", "47.0051,9.0051")
    assert code == 0 and "Hauptstraße 7" in out

    code, out = invoke(cli, "maps", "remove", "testdorf")
    assert code == 0 and "removed testdorf" in out
    code, out = invoke(cli, "maps", "list")
    assert "no region imported" in out


def test_uncovered_and_bad_input(cli: CliRunner, tmp_path: Path) -> None:
    invoke(cli, "maps", "import", str(write_town(tmp_path / "t.osm.pbf")))
    code, out = invoke(cli, "map", "nearby", "--tag", "amenity=cafe", "--", "-33.9,18.4")
    assert code == 0 and "no imported region covers" in out
    code, out = invoke(cli, "map", "nearby", "not-a-point", "--tag", "amenity=cafe")
    assert code != 0
    code, out = invoke(cli, "map", "search", "Rathaus", "--online")
    assert code != 0


def test_map_names_with_control_characters_are_printed_harmlessly(
    cli: CliRunner, tmp_path: Path
) -> None:
    import osmium

    path = tmp_path / "evil.osm.pbf"  # XML cannot carry an escape character; PBF can
    writer = osmium.SimpleWriter(str(path))
    writer.add_node(osmium.osm.mutable.Node(
        id=1, location=(9.0, 47.0), version=1,
        tags={"name": "Evil\x1b[2J Shop", "shop": "bakery"}))
    writer.close()
    assert invoke(cli, "maps", "import", str(path))[0] == 0
    code, out = invoke(cli, "map", "search", "Evil Shop")
    assert code == 0 and "\x1b" not in out and "Evil\\x1b[2J Shop" in out
