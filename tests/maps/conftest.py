"""Fixtures of the map tests: an imported town, a fake clock, a local HTTP server."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from maps_helpers import FakeClock, LocalServer, Request, make_settings, write_streets, write_town

from geosleuth.maps.regions import RegionStore
from geosleuth.settings import Settings


@pytest.fixture(scope="session")
def town_store(tmp_path_factory: pytest.TempPathFactory) -> RegionStore:
    root = tmp_path_factory.mktemp("town")
    store = RegionStore(root / "data")
    store.import_file(write_town(root / "testdorf.osm.pbf"))
    return store


@pytest.fixture
def streets(tmp_path: Path) -> Settings:
    """Settings whose data folder holds the imported streets of ``write_streets``."""
    settings = make_settings(tmp_path)
    RegionStore(settings.data_dir).import_file(write_streets(tmp_path / "streets.osm.pbf"))
    return settings


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def server() -> Iterator[LocalServer]:
    state = LocalServer()

    class Handler(BaseHTTPRequestHandler):
        def _serve(self) -> None:
            parts = urlsplit(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length).decode() if length else ""
            req = Request(self.command, parts.path, parse_qs(parts.query), body,
                          {k: v for k, v in self.headers.items()})
            status, headers, payload = state.answer(req)
            self.send_response(status)
            for key, value in headers.items():
                self.send_header(key, value)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        do_GET = _serve
        do_POST = _serve

        def log_message(self, *args: Any) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.url = f"http://127.0.0.1:{httpd.server_address[1]}"
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.02},
                              daemon=True)
    thread.start()
    try:
        yield state
    finally:
        httpd.shutdown()
        httpd.server_close()
