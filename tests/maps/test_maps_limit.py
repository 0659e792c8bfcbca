"""``--limit`` holds for every provider: a Nominatim server that answers with 5,000
places for ``limit=5`` gives five, and the imported regions give no more than asked."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from maps_helpers import LocalServer, Reply, Request, json_reply, write_town
from typer.testing import CliRunner

from geosleuth.cli.app import app

MANY = 5000


def _flood(req: Request) -> Reply:
    """Nominatim that ignores ``limit``: 5,000 bus stops called Rathaus."""
    if req.path != "/search":
        return 404, {}, b"not found"
    return json_reply([
        {"place_id": i, "osm_type": "node", "osm_id": i, "lat": f"{47 + i * 1e-5:.5f}",
         "lon": "9.0", "class": "highway", "type": "bus_stop", "name": "Rathaus",
         "display_name": f"Rathaus {i}, Testdorf", "namedetails": {"name": "Rathaus"}}
        for i in range(1, MANY + 1)
    ])


def _run(args: list[str]) -> tuple[int, str]:
    result = CliRunner().invoke(app, args)
    return result.exit_code, result.output


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("GEOSLEUTH_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("GEOSLEUTH_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("GEOSLEUTH_NETWORK", "false")
    return tmp_path


def test_online_search_prints_no_more_than_the_limit(
    env: Path, server: LocalServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    server.route = _flood
    monkeypatch.setenv("GEOSLEUTH_NOMINATIM_URL", server.url)
    monkeypatch.setenv("GEOSLEUTH_CONTACT", "maps-test@example.org")
    code, out = _run(["map", "search", "Rathaus", "--limit", "5", "--online", "--network"])
    assert code == 0, out
    [req] = server.requests
    assert req.path == "/search" and req.query["limit"] == ["5"]  # asked for five
    lines = out.splitlines()
    assert len([line for line in lines if "Rathaus" in line]) == 5, out  # and printed five
    assert lines[-1] == f"({server.url.split('//')[1]})"

    code, out = _run(["map", "search", "Rathaus", "--limit", "3", "--online", "--network",
                      "--json"])
    assert code == 0 and len(json.loads(out)["matches"]) == 3
    assert server.requests[-1].query["limit"] == ["3"]


def test_offline_answers_hold_the_limit(env: Path) -> None:
    assert _run(["maps", "import", str(write_town(env / "testdorf.osm.pbf"))])[0] == 0
    code, out = _run(["map", "search", "Rathaus", "--json"])
    assert code == 0 and len(json.loads(out)["matches"]) == 3  # two stops and a pharmacy
    code, out = _run(["map", "search", "Rathaus", "--limit", "1", "--json"])
    assert code == 0 and len(json.loads(out)["matches"]) == 1
    code, out = _run(["map", "nearby", "47.005,9.005", "--radius", "2000", "--limit", "2",
                      "--json"])
    assert code == 0 and len(json.loads(out)["matches"]) == 2
