"""Test-wide setup: each test session gets its own cache, data and config locations.

The gazetteer index and tool caches are built once per session in a temporary folder,
so the tests never read or write the user's own geosleuth folders.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

_SESSION_DIR = Path(tempfile.mkdtemp(prefix="geosleuth-tests-"))


def pytest_configure(config: object) -> None:
    os.environ.setdefault("GEOSLEUTH_CACHE_DIR", str(_SESSION_DIR / "cache"))
    os.environ.setdefault("GEOSLEUTH_DATA_DIR", str(_SESSION_DIR / "data"))
    os.environ["GEOSLEUTH_CONFIG"] = str(_SESSION_DIR / "no-config.toml")
    # never hand a command to a 'geosleuth serve' the developer may have running
    os.environ["GEOSLEUTH_SERVE_SOCKET"] = str(_SESSION_DIR / "no-server" / "serve.sock")
    for name in ("OPENAI_API_KEY", "ANTHROPIC_API_KEY", "OPENAI_BASE_URL", "ANTHROPIC_BASE_URL"):
        os.environ.pop(name, None)
